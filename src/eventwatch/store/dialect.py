"""The two SQL engines a store can live in - DuckDB and PostgreSQL - behind one small connection interface.

Every difference between the engines is in this module, so queries elsewhere are written once, in the
SQL both accept: ``?`` placeholders, standard functions (``starts_with``, ``substr``, ``date_trunc``,
``count(*) FILTER``, ``least``), explicit ``GROUP BY`` lists and ``NULLS FIRST/LAST``, no rounding of
doubles in SQL (PostgreSQL has ``round(numeric, n)`` only). What cannot be written once is a method here:

- ``execute``: DuckDB takes ``?`` parameters; psycopg takes ``%s``, so the PostgreSQL connection rewrites
  the placeholders (outside quoted text) once per distinct query string.
- ``insert`` and ``stage`` (bulk rows in, temporary relations): DuckDB reads an Arrow table in place;
  PostgreSQL gets the rows by ``COPY ... FROM STDIN``.
- ``arrow`` and ``batches`` (results out): DuckDB hands Arrow over natively; PostgreSQL rows are turned
  into Arrow by column type (``numeric`` is read as a float).
- ``binary``: text ordered by code point, so a tie broken by a code sorts the same under any
  PostgreSQL collation as in DuckDB (and Spark).
- ``lock_writers``: PostgreSQL writers take turns through a transaction-scoped advisory lock (see
  ``store.writer``); a DuckDB file has one writing process by construction.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from functools import lru_cache
from typing import Any, Protocol

import pyarrow as pa

# A fixed key for pg_advisory_xact_lock: "eventwatch writers" (any 64-bit number no other tool uses).
WRITER_LOCK = 0x6576_7477_7274  # "evtwrt"


class Cursor(Protocol):
    description: Any

    def fetchall(self) -> list[tuple[Any, ...]]: ...

    def fetchone(self) -> tuple[Any, ...] | None: ...

    def fetchmany(self, size: int) -> list[tuple[Any, ...]]: ...


class Connection:
    """One open connection (or cursor) on a store, in the SQL both engines speak."""

    dialect: str = ""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    # -- queries ---------------------------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        raise NotImplementedError

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """The result as one dict per row, keyed by column name."""
        cursor = self.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = self.execute(sql, params).fetchall()  # all: DuckDB refuses other work on an unfinished result
        return rows[0][0] if rows else None

    def arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        raise NotImplementedError

    def batches(self, sql: str, params: Sequence[Any] = (), size: int = 10_000) -> Iterator[pa.RecordBatch]:
        """The result as Arrow record batches, streamed (exports of any size stay in bounded memory)."""
        raise NotImplementedError

    def rowstream(self, sql: str, params: Sequence[Any] = (), size: int = 10_000) -> Iterator[list[tuple]]:
        """The result as lists of row tuples, streamed."""
        cursor = self.execute(sql, params)
        while batch := cursor.fetchmany(size):
            yield batch

    # -- writing ---------------------------------------------------------------------------------

    def insert(self, table: str, data: pa.Table, *, skip_duplicates: bool = False) -> None:
        """Append ``data`` (columns by name) to ``table``; rows whose key exists are dropped if asked."""
        raise NotImplementedError

    def stage(self, name: str, data: pa.Table) -> AbstractContextManager[None]:
        """``data`` as a relation called ``name`` for the queries inside the block."""
        raise NotImplementedError

    def lock_writers(self) -> None:
        """Make concurrent writers of this store take turns until this transaction ends."""

    def table_exists(self, name: str) -> bool:
        raise NotImplementedError

    @property
    def errors(self) -> tuple[type[BaseException], ...]:
        """The exceptions this engine raises for a query it refuses."""
        return ()

    # -- SQL fragments ---------------------------------------------------------------------------

    def binary(self, expression: str) -> str:
        """``expression`` for ORDER BY in code-point order."""
        return expression


class DuckDBConnection(Connection):
    dialect = "duckdb"

    @property
    def errors(self) -> tuple[type[BaseException], ...]:
        import duckdb

        return (duckdb.Error,)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        return self.raw.execute(sql, list(params)) if params else self.raw.execute(sql)

    def _relation(self, sql: str, params: Sequence[Any]) -> Any:
        return self.raw.sql(sql, params=list(params)) if params else self.raw.sql(sql)

    def arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        relation = self._relation(sql, params)
        # A statement that returns no rows gives no relation.
        return _arrow_table(relation.to_arrow_table()) if relation is not None else pa.table({})

    def batches(self, sql: str, params: Sequence[Any] = (), size: int = 10_000) -> Iterator[pa.RecordBatch]:
        reader = self._relation(sql, params).to_arrow_reader(size)
        empty = True
        for batch in reader:
            empty = False
            yield _arrow_batch(batch)
        if empty:  # one empty batch, so a writer still learns the columns
            yield _arrow_batch(pa.RecordBatch.from_pylist([], schema=reader.schema))

    def insert(self, table: str, data: pa.Table, *, skip_duplicates: bool = False) -> None:
        columns = ", ".join(data.column_names)
        conflict = " ON CONFLICT DO NOTHING" if skip_duplicates else ""
        with self.stage("_ew_insert", data):
            self.raw.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _ew_insert{conflict}")

    @contextmanager
    def stage(self, name: str, data: pa.Table) -> Iterator[None]:
        self.raw.register(name, data)
        try:
            yield
        finally:
            self.raw.unregister(name)

    def table_exists(self, name: str) -> bool:
        return bool(
            self.raw.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = ? "
                "AND table_schema = current_schema()",
                [name],
            ).fetchall()[0][0]
        )


def _plain_type(kind: pa.DataType) -> pa.DataType:
    # DuckDB may hand over string_view / large_string, and sums as HUGEINT (decimal128): callers and
    # Parquet files get plain strings, integers and floats, as from PostgreSQL.
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or kind == pa.string_view():
        return pa.string()
    if pa.types.is_decimal(kind):
        return pa.int64() if kind.scale == 0 else pa.float64()
    return kind


def _arrow_schema(schema: pa.Schema) -> pa.Schema:
    return pa.schema([pa.field(f.name, _plain_type(f.type)) for f in schema])


def _arrow_table(table: pa.Table) -> pa.Table:
    schema = _arrow_schema(table.schema)
    return table if schema == table.schema else table.cast(schema)


def _arrow_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    schema = _arrow_schema(batch.schema)
    return batch if schema == batch.schema else batch.cast(schema)


# -- PostgreSQL ------------------------------------------------------------------------------------

_QUOTED = re.compile(r"('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\")")
# PostgreSQL type OIDs -> Arrow types; anything else is read as text.
_PG_ARROW = {
    16: pa.bool_(), 20: pa.int64(), 21: pa.int16(), 23: pa.int32(), 700: pa.float32(), 701: pa.float64(),
    1700: pa.float64(), 1082: pa.date32(), 1114: pa.timestamp("us"), 1184: pa.timestamp("us", tz="UTC"),
}  # fmt: skip
_ARROW_PG = (
    (pa.types.is_boolean, "BOOLEAN"), (pa.types.is_int64, "BIGINT"), (pa.types.is_integer, "INTEGER"),
    (pa.types.is_floating, "DOUBLE PRECISION"), (pa.types.is_date, "DATE"), (pa.types.is_timestamp, "TIMESTAMP"),
)  # fmt: skip


@lru_cache(maxsize=1024)
def postgres_sql(sql: str) -> str:
    """``sql`` with ``?`` placeholders as psycopg's ``%s`` (and literal ``%`` doubled), quotes left alone."""
    parts = _QUOTED.split(sql)
    for i in range(0, len(parts), 2):  # even parts are outside quotes
        parts[i] = parts[i].replace("%", "%%").replace("?", "%s")
    return "".join(parts)


