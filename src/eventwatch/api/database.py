"""The server's access to its database: one shared read-only connection, released when idle.

Opening DuckDB costs ~10 ms, far more than a typical query, so requests share one read-only connection
(each on its own cursor). But while it is open no other process may write the file, so it is closed
after ``idle_seconds`` without requests and ``eventwatch watch`` can write between bursts of use. Writes
made by this server (POST /ingest) wait for the readers, close the connection and run alone.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb


class DatabaseMissing(Exception):
    pass


class DatabaseBusy(Exception):
    pass


class Database:
    def __init__(self, path: str | Path, *, idle_seconds: float = 1.0) -> None:
        self.path = Path(path)
        self.idle_seconds = idle_seconds
        self._con: duckdb.DuckDBPyConnection | None = None
        self._readers = 0
        self._writing = False
        self._last_used = 0.0
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._reaper: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread that closes the connection when idle."""
        if self._reaper is None:
            self._reaper = threading.Thread(target=self._reap, name="eventwatch-db-reaper", daemon=True)
            self._reaper.start()

    def close(self) -> None:
        self._stop.set()
        with self._cond:
            self._close_locked()

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the shared read-only connection, for one request."""
        with self._cond:
            while self._writing:
                self._cond.wait()
            if self._con is None:
                if not self.path.exists():
                    raise DatabaseMissing(f"no database at {self.path}: ingest articles first")
                self._con = _open_read_only(self.path)
            self._readers += 1
            cursor = self._con.cursor()
        try:
            yield cursor
        finally:
            cursor.close()
            with self._cond:
                self._readers -= 1
                self._last_used = time.monotonic()
                self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[Path]:
        """Exclusive use of the file: readers finish, the shared connection is closed, the caller writes."""
        with self._cond:
            while self._writing or self._readers:
                self._cond.wait()
            self._writing = True
            self._close_locked()
        try:
            yield self.path
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()

    def _close_locked(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def _reap(self) -> None:
        while not self._stop.wait(min(self.idle_seconds, 0.5)):
            with self._cond:
                idle = time.monotonic() - self._last_used
                if self._con is not None and not self._readers and idle >= self.idle_seconds:
                    self._close_locked()


def _open_read_only(path: Path, timeout: float = 10.0) -> duckdb.DuckDBPyConnection:
    # Wait (briefly) while another process - ``eventwatch watch`` - holds the write lock.
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path), read_only=True)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise DatabaseBusy(f"{path} is locked by a writer; try again shortly") from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
