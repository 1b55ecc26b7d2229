"""Dyad-day counts the writer keeps beside the events: what a dyadic series reads instead of a scan.

``dyad_days`` holds, per unit (``events``, and ``mentions`` that belong to an event), actor pair, day,
QuadClass and CAMEO root, how many there are and their Goldstein sum; ``dyads`` names each actor pair
(codes and countries) by a small number. A series resolves its actors to the few pairs they match in
``dyads`` and reads their days, a few hundred rows, where a scan of ``events`` reads every event.

Writers change the counts in the transaction that changes the rows counted (``count``): they remove
what they delete and add what they insert, so an event re-clustered by a dedup merge (new codes or a
new day) is counted once, where it is now. Missing values are stored as '' and 0, so every column is
a key; undated rows are not counted (a series has no period for them). A count that falls to zero
stays (the day may come back) and readers skip it. Tables filled outside eventwatch's writers (SQL
by hand, an old loader) are not counted: ``rebuild`` recounts everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import pyarrow as pa

from eventwatch.store.dialect import Connection

UNITS = ("events", "mentions")
DYAD = ("source_code", "source_country", "target_code", "target_country")
DAY = ("date", "quad_class", "cameo_root")
# What a row of a unit contributes: the unit's rows that a series counts (mentions of an event only).
_COUNTED = {"events": "date IS NOT NULL", "mentions": "date IS NOT NULL AND event_id IS NOT NULL"}
_BLANK = {"quad_class": 0}  # other key columns are text: ''


def _key_sql(column: str) -> str:
    if column == "date":
        return column  # counted rows are dated
    return f"coalesce({column}, {_BLANK.get(column, repr(''))})"


def _matching(left: str, right: str, columns: Iterable[str]) -> str:
    return " AND ".join(f"{left}.{c} = {right}.{c}" for c in columns)


def table_statements() -> tuple[str, ...]:
    """The tables (schema migration 4); ``rebuild`` fills them."""
    dyad = ", ".join(f"{c} VARCHAR NOT NULL" for c in DYAD)
    return (
        f"CREATE TABLE dyads (dyad_id INTEGER NOT NULL, {dyad})",
        "CREATE TABLE dyad_days (unit VARCHAR NOT NULL, dyad_id INTEGER NOT NULL, date DATE NOT NULL, "
        "quad_class INTEGER NOT NULL, cameo_root VARCHAR NOT NULL, n BIGINT NOT NULL, "
        "goldstein DOUBLE PRECISION NOT NULL)",
    )


def rebuild_statements() -> tuple[str, ...]:
    """Statements recounting every event and mention from scratch, in (unit, pair, day) order, so a
    DuckDB scan of one pair's days skips the row groups of others."""
    keys = ", ".join(f"{_key_sql(c)} AS {c}" for c in (*DYAD, *DAY))
    counted = " UNION ALL ".join(
        f"SELECT '{unit}' AS unit, {keys}, count(*) AS n, coalesce(sum(goldstein), 0) AS goldstein "
        f"FROM {unit} WHERE {_COUNTED[unit]} GROUP BY {', '.join(_key_sql(c) for c in (*DYAD, *DAY))}"
        for unit in UNITS
    )
    dyad = ", ".join(DYAD)
    # A pair of countries gets neighbouring numbers, both ways round, so its days lie together.
    by_country = (
        "least(source_country, target_country), greatest(source_country, target_country), "
        "source_country, target_country, source_code, target_code"
    )
    return (
        "DELETE FROM dyad_days",
        "DELETE FROM dyads",
        f"INSERT INTO dyads (dyad_id, {dyad}) SELECT row_number() OVER (ORDER BY {by_country}), {dyad} "
        f"FROM (SELECT DISTINCT {dyad} FROM ({counted}) c) pairs",
        f"INSERT INTO dyad_days (unit, dyad_id, {', '.join(DAY)}, n, goldstein) "
        f"SELECT c.unit, y.dyad_id, {', '.join('c.' + c for c in DAY)}, c.n, c.goldstein "
        f"FROM ({counted}) c JOIN dyads y ON {_matching('c', 'y', DYAD)} "
        f"ORDER BY c.unit, y.dyad_id, c.date",
    )


