"""Where the monitor reads from: a store's tables, in DuckDB or PostgreSQL.

The monitor only reads the ``events``, ``mentions``, ``articles`` and ``actors`` tables, so it accepts an
open connection (``store.dialect.Connection``, or a DuckDB connection), a database path or
``postgresql://`` URL, or a Store alike. A path, URL or Store is opened for reading for the one call
and released after it, so the monitor never holds the lock a writer (``eventwatch watch``) needs.
Queries are written in the SQL both engines run (see ``store.dialect``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

from eventwatch.store.backends import Backend, open_backend
from eventwatch.store.dialect import Connection, DuckDBConnection

Source = Any  # Connection | duckdb.DuckDBPyConnection | str | Path | Backend | eventwatch.store.Store


@contextmanager
def reading(source: Source) -> Iterator[Connection]:
    """A connection over ``source``: an open connection (left open; a DuckDB one gets a cursor of its
    own, so threads sharing it do not collide), or a path, URL, Backend or Store (opened for reading
    for this block, then released)."""
    if isinstance(source, Connection):
        yield source
        return
    if isinstance(source, duckdb.DuckDBPyConnection):
        cursor = source.cursor()
        try:
            yield DuckDBConnection(cursor)
        finally:
            cursor.close()
        return
    if isinstance(source, Backend) or callable(getattr(source, "read", None)):
        with source.read() as con:
            yield con
        return
    if not isinstance(source, str | Path):
        raise TypeError(f"cannot read events from a {type(source).__name__}: pass a connection, path, URL or Store")
    backend = open_backend(source)
    try:
        with backend.read() as con:
            yield con
    finally:
        backend.close()


def actor_match(column_prefix: str, spec: str) -> tuple[str, list[str]]:
    """SQL matching an actor side (``source`` or ``target``) against ``spec``, with its parameters.

    ``spec`` is a country (``RUS``) or a CAMEO actor code (``RUSMIL``, ``IGOWSTNAT``); an actor matches if
    its country equals it or its code starts with it, so ``USA`` finds USAGOV and USAMIL as well, and
    ``USAGOV`` finds USAGOV and its sub-codes — the CAMEO code hierarchy.
    """
    spec = spec.strip().upper()
    code_sql, code_params = code_prefix(f"{column_prefix}_code", spec)
    return f"({column_prefix}_country = ? OR {code_sql})", [spec, *code_params]


# Codes are upper-case letters and digits: every code starting with P lies between P and P + "ZZZ...",
# in byte order and in any PostgreSQL collation alike, and a range (unlike starts_with) can use an index.
_HIGHEST = "Z" * 40


def code_prefix(column: str, prefix: str) -> tuple[str, list[str]]:
    """SQL for "``column`` starts with ``prefix``" (an actor or CAMEO code prefix) as an index-friendly range."""
    return f"{column} BETWEEN ? AND ?", [prefix, prefix + _HIGHEST]


class UncountedStore(ValueError):
    """A store made by an eventwatch before the dyad-day counts (schema 4), not opened for writing since."""


def pair_ids(con: Connection, condition: str, params: list[Any]) -> str | None:
    """The actor pairs (``store.counts``: ``dyads``) matching ``condition`` on their actor columns, as SQL
    selecting their days in ``dyad_days`` (None: no pair matches). The numbers are our own, written out:
    DuckDB then skips the row groups of other pairs."""
    if not con.table_exists("dyads"):
        raise UncountedStore(
            "this store predates the series counts of this eventwatch: open it for writing once to add them "
            "(e.g. `eventwatch ingest` of anything, or `eventwatch serve`)"
        )
    ids = [int(row[0]) for row in con.execute(f"SELECT dyad_id FROM dyads WHERE {condition}", params).fetchall()]
    return f"dyad_id IN ({', '.join(map(str, ids))})" if ids else None


def actor_key(column_prefix: str, by: str) -> str:
    """The SQL expression naming an actor at level ``by``: its country (IGOs keep their code) or code."""
    if by == "country":
        return f"coalesce({column_prefix}_country, {column_prefix}_code)"
    return f"{column_prefix}_code"


def period_start(day: date, period: str) -> date:
    """The first day of the period containing ``day`` (weeks start on Monday, as ISO weeks do)."""
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())  # never before 0001-01-01, a Monday
    if period == "month":
        return day.replace(day=1)
    raise ValueError(f"unknown period {period!r} (choose from day, week, month)")


def next_period(start: date, period: str) -> date | None:
    """The first day of the period after the one starting on ``start``; None after 9999-12-31's."""
    try:
        if period == "day":
            return start + timedelta(days=1)
        if period == "week":
            return start + timedelta(days=7)
        if period == "month":
            return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    except OverflowError:
        return None
    raise ValueError(f"unknown period {period!r} (choose from day, week, month)")


def previous_period(start: date, period: str) -> date | None:
    """The first day of the period before the one starting on ``start``; None before 0001-01-01's."""
    if start == date.min:
        return None
    return period_start(start - timedelta(days=1), period)


def period_count(first: date, last: date, period: str) -> int:
    """How many periods ``period_range(first, last, period)`` has, computed without listing them."""
    if last < first:
        return 0
    if period == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    first, last = period_start(first, period), period_start(last, period)
    return (last - first).days // (7 if period == "week" else 1) + 1


def check_periods(first: date, last: date, period: str, limit: int | None, what: str) -> None:
    """Refuse (ValueError) a ``what`` spanning more than ``limit`` periods, before any is built."""
    n = period_count(first, last, period)
    if limit is not None and n > limit:
        raise ValueError(
            f"{what} from {first} to {last} has {n:,} {period}s, more than the limit of {limit:,} per request: "
            f"ask for a shorter range or a longer period (week, month)"
        )


def period_range(first: date, last: date, period: str) -> list[date]:
    """Every period start from the one containing ``first`` to the one containing ``last``."""
    starts = []
    current: date | None = period_start(first, period)
    while current is not None and current <= last:
        starts.append(current)
        current = next_period(current, period)
    return starts


def as_date(value: date | str | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValueError(f"bad date {value!r} (expected YYYY-MM-DD)") from None


def rows_as_dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
