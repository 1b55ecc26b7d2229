"""Where the monitor reads from: a DuckDB database with the store's tables.

The monitor only reads the ``events``, ``mentions``, ``articles`` and ``actors`` tables, so it accepts an
open connection, a database path, or a Store alike. A path or Store is opened read-only for the one
call and closed after it, so the monitor never holds the lock a writer (``eventwatch watch``) needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

Source = Any  # duckdb.DuckDBPyConnection | str | Path | eventwatch.store.Store


@contextmanager
def reading(source: Source) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor over ``source``: an open connection (left open), or a path or Store (opened read-only
    for this block, waiting while a writer holds the file, then closed)."""
    if isinstance(source, duckdb.DuckDBPyConnection):
        cursor = source.cursor()  # a cursor of its own, so threads sharing ``source`` do not collide
        try:
            yield cursor
        finally:
            cursor.close()
        return
    if isinstance(source, str | Path):
        path = Path(source)
    elif isinstance(getattr(source, "path", None), str | Path):
        path = Path(source.path)
    else:
        raise TypeError(f"cannot read events from a {type(source).__name__}: pass a connection, path or Store")
    if not path.exists():
        raise FileNotFoundError(f"{path}: no database here")
    try:
        from eventwatch.store.connection import connect
    except ImportError:  # the monitor also reads databases written by other tools
        con = duckdb.connect(str(path), read_only=True)
        try:
            yield con
        finally:
            con.close()
        return
    with connect(path, read_only=True) as con:
        yield con


def actor_match(column_prefix: str, spec: str) -> tuple[str, list[str]]:
    """SQL matching an actor side (``source`` or ``target``) against ``spec``, with its parameters.

    ``spec`` is a country (``RUS``) or a CAMEO actor code (``RUSMIL``, ``IGOWSTNAT``); an actor matches if
    its country equals it or its code starts with it, so ``USA`` finds USAGOV and USAMIL as well, and
    ``USAGOV`` finds USAGOV and its sub-codes — the CAMEO code hierarchy.
    """
    spec = spec.strip().upper()
    sql = f"({column_prefix}_country = ? OR starts_with({column_prefix}_code, ?))"
    return sql, [spec, spec]


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
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    raise ValueError(f"unknown period {period!r} (choose from day, week, month)")


def next_period(start: date, period: str) -> date:
    if period == "day":
        return start + timedelta(days=1)
    if period == "week":
        return start + timedelta(days=7)
    if period == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    raise ValueError(f"unknown period {period!r} (choose from day, week, month)")


def period_range(first: date, last: date, period: str) -> list[date]:
    """Every period start from the one containing ``first`` to the one containing ``last``."""
    starts = []
    current = period_start(first, period)
    while current <= last:
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