def rebuild(con: Connection) -> None:
    """Recount every event and mention (after the tables were filled by other means than the writer)."""
    for statement in rebuild_statements():
        con.execute(statement)


def count(con: Connection, unit: str, rows: Iterable[dict[str, Any]], sign: int) -> None:
    """Add (``sign`` 1) or remove (-1) ``rows`` of ``unit`` (dicts with the actor pair, day, QuadClass,
    CAMEO root and Goldstein score; a mention only if it belongs to an event) to or from the counts."""
    totals: dict[tuple[Any, ...], list[float]] = {}
    for row in rows:
        day: date | None = row.get("date")
        if day is None:
            continue
        key = (*(row.get(c) or _BLANK.get(c, "") for c in DYAD), day, row.get("quad_class") or 0,
               row.get("cameo_root") or "")  # fmt: skip
        total = totals.setdefault(key, [0, 0.0])
        total[0] += sign
        total[1] += sign * (row.get("goldstein") or 0.0)
    if totals:
        _apply(con, unit, totals)


def _apply(con: Connection, unit: str, totals: dict[tuple[Any, ...], list[float]]) -> None:
    keys = list(totals)
    columns: dict[str, pa.Array] = {c: pa.array([k[i] for k in keys], pa.string()) for i, c in enumerate(DYAD)}
    columns["date"] = pa.array([k[4] for k in keys], pa.date32())
    columns["quad_class"] = pa.array([k[5] for k in keys], pa.int32())
    columns["cameo_root"] = pa.array([k[6] for k in keys], pa.string())
    columns["n"] = pa.array([int(totals[k][0]) for k in keys], pa.int64())
    columns["goldstein"] = pa.array([totals[k][1] for k in keys], pa.float64())
    dyad = ", ".join(DYAD)
    con.lock_writers()  # new pairs are numbered from the highest: one writer at a time (the Writer holds it)
    delta = f"(SELECT y.dyad_id, d.* FROM _dyad_delta d JOIN dyads y ON {_matching('d', 'y', DYAD)})"
    same_day = f"c.unit = '{unit}' AND c.dyad_id = d.dyad_id AND {_matching('c', 'd', DAY)}"
    with con.stage("_dyad_delta", pa.table(columns)):
        con.execute(  # pairs seen for the first time get the next numbers (writers take turns)
            f"INSERT INTO dyads (dyad_id, {dyad}) "
            f"SELECT (SELECT coalesce(max(dyad_id), 0) FROM dyads) + row_number() OVER (ORDER BY {dyad}), {dyad} "
            f"FROM (SELECT DISTINCT {', '.join('d.' + c for c in DYAD)} FROM _dyad_delta d WHERE NOT EXISTS "
            f"(SELECT 1 FROM dyads y WHERE {_matching('d', 'y', DYAD)})) pairs"
        )
        con.execute(
            "UPDATE dyad_days c SET n = c.n + d.n, goldstein = c.goldstein + d.goldstein "
            f"FROM {delta} d WHERE {same_day}"
        )
        con.execute(
            f"INSERT INTO dyad_days (unit, dyad_id, {', '.join(DAY)}, n, goldstein) "
            f"SELECT '{unit}', d.dyad_id, {', '.join('d.' + c for c in DAY)}, d.n, d.goldstein FROM {delta} d "
            f"WHERE NOT EXISTS (SELECT 1 FROM dyad_days c WHERE {same_day})"
        )


def counted_rows(con: Connection, unit: str, where: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    """The rows of ``unit`` matching ``where`` (SQL over its columns), as ``count`` takes them."""
    columns = ", ".join((*DYAD, *DAY, "goldstein"))
    return con.rows(f"SELECT {columns} FROM {unit} WHERE {_COUNTED[unit]} AND ({where})", params or [])
