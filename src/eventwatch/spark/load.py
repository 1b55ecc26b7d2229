"""``load``: bring the output of ``eventwatch spark`` into a store.

Articles and their mentions go through the store's writer, in batches, one transaction each (or, for a
DuckDB file that ``serve`` holds, handed to that server, as ``ingest`` does): articles
already in the store (same text or URL) are skipped, so loading twice changes nothing and a killed
load is finished by running it again. The writer clusters the mentions into events under the store's
dedup rule - the rule the Spark job used too - so events that span the Spark output and what the store
already held are merged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventwatch.spark.output import OutputDir
from eventwatch.store.rows import ARTICLE_COLUMNS, MENTION_COLUMNS
from eventwatch.store.writer import Batch, Writer

LOAD_BATCH = 2000  # articles per transaction


@dataclass(slots=True)
class LoadReport:
    articles: int = 0
    skipped: int = 0  # already in the store
    mentions: int = 0
    events: int = 0  # events created or updated

    def __str__(self) -> str:
        return (
            f"{self.articles} articles loaded ({self.skipped} already stored), "
            f"{self.mentions} event mentions, {self.events} events updated"
        )


def load(
    writer: Writer,
    path: str | Path,
    *,
    batch_size: int = LOAD_BATCH,
    progress: Callable[[LoadReport], None] | None = None,
) -> LoadReport:
    """Store the articles and mentions of the Spark output at ``path`` (a local folder)."""
    import duckdb

    output = OutputDir(path)
    output.manifest()  # refuses an output whose job did not finish
    report = LoadReport()
    con = duckdb.connect()
    try:
        articles = output.rows(con.cursor(), "articles", ARTICLE_COLUMNS)
        mentions = output.rows(con.cursor(), "mentions", MENTION_COLUMNS)
        for batch, batch_mentions in _batches(articles, mentions, batch_size):
            result = writer.write_batch(Batch(batch, batch_mentions))
            report.articles += result.articles
            report.skipped += result.skipped
            report.mentions += result.mentions
            report.events += len(result.events)
            if progress:
                progress(report)
    finally:
        con.close()
    return report


def _batches(
    articles: Iterator[dict[str, Any]], mentions: Iterator[dict[str, Any]], size: int
) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Batches of articles with their mentions, from two streams both in article id order."""
    pending = next(mentions, None)
    while True:
        batch = [a for _, a in zip(range(size), articles, strict=False)]
        if not batch:
            return
        last = batch[-1]["article_id"]
        own = []
        while pending is not None and pending["article_id"] <= last:
            own.append(pending)
            pending = next(mentions, None)
        yield batch, own
