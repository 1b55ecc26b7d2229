"""The Store: the Python face of the event database, mirroring the CLI commands of the same names.

>>> from eventwatch import Store
>>> with Store("eventwatch.duckdb") as store:   # or Store("postgresql://user@host/events")
...     report = store.ingest(["articles/", "https://example.org/feed.xml"])
...     frame = store.events(source="RUS", cameo="19", date_from="2022-02-20")

The location is a DuckDB file or a PostgreSQL URL (default: ``$EVENTWATCH_DB``, else
``eventwatch.duckdb``); ``store.backends`` says how each is opened. A DuckDB file is opened per call and
closed after it, so a Store holds no lock between calls; a PostgreSQL store keeps a small connection
pool until ``close()``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from eventwatch.documents import InputProblem
from eventwatch.records import Document
from eventwatch.store import export as exporting
from eventwatch.store import query, sandbox
from eventwatch.store.backends import LOCK_TIMEOUT, Backend, QueryError, StoreError, display, open_backend
from eventwatch.store.budget import Watchdog
from eventwatch.store.dedup import DedupConfig
from eventwatch.store.dialect import Connection
from eventwatch.store.sandbox import SqlLimits
from eventwatch.store.writer import Writer

Frame = Literal["pandas", "polars", "arrow", "records"]
DEFAULT_PATH = "eventwatch.duckdb"
ENVIRONMENT = "EVENTWATCH_DB"


def default_location() -> str:
    """``$EVENTWATCH_DB`` if set (a file or a postgresql:// URL), else ``eventwatch.duckdb``."""
    return os.environ.get(ENVIRONMENT) or DEFAULT_PATH


def _as(table: pa.Table, as_: Frame) -> Any:
    if as_ == "pandas":
        return table.to_pandas()
    if as_ == "polars":
        import polars as pl

        return pl.from_arrow(table)
    if as_ == "arrow":
        return table
    if as_ == "records":
        return table.to_pylist()
    raise ValueError(f"unknown result type {as_!r} (pandas, polars, arrow or records)")


class Store:
    def __init__(
        self,
        location: str | Path | Backend | None = None,
        read_only: bool = False,
        *,
        dedup: DedupConfig | None = None,
        lock_timeout: float = LOCK_TIMEOUT,
    ) -> None:
        self.backend = open_backend(location if location is not None else default_location(), lock_timeout=lock_timeout)
        self._owns_backend = not isinstance(location, Backend)  # a Backend given is closed by its owner
        self.read_only = read_only
        self.dedup = dedup or DedupConfig()

    @property
    def location(self) -> str:
        """The DuckDB path or PostgreSQL URL (its password masked)."""
        return display(self.backend.location)

    @property
    def path(self) -> Path:
        """The DuckDB file (kept for callers written before PostgreSQL stores)."""
        return Path(self.backend.location)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release pooled connections (a DuckDB store holds nothing between calls)."""
        if self._owns_backend:
            self.backend.close()

    def __repr__(self) -> str:
        return f"Store({self.location!r}, read_only={self.read_only})"

    def _writer(self) -> Writer:
        if self.read_only:
            raise StoreError(f"{self.location}: store was opened read-only")
        return Writer(self.backend, self.dedup)

    def read(self):  # noqa: ANN201 - a context manager over a dialect.Connection
        """A connection for reading, e.g. for ``eventwatch.monitor`` functions or your own SQL."""
        if not self.read_only and not self.backend.exists():
            with self.backend.write():
                pass  # create an empty, migrated database so queries on a new store return nothing
        return self.backend.read()

    # -- writing ---------------------------------------------------------------------------------

    def ingest(
        self,
        sources: Iterable[str | Path | Document],
        workers: int = 1,
        coder: Any = None,
        progress: bool = False,
        *,
        fetch_config: Any = None,
        on_problem: Callable[[InputProblem], None] | None = None,
        stop: threading.Event | None = None,
        batch_size: int = 1000,
    ):  # -> IngestReport (imported lazily: the ingest side pulls in HTTP and feed parsing)
        """Code and store articles from files, folders, URLs, feeds or Documents; skips what is stored.

        Each ``batch_size`` articles (or 5 seconds of work) are written in one transaction."""
        from eventwatch.ingest.pipeline import make_coder, run_ingest

        if coder is None:
            coder = make_coder(workers=workers)  # unreal mentions are stored too: evidence is never dropped
        if isinstance(sources, (str, Path, Document)):
            sources = [sources]
        return run_ingest(
            self._writer(), sources, coder, workers=workers, progress=progress,
            fetch_config=fetch_config, on_problem=on_problem, stop=stop, batch_size=batch_size,
        )  # fmt: skip

    def load(self, path: str | Path, batch_size: int = 2000, progress: Callable[[Any], None] | None = None):
        """Store the output folder of ``eventwatch spark`` (its articles and mentions; events are clustered
        here). Articles already stored are skipped, so loading twice changes nothing. -> LoadReport"""
        from eventwatch.spark.load import load

        return load(self._writer(), path, batch_size=batch_size, progress=progress)

    def recluster(self) -> int:
        """Rebuild all events under this Store's dedup rule; returns how many there are."""
        return self._writer().recluster()

    # -- reading ---------------------------------------------------------------------------------

    def events(
        self,
        date_from: str | None = None,
        date_to: str | None = None,
        source: str | None = None,
        target: str | None = None,
        cameo: str | None = None,
        plover: str | None = None,
        country: str | None = None,
        limit: int | None = None,
        as_: Frame = "pandas",
    ) -> Any:
        where = query.EventFilter(date_from, date_to, source, target, cameo, plover, country, limit)
        with self.read() as con:
            return _as(query.events(con, where), as_)

    def mentions(self, event_id: str, as_: Frame = "pandas") -> Any:
        with self.read() as con:
            return _as(query.mentions(con, event_id), as_)

    def article(self, article_id: str) -> dict[str, Any] | None:
        with self.read() as con:
            return query.article(con, article_id)

    def sql(self, sql: str, as_: Frame = "pandas", limits: SqlLimits | None = None) -> Any:
        """Run one read-only SQL statement (SELECT or EXPLAIN) on the store's tables and nothing else,
        within ``limits`` (time, memory, rows: ``store.sandbox``); a refused one raises ``QueryError``
        with the database's message (writes are refused: the connection or transaction is read-only)."""
        with self.read() as con:
            run = partial(sandbox.run_query, con, sql, limits or SqlLimits(), Watchdog())
            return _as(_checked(con, run), as_)

    def summary(self, top: int = 10) -> dict[str, Any]:
        with self.read() as con:
            return query.summary(con, top)

    def export(self, format: str, path: str | Path, header: bool = True, table: str = "events") -> int:
        """Write the store as ``gdelt``, ``gdelt-mentions``, ``plover``, ``parquet`` or ``csv``;
        returns the number of records written. ``table`` picks the table for parquet and csv."""
        with self.read() as con:
            return exporting.export(con, format, path, header=header, table=table)


def _checked(con: Connection, run: Callable[[], Any]) -> Any:
    """``run()``, with the database's refusal of a query turned into a one-line ``QueryError``."""
    try:
        return run()
    except con.errors as exc:
        message = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise QueryError(message) from None
