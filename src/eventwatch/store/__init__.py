"""The event store: articles, event mentions, deduplicated events and actors, in DuckDB or PostgreSQL."""

from __future__ import annotations

from eventwatch.store.backends import QueryError, StoreBusy, StoreError
from eventwatch.store.dedup import DedupConfig
from eventwatch.store.store import Store

__all__ = ["DedupConfig", "QueryError", "Store", "StoreBusy", "StoreError"]
