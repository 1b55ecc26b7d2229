"""Getting articles in: files, folders, article URLs and RSS/Atom feeds, once or on a schedule."""

from __future__ import annotations

from eventwatch.ingest.fetch import FetchConfig, Fetcher, FetchError
from eventwatch.ingest.pipeline import IngestReport, run_ingest

__all__ = ["FetchConfig", "FetchError", "Fetcher", "IngestReport", "run_ingest"]
