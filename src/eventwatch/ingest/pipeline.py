"""The ingest run: sources -> documents -> coder -> store, in batches, with a progress bar.

Documents already stored (same content hash or URL) are dropped before coding, so re-running a batch
costs reading, not coding. Coded articles are written in small batches, each one transaction
(see ``store.writer``), which is what makes a killed run safe to start again.
"""

from __future__ import annotations

import importlib
import queue
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from eventwatch.documents import InputProblem
from eventwatch.ingest.fetch import FetchConfig, Fetcher
from eventwatch.ingest.sources import AlreadyStored, SourceReader
from eventwatch.isolation import DocumentCoder, code_safely, coder_problem
from eventwatch.records import Document, content_hash
from eventwatch.store.writer import CodedArticle, Writer, WriteResult

# Articles per transaction. Each write has a fixed cost (open, re-cluster, actor totals, commit, checkpoint)
# of a few hundred milliseconds, so big batches keep the store's share of ingest time small (0.5 ms of CPU
# per article at 1,000, 1.3 ms at 200); a crash redoes at most one batch of coding, and the database lock
# is free between batches for readers.
BATCH_ARTICLES = 1000
# ...or sooner, so readers and `watch` logs see slow feeds progress: after BATCH_SECONDS, but never before
# WRITE_SPACING times the last write took. A write's fixed cost (~0.3 s of CPU, open to checkpoint) is
# paid per batch whatever its size: flushing every 5 s on a machine where coding is slow made batches of
# ~100 articles and the writer's CPU 3.4 ms per article instead of 0.5 (measured, 4,000 WCEP summaries).
BATCH_SECONDS = 5.0
WRITE_SPACING = 10
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


@dataclass(slots=True)
class IngestReport:
    articles: int = 0  # newly stored
    skipped: int = 0  # already in the store
    sentences: int = 0
    mentions: int = 0
    events: int = 0  # deduplicated events created or updated
    seconds: float = 0.0
    writing_seconds: float = 0.0  # of which the store was writing (alongside the coding)
    problems: list[InputProblem] = field(default_factory=list)  # inputs that failed
    warnings: list[InputProblem] = field(default_factory=list)  # read, with a note (bytes replaced, ...)

    @property
    def failed(self) -> bool:
        return bool(self.problems)

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "skipped": self.skipped,
            "sentences": self.sentences,
            "mentions": self.mentions,
            "events": self.events,
            "seconds": round(self.seconds, 2),
            "problems": [str(p) for p in self.problems],
            "warnings": [str(p) for p in self.warnings],
        }

    def __str__(self) -> str:
        return (
            f"{self.articles} articles added ({self.skipped} already stored), {self.sentences} sentences, "
            f"{self.mentions} event mentions, {self.events} events updated, "
            f"{len(self.problems)} failed sources"
            + (f", {len(self.warnings)} warnings" if self.warnings else "")
            + f" in {self.seconds:.1f}s"
        )


def make_coder(spec: str | None = None, workers: int = 1) -> DocumentCoder:
    """The default Coder (keeping unreal mentions, as the store does), or the object a ``module:callable``
    factory makes (anything with ``pipe_documents``). Raises ValueError when the factory cannot be loaded."""
    if spec is None:
        from eventwatch.coding.coder import Coder

        # With workers > 1 this process (the one that writes the store) loads no model: the workers do.
        return Coder(include_unreal=True, n_process=workers)
    module, _, name = spec.partition(":")
    try:
        factory = getattr(importlib.import_module(module), name or "make_coder")
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"cannot load {spec!r}: {exc}") from None
    return factory()


def count_sentences(text: str) -> int:
    """A cheap sentence count for the progress bar and ``articles.n_sentences`` (the coder does not
    report its own); it splits on end punctuation followed by a capital, like most wire copy."""
    stripped = text.strip()
    return len(_SENTENCE_END.findall(stripped)) + 1 if stripped else 0


