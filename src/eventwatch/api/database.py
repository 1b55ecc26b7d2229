"""The server's store: opened on first use, held until the server stops, shared by all requests.

- **PostgreSQL**: the store's connection pool; requests read at once through it, writers anywhere else
  write at the same time.
- **DuckDB**: the server keeps the file open (``store.backends.HeldDuckDB``): requests read through
  cursors of their own and never wait for a writer, and POST /ingest, ``serve --watch`` and batches
  handed over by ``eventwatch ingest``/``watch`` are written through it. The server announces itself
  beside the file (``store.handoff``) so other eventwatch processes hand it their work instead of
  waiting for the file's lock.

Nothing here serialises requests: no lock is taken on the read path (see ``benchmarks/api.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from eventwatch.store.backends import Backend, HeldDuckDB, PostgresStore, display, is_postgres
from eventwatch.store.dialect import Connection
from eventwatch.store.handoff import ServerInfo, announce, withdraw


class Database:
    def __init__(self, location: str | Path | Backend, *, announce_url: str | None = None, readers: int = 16) -> None:
        self._given = location
        self.location = display(location.location if isinstance(location, Backend) else str(location))
        self.announce_url = announce_url
        self.readers = readers
        self.handoff: ServerInfo | None = None
        self._backend: Backend | None = location if isinstance(location, Backend) else None
        self._lock = threading.Lock()

    @property
    def backend(self) -> Backend:
        """The open store (opened, and announced beside a DuckDB file, on first use)."""
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    backend = self._open()
                    if self.announce_url and isinstance(backend, HeldDuckDB):
                        self.handoff = announce(backend.location, self.announce_url)
                    self._backend = backend
        return self._backend

    def _open(self) -> Backend:
        location = str(self._given)
        if not is_postgres(location):
            return HeldDuckDB(location)
        store = PostgresStore(location, max_readers=self.readers)
        with store.write():
            pass  # creates the tables if the database has none yet, as a DuckDB file is created
        return store

    def start(self) -> None:
        """Open the store now (the file is held from here on) rather than at the first request."""
        self.backend  # noqa: B018 - opening is the point

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.backend.read() as con:
            yield con

    def close(self) -> None:
        with self._lock:
            if self.handoff is not None and self._backend is not None:
                withdraw(self._backend.location, self.handoff)
                self.handoff = None
            if self._backend is not None and not isinstance(self._given, Backend):
                self._backend.close()
                self._backend = None
