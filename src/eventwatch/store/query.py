"""Read queries over the store: filtered events, an event's mentions, an article, ad-hoc SQL, a summary.

Functions take an open ``dialect.Connection`` (DuckDB or PostgreSQL) and return plain values or Arrow
tables, so the Store can hand out pandas, polars or records as asked, and the CLI can print them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa

from eventwatch.documents import normalise_date
from eventwatch.store.dialect import Connection


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


def events(con: Connection, where: EventFilter) -> pa.Table:
    clause, params = where.where()
    sql = f"SELECT * FROM events{clause} ORDER BY date NULLS LAST, num_mentions DESC, event_id"
    if where.limit is not None:
        sql += f" LIMIT {int(where.limit)}"
    return con.arrow(sql, params)


def mentions(con: Connection, event_id: str) -> pa.Table:
    return con.arrow(
        "SELECT * FROM mentions WHERE event_id = ? "
        "ORDER BY date NULLS LAST, article_id, sentence_index, trigger_start NULLS LAST",
        [event_id],
    )


def article(con: Connection, article_id: str) -> dict[str, Any] | None:
    rows = con.rows("SELECT * FROM articles WHERE article_id = ?", [article_id])
    return rows[0] if rows else None


def sql(con: Connection, query: str) -> pa.Table:
    """One statement's result (an empty table for a statement that returns no rows)."""
    return con.arrow(query)


def summary(con: Connection, top: int = 10) -> dict[str, Any]:
    source, target = "coalesce(source_code, '?')", "coalesce(target_code, '-')"
    dyads = con.execute(
        f"SELECT {source} AS source, {target} AS target, count(*) AS events, sum(num_mentions) AS mentions, "
        f"avg(goldstein) AS goldstein FROM events GROUP BY 1, 2 "
        f"ORDER BY 3 DESC, 4 DESC, {con.binary(source)}, {con.binary(target)} LIMIT ?",
        [top],
    ).fetchall()
    roots = con.execute(
        f"SELECT cameo_root, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC, {con.binary('cameo_root')} LIMIT ?",
        [top],
    ).fetchall()
    first, last = con.execute("SELECT min(date), max(date) FROM events").fetchone()
    return {
        "articles": con.scalar("SELECT count(*) FROM articles"),
        "sentences": con.scalar("SELECT coalesce(sum(n_sentences), 0) FROM articles"),
        "mentions": con.scalar("SELECT count(*) FROM mentions"),
        "asserted_mentions": con.scalar("SELECT count(*) FROM mentions WHERE event_id IS NOT NULL"),
        "events": con.scalar("SELECT count(*) FROM events"),
        "actors": con.scalar("SELECT count(*) FROM actors"),
        "first_date": first.isoformat() if first else None,
        "last_date": last.isoformat() if last else None,
        "top_dyads": [
            {"source": s, "target": t, "events": n, "mentions": int(m),
             "goldstein": None if g is None else round(g, 2)}
            for s, t, n, m, g in dyads
        ],  # fmt: skip
        "top_cameo_roots": [{"cameo_root": r, "events": n} for r, n in roots],
    }
