"""Limits on SQL a user writes (``eventwatch sql``, ``Store.sql``) and on reads handed to ``serve``.

A query may read the store's tables and nothing else, for a bounded time, in bounded memory, with a
bounded result:

- **DuckDB** runs it on a connection opened with external access disabled (no files, no ``COPY ... TO``,
  no ``ATTACH``, no ``INSTALL``/``LOAD`` of extensions, none auto-installed or auto-loaded), a memory
  limit and a thread count, and its configuration locked so the query cannot lift any of that with
  ``SET``. ``eventwatch serve`` holds its file with the same settings (``backends.HeldDuckDB``), so a
  query handed to it through ``POST /store/query`` is just as confined; there it must also be one
  ``SELECT`` (``check_statement``) and runs in a transaction that is rolled back.
- **PostgreSQL** runs it in a READ ONLY transaction, one statement (extended protocol), with
  ``statement_timeout``; reading or writing the server's files (``pg_read_file``, ``COPY ... TO`` a
  file, ``lo_import``) needs superuser or the ``pg_*_server_files`` roles, so ``require_plain_role``
  refuses to run user SQL as a role that has them.
- Both: a watchdog interrupts the statement when its time is up (``store.budget``) and at most
  ``max_rows`` rows are read back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eventwatch.store.backends import QueryError
from eventwatch.store.budget import Watchdog
from eventwatch.store.dialect import Connection, DuckDBConnection


@dataclass(frozen=True, slots=True)
class SqlLimits:
    seconds: float = 60.0  # a statement still running after this is interrupted
    memory: str = "2GB"  # DuckDB's memory_limit (spills to disk beyond it where it can, else fails)
    threads: int = 2  # DuckDB threads per query
    max_rows: int = 1_000_000  # rows a query may return (add a LIMIT, or use `eventwatch export`)


# Statement types a user query may be (DuckDB's parser says which it is); EXPLAIN only where the
# connection is read-only, since EXPLAIN ANALYZE runs the statement it explains.
SELECT_ONLY = frozenset({"SELECT"})
READ_STATEMENTS = frozenset({"SELECT", "EXPLAIN"})


def confine(raw: Any, limits: SqlLimits) -> None:
    """Confine every query on the DuckDB connection ``raw`` (see the module docstring).

    Set on an open connection, in this order: with external access disabled before it is opened the
    store's own file could not be opened, and once the configuration is locked nothing can be changed.
    A connection already locked (a cursor of a confined ``HeldDuckDB``) is left as it is."""
    if raw.execute("SELECT current_setting('lock_configuration')").fetchone()[0]:
        return
    for name, value in (
        ("enable_external_access", False),
        ("autoinstall_known_extensions", False),
        ("autoload_known_extensions", False),
        ("allow_community_extensions", False),
        ("memory_limit", limits.memory),
        ("threads", limits.threads),
        ("lock_configuration", True),  # last: nothing can be changed after it
    ):
        raw.execute(f"SET {name} = {value!r}" if isinstance(value, str) else f"SET {name} = {str(value).lower()}")


def check_statement(sql: str, allowed: frozenset[str] = READ_STATEMENTS) -> None:
    """Refuse (QueryError) anything but exactly one statement of an ``allowed`` type (DuckDB's parser)."""
    import duckdb

    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError((str(exc).strip().splitlines() or ["cannot parse the query"])[0]) from None
    if len(statements) != 1:
        raise QueryError(f"one statement at a time, please (this query has {len(statements)})")
    kind = statements[0].type.name
    if kind not in allowed:
        raise QueryError(f"read-only: only {' or '.join(sorted(allowed))} statements are run here, not {kind}")


# Roles that may read or write the PostgreSQL server's own files, or run programs there.
_FILE_ROLES = ("pg_read_server_files", "pg_write_server_files", "pg_execute_server_program")


def require_plain_role(con: Connection) -> None:
    """Refuse to run user SQL on PostgreSQL as a role that can reach the server's files."""
    checks = " OR ".join(f"pg_has_role(current_user, '{role}', 'MEMBER')" for role in _FILE_ROLES)
    user, risky = con.execute(
        f"SELECT current_user, rolsuper OR {checks} FROM pg_roles WHERE rolname = current_user"
    ).fetchone()
    if risky:
        raise QueryError(
            f"the database role {user!r} is a superuser or may read the server's files, so SQL run as it could "
            "too: connect `eventwatch sql` as a role without those rights (README: 'A read-only role')"
        )


def set_statement_timeout(con: Connection, seconds: float) -> None:
    """PostgreSQL: end any statement of this transaction still running after ``seconds``."""
    con.execute("SELECT set_config('statement_timeout', ?, true)", [str(max(1, int(seconds * 1000)))])


def read_rows(con: Connection, sql: str, max_rows: int) -> Any:
    """The result of ``sql`` as one Arrow table, refused (QueryError) beyond ``max_rows`` rows."""
    import pyarrow as pa

    too_many = QueryError(
        f"the result has more than {max_rows:,} rows: add a LIMIT, raise --max-rows, or use `eventwatch export`"
    )
    if con.dialect == "postgresql":
        # A server-side cursor (con.batches) takes only a SELECT, and PostgreSQL's own message for anything
        # else (e.g. "cannot execute DELETE in a read-only transaction") is the one users should see.
        table = con.arrow(sql)
        if table.num_rows > max_rows:
            raise too_many
        return table
    batches: list[pa.RecordBatch] = []
    rows = 0
    for batch in con.batches(sql):
        rows += batch.num_rows
        if rows > max_rows:
            raise too_many
        batches.append(batch)
    return pa.Table.from_batches(batches)


def run_query(
    con: Connection, sql: str, limits: SqlLimits, watchdog: Watchdog, allowed: frozenset[str] = READ_STATEMENTS
) -> Any:
    """``sql``'s result as an Arrow table, within ``limits`` (see the module docstring); a refused,
    interrupted or too large query raises ``QueryError`` with a one-line message."""
    if con.dialect == "duckdb":
        check_statement(sql, allowed)
        if isinstance(con, DuckDBConnection):
            confine(con.raw, limits)
    else:
        require_plain_role(con)
        set_statement_timeout(con, limits.seconds)
    stopped = QueryError(
        f"the query ran for more than {limits.seconds:g} s and was stopped "
        "(add a LIMIT or a narrower WHERE, or raise --timeout)"
    )
    with watchdog.limit(limits.seconds, con, lambda: stopped):
        return read_rows(con, sql, limits.max_rows)
