"""Where a store lives: a DuckDB file or a PostgreSQL database, and how connections to it are made.

``open_backend("news.duckdb")`` or ``open_backend("postgresql://user@host/db")`` gives a ``Backend``
with two context managers, ``read()`` and ``write()``, each yielding a ``dialect.Connection``:

- **PostgreSQL** (``PostgresStore``): a psycopg 3 connection pool. Reads run in READ ONLY
  transactions; each write is one transaction. Any number of processes read and write at once (see
  ``store.writer`` for how writers keep articles and events whole and unique).
- **DuckDB file** (``DuckDBFile``): DuckDB lets one process write a file, or several read it, never
  both. So a connection is held only for one operation (a query, a batch write) and an operation that
  finds the file in use waits a few seconds for it - another ``ingest`` holds it only while writing a
  batch. When the holder is ``eventwatch serve`` (which keeps the file open for as long as it runs,
  see ``HeldDuckDB``), reads are sent to that server and written batches handed to it
  (``store.handoff``), so ``ingest``, ``watch`` and queries work beside a running server.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb

from eventwatch.store.dialect import Connection, DuckDBConnection, PostgresConnection
from eventwatch.store.schema import migrate

LOCK_TIMEOUT = 10.0  # seconds an operation waits for a DuckDB file another process writes
_URL = re.compile(r"^postgres(?:ql)?://", re.IGNORECASE)
_HOLDER = re.compile(r"held in (.+?) \(PID (\d+)\)")


class StoreError(Exception):
    """A store problem worth one clear line to the user (no traceback)."""


class StoreBusy(StoreError):
    pass


class QueryError(StoreError):
    """A query the database refused (bad SQL, a write on a read-only store): the database's message."""


class HeldByServer(StoreError):
    """The DuckDB file is held by ``eventwatch serve``; writes go to that server instead."""

    def __init__(self, server: Any) -> None:
        super().__init__(f"the database is held by eventwatch serve at {server.url}")
        self.server = server


def is_postgres(location: str | Path) -> bool:
    return isinstance(location, str) and bool(_URL.match(location))


def display(location: str) -> str:
    """A location fit to print: a URL's password is masked."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", location)


class Backend:
    """A store's database: ``read()`` and ``write()`` give connections; ``close()`` releases them."""

    dialect = ""
    location = ""

    def exists(self) -> bool:
        raise NotImplementedError

    def read(self):  # noqa: ANN201 - a context manager over a Connection
        raise NotImplementedError

    def write(self):  # noqa: ANN201 - a context manager over a Connection, one transaction
        raise NotImplementedError

    def close(self) -> None:
        """Release pooled connections (nothing to do for a DuckDB file)."""

    def data_version(self) -> Any:
        """A value that changes whenever the store's tables do (None: not known, so nothing is reused)."""
        return None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({display(self.location)!r})"


def open_backend(location: str | Path | Backend, *, lock_timeout: float = LOCK_TIMEOUT) -> Backend:
    """The backend for a DuckDB file path or a ``postgresql://`` URL (a Backend is returned as is)."""
    if isinstance(location, Backend):
        return location
    if is_postgres(str(location)):
        return PostgresStore(str(location))
    return DuckDBFile(Path(location), lock_timeout=lock_timeout)


# -- DuckDB ------------------------------------------------------------------------------------------


def _lock_holder(exc: Exception) -> str:
    found = _HOLDER.search(str(exc))
    return f" (PID {found[2]}: {found[1]})" if found else ""


def _is_lock_error(exc: duckdb.Error) -> bool:
    message = str(exc)
    return "Could not set lock" in message or "Conflicting lock" in message


def open_duckdb(path: Path, *, read_only: bool, timeout: float) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection, waiting up to ``timeout`` seconds while another process holds the file.

    Raises ``HeldByServer`` at once when the holder is ``eventwatch serve``."""
    from eventwatch.store.handoff import find_server

    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                raise StoreError(f"{path}: cannot open database: {exc}") from exc
            server = find_server(path)
            if server is not None:
                raise HeldByServer(server) from exc
            if time.monotonic() >= deadline:
                raise StoreBusy(
                    f"{path}: database is in use by another program{_lock_holder(exc)} for more than "
                    f"{timeout:g}s; stop it, or use PostgreSQL for a store several programs write"
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.2)  # short: another ingest frees the file between batches
        except duckdb.Error as exc:
            raise StoreError(f"{path}: cannot open database: {exc}") from exc


class DuckDBFile(Backend):
    """A DuckDB file opened for one operation at a time (see the module docstring)."""

    dialect = "duckdb"

    def __init__(self, path: str | Path, *, lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self.lock_timeout = lock_timeout
        self._migrated = False

    def exists(self) -> bool:
        return self.path.exists()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        if not self.path.exists():
            raise StoreError(
                f"{self.path}: no database here (create one with `eventwatch ingest SOURCE --db {self.path}`)"
            )
        try:
            con = open_duckdb(self.path, read_only=True, timeout=self.lock_timeout)
        except HeldByServer as held:
            from eventwatch.store.handoff import RemoteConnection

            with RemoteConnection(held.server) as remote:
                yield remote
            return
        try:
            yield DuckDBConnection(con)
        finally:
            con.close()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        if self.path.parent and not self.path.parent.exists():
            raise StoreError(f"{self.path}: folder {self.path.parent} does not exist")
        con = open_duckdb(self.path, read_only=False, timeout=self.lock_timeout)
        try:
            if not self._migrated:
                _migrate_in_transaction(DuckDBConnection(con))
                self._migrated = True
            with transaction(DuckDBConnection(con)) as connection:
                yield connection
        finally:
            con.close()


@contextmanager
def transaction(con: Connection) -> Iterator[Connection]:
    """An explicit transaction on a DuckDB connection: committed at the end, rolled back on error."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        with suppress(duckdb.Error):  # DuckDB has already ended the transaction when a COMMIT failed
            con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _migrate_in_transaction(con: Connection) -> None:
    with transaction(con):
        migrate(con)