def _pg_type(kind: pa.DataType) -> str:
    return next((name for test, name in _ARROW_PG if test(kind)), "TEXT")


def _pg_rows(data: pa.Table) -> Iterator[tuple[Any, ...]]:
    columns = [column.to_pylist() for column in data.columns]
    return zip(*columns, strict=True) if columns else iter(())


class PostgresConnection(Connection):
    dialect = "postgresql"

    @property
    def errors(self) -> tuple[type[BaseException], ...]:
        import psycopg

        return (psycopg.Error,)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        # Always a parameter list, even empty: psycopg then uses the extended protocol, which runs one
        # statement only (a query string cannot smuggle a second one past a read-only transaction).
        return self.raw.execute(postgres_sql(sql), list(params))

    def arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        cursor = self.execute(sql, params)
        if cursor.description is None:
            return pa.table({})
        return pa.Table.from_batches([_pg_batch(cursor.description, cursor.fetchall())], _pg_schema(cursor))

    def batches(self, sql: str, params: Sequence[Any] = (), size: int = 10_000) -> Iterator[pa.RecordBatch]:
        for description, rows in self._stream(sql, params, size):
            yield _pg_batch(description, rows)

    def rowstream(self, sql: str, params: Sequence[Any] = (), size: int = 10_000) -> Iterator[list[tuple]]:
        for _, rows in self._stream(sql, params, size):
            yield rows

    def _stream(self, sql: str, params: Sequence[Any], size: int) -> Iterator[tuple[Any, list[tuple]]]:
        # A server-side cursor: rows come over in slices instead of all at once.
        with self.raw.cursor(name="eventwatch_stream") as cursor:
            cursor.itersize = size
            cursor.execute(postgres_sql(sql), list(params))
            rows = cursor.fetchmany(size)
            yield cursor.description, rows  # even when empty, so a writer still learns the columns
            while rows := cursor.fetchmany(size):
                yield cursor.description, rows

    def insert(self, table: str, data: pa.Table, *, skip_duplicates: bool = False) -> None:
        columns = ", ".join(data.column_names)
        if not skip_duplicates:
            self._copy(table, data)
            return
        with self.stage("_ew_insert", data):
            self.raw.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _ew_insert ON CONFLICT DO NOTHING")

    def _copy(self, table: str, data: pa.Table) -> None:
        statement = f"COPY {table} ({', '.join(data.column_names)}) FROM STDIN"
        with self.raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in _pg_rows(data):
                copy.write_row(row)

    @contextmanager
    def stage(self, name: str, data: pa.Table) -> Iterator[None]:
        columns = ", ".join(f"{field.name} {_pg_type(field.type)}" for field in data.schema)
        self.raw.execute(f"CREATE TEMPORARY TABLE {name} ({columns}) ON COMMIT DROP")
        try:
            self._copy(name, data)
            yield
        finally:
            self.raw.execute(f"DROP TABLE IF EXISTS {name}")

    def lock_writers(self) -> None:
        self.raw.execute("SELECT pg_advisory_xact_lock(%s)", [WRITER_LOCK])

    def table_exists(self, name: str) -> bool:
        return self.raw.execute("SELECT to_regclass(%s) IS NOT NULL", [name]).fetchone()[0]

    def binary(self, expression: str) -> str:
        return f'{expression} COLLATE "C"'


def _pg_schema(cursor: Any) -> pa.Schema:
    return pa.schema([(d.name, _PG_ARROW.get(d.type_code, pa.string())) for d in cursor.description])


def _pg_batch(description: Any, rows: list[tuple]) -> pa.RecordBatch:
    arrays = []
    for i, d in enumerate(description):
        kind = _PG_ARROW.get(d.type_code, pa.string())
        values = [row[i] for row in rows]
        if kind == pa.string():
            values = [None if v is None else str(v) for v in values]
        arrays.append(pa.array(values, type=kind))
    return pa.RecordBatch.from_arrays(arrays, names=[d.name for d in description])
