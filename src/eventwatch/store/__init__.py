"""The event store (DuckDB): articles, event mentions, deduplicated events and actors."""

from __future__ import annotations

from eventwatch.store.connection import StoreBusy, StoreError
from eventwatch.store.dedup import DedupConfig
from eventwatch.store.store import Store

__all__ = ["DedupConfig", "Store", "StoreBusy", "StoreError"]