class HeldDuckDB(Backend):
    """A DuckDB file this process keeps open read-write for as long as it runs: ``eventwatch serve``.

    Requests read through cursors of their own on the one connection (DuckDB runs them in parallel
    and never blocks a reader behind a writer); writes - handed-off batches, POST /ingest, the
    server's own feed watcher - take turns through a lock, each one transaction."""

    dialect = "duckdb"

    def __init__(self, path: str | Path, *, lock_timeout: float = LOCK_TIMEOUT, confined: bool = False) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        if self.path.parent and not self.path.parent.exists():
            raise StoreError(f"{self.path}: folder {self.path.parent} does not exist")
        try:
            self._con = open_duckdb(self.path, read_only=False, timeout=lock_timeout)
        except HeldByServer as held:
            raise StoreBusy(f"{self.path}: already served by eventwatch serve at {held.server.url}") from None
        self._write_lock = threading.Lock()
        self._version = 0  # every write to the file goes through this process: it counts them
        _migrate_in_transaction(DuckDBConnection(self._con))
        if confined:
            # After opening and migrating: with external access off the file could not be opened at all.
            from eventwatch.store.sandbox import SqlLimits, confine

            confine(self._con, SqlLimits(memory="1GB"))  # a server's share; its coders need room too

    def exists(self) -> bool:
        return True

    @contextmanager
    def read(self) -> Iterator[Connection]:
        cursor = self._con.cursor()
        try:
            yield DuckDBConnection(cursor)
        finally:
            cursor.close()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self._write_lock:
            cursor = self._con.cursor()
            try:
                with transaction(DuckDBConnection(cursor)) as connection:
                    yield connection
            finally:
                self._version += 1  # after the commit (or rollback): answers read before may be stale
                cursor.close()

    def data_version(self) -> Any:
        return self._version

    def close(self) -> None:
        self._con.close()


# -- PostgreSQL ----------------------------------------------------------------------------------------


class PostgresStore(Backend):
    """A PostgreSQL database, through psycopg 3 connection pools (one for reads, one for writes)."""

    dialect = "postgresql"

    def __init__(
        self, url: str, *, max_readers: int = 8, max_writers: int = 2, read_timeout: float | None = None
    ) -> None:
        self.location = url
        self.read_timeout = read_timeout  # statement_timeout of the read connections, seconds
        self.max_readers = max_readers
        self.max_writers = max_writers
        self._pools: dict[bool, Any] = {}
        self._lock = threading.Lock()
        self._migrated = False
        self._has_schema = False

    def _pool(self, read_only: bool) -> Any:
        with self._lock:
            if read_only not in self._pools:
                self._pools[read_only] = self._open_pool(read_only)
            return self._pools[read_only]

    def _open_pool(self, read_only: bool) -> Any:
        import psycopg
        from psycopg.types.numeric import FloatLoader
        from psycopg_pool import ConnectionPool

        def configure(conn: psycopg.Connection) -> None:
            conn.adapters.register_loader("numeric", FloatLoader)  # numeric results as floats
            if read_only and self.read_timeout:
                conn.execute(f"SET statement_timeout = {max(1, int(self.read_timeout * 1000))}")
                conn.commit()
            conn.read_only = read_only
            if read_only:  # a request's queries (a page read window by window) see one snapshot
                conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            # Plan every query for its own values: a prepared statement's generic plan (psycopg prepares
            # after 5 runs) reads a month of events through the wrong index, ten times slower.
            conn.prepare_threshold = None

        size = self.max_readers if read_only else self.max_writers
        pool = ConnectionPool(
            self.location, min_size=1, max_size=size, configure=configure, open=False, timeout=30,
            name="eventwatch-" + ("readers" if read_only else "writers"),
        )  # fmt: skip
        try:
            pool.open(wait=True, timeout=10)
        except Exception as exc:
            pool.close()
            raise StoreError(f"{display(self.location)}: cannot connect: {_first_line(exc)}") from None
        return pool

    def exists(self) -> bool:
        if not self._has_schema:
            with self._pool(True).connection() as conn:
                self._has_schema = PostgresConnection(conn).table_exists("events")
        return self._has_schema

    @contextmanager
    def read(self) -> Iterator[Connection]:
        if not self.exists():
            raise StoreError(
                f"{display(self.location)}: no eventwatch tables here (create them with "
                f"`eventwatch ingest SOURCE --db {display(self.location)}`)"
            )
        with self._pool(True).connection() as conn:
            yield PostgresConnection(conn)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self._pool(False).connection() as conn:
            con = PostgresConnection(conn)
            if not self._migrated:
                con.lock_writers()  # two processes creating the tables at once would collide
                migrate(con)
                conn.commit()
                self._migrated = self._has_schema = True
            try:
                yield con
            except BaseException:
                with suppress(Exception):  # a connection the server dropped cannot roll back; it is discarded
                    conn.rollback()
                raise
            conn.commit()

    def data_version(self) -> Any:
        # bumped by a trigger on every statement that changes a table, in the writer's transaction
        with self.read() as con:
            return con.scalar("SELECT version FROM data_version")

    def close(self) -> None:
        with self._lock:
            for pool in self._pools.values():
                pool.close()
            self._pools.clear()


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
