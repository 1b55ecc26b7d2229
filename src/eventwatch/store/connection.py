"""Short-lived DuckDB connections that wait for the file lock instead of failing.

DuckDB lets one process write a file or several processes read it, never both at once. The store
therefore holds a connection only for one operation (a batch write, a query) and retries while
another process holds the lock, so ``eventwatch events`` works while ``eventwatch watch`` runs.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from eventwatch.store.schema import migrate


class StoreError(Exception):
    """A store problem worth one clear line to the user (no traceback)."""


class StoreBusy(StoreError):
    pass


def _is_lock_error(exc: duckdb.Error) -> bool:
    message = str(exc)
    return "Could not set lock" in message or "Conflicting lock" in message


@contextmanager
def connect(
    path: str | Path, *, read_only: bool, timeout: float = 60.0, migrated: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection for one operation; writers get an up-to-date schema (unless ``migrated`` already)."""
    path = Path(path)
    if read_only and not path.exists():
        raise StoreError(f"{path}: no database here (create one with `eventwatch ingest SOURCE --db {path}`)")
    if not read_only and path.parent and not path.parent.exists():
        raise StoreError(f"{path}: folder {path.parent} does not exist")
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                raise StoreError(f"{path}: cannot open database: {exc}") from exc
            if time.monotonic() >= deadline:
                raise StoreBusy(
                    f"{path}: database is locked by another process (waited {timeout:.0f}s)"
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.2)  # short: a writer frees the lock between batches only
        except duckdb.Error as exc:
            raise StoreError(f"{path}: cannot open database: {exc}") from exc
    try:
        if not read_only and not migrated:
            migrate(con)
        yield con
    finally:
        con.close()
