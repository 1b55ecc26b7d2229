"""Read queries over the store: filtered events, an event's mentions, an article, ad-hoc SQL, a summary.

Functions take an open connection and return plain values or Arrow tables, so the Store can hand out
pandas, polars or records as asked, and the CLI can print them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from eventwatch.documents import normalise_date


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Filters of ``eventwatch events``. Actor codes and CAMEO codes match as prefixes (``USA``
    matches ``USAGOV``; ``19`` matches ``190``-``196``); ``country`` matches either actor's country or
    the event's location."""

    date_from: str | date | None = None
    date_to: str | date | None = None
    source: str | None = None
    target: str | None = None
    cameo: str | None = None
    plover: str | None = None
    country: str | None = None
    limit: int | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for value, op in ((self.date_from, ">="), (self.date_to, "<=")):
            if value is not None:
                clauses.append(f"date {op} ?")
                params.append(_as_date(value))
        for column, value in (
            ("source_code", self.source),
            ("target_code", self.target),
            ("cameo", self.cameo),
        ):
            if value:
                clauses.append(f"starts_with({column}, ?)")
                params.append(value.strip().upper())
        if self.plover:
            clauses.append("upper(plover) = ?")
            params.append(self.plover.strip().upper())
        if self.country:
            clauses.append("? IN (source_country, target_country, location_country)")
            params.append(self.country.strip().upper())
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _as_date(value: str | date) -> date:
    if isinstance(value, date):
        return value
    iso = normalise_date(str(value))
    if iso is None:
        raise ValueError(f"bad date {value!r} (expected YYYY-MM-DD)")
    return date.fromisoformat(iso)


def events(con: duckdb.DuckDBPyConnection, where: EventFilter) -> pa.Table:
    clause, params = where.where()
    sql = f"SELECT * FROM events{clause} ORDER BY date, num_mentions DESC, event_id"
    if where.limit is not None:
        sql += f" LIMIT {int(where.limit)}"
    return con.sql(sql, params=params).to_arrow_table()


def mentions(con: duckdb.DuckDBPyConnection, event_id: str) -> pa.Table:
    return con.sql(
        "SELECT * FROM mentions WHERE event_id = ? ORDER BY date, article_id, sentence_index, trigger_start",
        params=[event_id],
    ).to_arrow_table()


def article(con: duckdb.DuckDBPyConnection, article_id: str) -> dict[str, Any] | None:
    cursor = con.execute("SELECT * FROM articles WHERE article_id = ?", [article_id])
    rows = cursor.fetchall()
    if not rows:
        return None
    row = rows[0]
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def sql(con: duckdb.DuckDBPyConnection, query: str) -> pa.Table:
    relation = con.sql(query)
    # A statement that returns no rows (SET, a failed write is an error anyway) gives no relation.
    return relation.to_arrow_table() if relation is not None else pa.table({})


def summary(con: duckdb.DuckDBPyConnection, top: int = 10) -> dict[str, Any]:
    def scalar(q: str) -> Any:
        return con.execute(q).fetchall()[0][0]

    dyads = con.execute(
        "SELECT coalesce(source_code, '?') AS source, coalesce(target_code, '-') AS target, "
        "count(*) AS events, sum(num_mentions) AS mentions, round(avg(goldstein), 2) AS goldstein "
        "FROM events GROUP BY ALL ORDER BY events DESC, mentions DESC, source, target LIMIT ?",
        [top],
    ).fetchall()
    roots = con.execute(
        "SELECT cameo_root, count(*) FROM events GROUP BY ALL ORDER BY 2 DESC, 1 LIMIT ?", [top]
    ).fetchall()
    first, last = con.execute("SELECT min(date), max(date) FROM events").fetchall()[0]
    return {
        "articles": scalar("SELECT count(*) FROM articles"),
        "sentences": scalar("SELECT coalesce(sum(n_sentences), 0) FROM articles"),
        "mentions": scalar("SELECT count(*) FROM mentions"),
        "asserted_mentions": scalar("SELECT count(*) FROM mentions WHERE event_id IS NOT NULL"),
        "events": scalar("SELECT count(*) FROM events"),
        "actors": scalar("SELECT count(*) FROM actors"),
        "first_date": first.isoformat() if first else None,
        "last_date": last.isoformat() if last else None,
        "top_dyads": [
            {"source": s, "target": t, "events": n, "mentions": int(m), "goldstein": g}
            for s, t, n, m, g in dyads
        ],
        "top_cameo_roots": [{"cameo_root": r, "events": n} for r, n in roots],
    }