class BackgroundWriter:
    """Writes batches in a thread of their own, one at a time and in order, so that coding goes on
    while a batch is stored (DuckDB and psycopg work outside the GIL). At most one batch waits; an error
    in the writer is raised in the caller at its next ``submit`` or at ``close``."""

    def __init__(self, writer: Writer, on_result: Callable[[WriteResult], None]) -> None:
        self.writer, self.on_result = writer, on_result
        self.seconds = 0.0  # time spent writing
        self.last_seconds = 0.0  # the last write's
        self._queue: queue.Queue[list[CodedArticle] | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="eventwatch-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drain, so the caller never blocks on a dead writer
            started = time.perf_counter()
            try:
                self.on_result(self.writer.write(batch))
            except BaseException as exc:  # handed to the caller's thread
                self._error = exc
            self.last_seconds = time.perf_counter() - started
            self.seconds += self.last_seconds

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def submit(self, batch: list[CodedArticle]) -> None:
        self._raise()
        self._queue.put(batch)

    def close(self) -> None:
        """Wait for every submitted batch to be written."""
        self._queue.put(None)
        self._thread.join()
        self._raise()


def run_ingest(
    writer: Writer,
    sources: Iterable[str | Path | Document],
    coder: DocumentCoder,
    *,
    workers: int = 1,
    progress: bool = False,
    fetch_config: FetchConfig | None = None,
    on_problem: Callable[[InputProblem], None] | None = None,
    stop: threading.Event | None = None,
    batch_size: int = BATCH_ARTICLES,
) -> IngestReport:
    report = IngestReport()
    started = time.monotonic()
    seen = writer.known()
    bar = tqdm(unit=" articles", disable=not progress, dynamic_ncols=True, leave=True)

    def problem(item: InputProblem) -> None:
        (report.problems if item.fatal else report.warnings).append(item)
        if on_problem:
            on_problem(item)

    digests: dict[str, str] = {}  # article id -> content hash, hashed once per document

    def new_documents(items: Iterable[Any]) -> Iterator[Document]:
        for item in items:
            if stop is not None and stop.is_set():
                return
            if isinstance(item, InputProblem):
                problem(item)
            elif isinstance(item, AlreadyStored):
                report.skipped += 1
            else:
                digest = content_hash(item.text)
                if not seen.first_time(digest, item.url):
                    report.skipped += 1
                    continue
                item.id = digest[:16]  # mention ids hash the doc id: make them unique per article
                digests[item.id] = digest
                yield item

    batch: list[CodedArticle] = []
    coded_events = 0
    flushed = time.monotonic()

    def count(result: WriteResult) -> None:  # in the writer's thread; the report is read after close()
        report.articles += result.articles
        report.skipped += result.skipped
        report.mentions += result.mentions
        report.events += len(result.events)

    background = BackgroundWriter(writer, count)

    def flush() -> None:
        nonlocal batch, flushed
        if batch:
            background.submit(batch)
            batch = []
        flushed = time.monotonic()

    with Fetcher(fetch_config) as fetcher:
        reader = SourceReader(fetcher, workers, is_stored=lambda url: url in seen.urls)
        try:
            for doc, events in code_safely(coder, new_documents(reader.read(sources))):
                if isinstance(events, Exception):
                    problem(coder_problem(doc, events))
                    continue
                article = CodedArticle(doc, events, count_sentences(doc.text), digests.pop(doc.id, ""))
                batch.append(article)
                report.sentences += article.n_sentences
                coded_events += len(events)
                bar.update(1)
                bar.set_postfix(sentences=report.sentences, events=coded_events, refresh=False)
                waited = time.monotonic() - flushed
                if len(batch) >= batch_size or waited >= max(BATCH_SECONDS, WRITE_SPACING * background.last_seconds):
                    flush()
            flush()
        finally:
            bar.close()
            background.close()
    report.seconds = time.monotonic() - started
    report.writing_seconds = background.seconds
    return report
