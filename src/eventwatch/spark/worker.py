"""The Python side of the Spark job: what runs inside Spark's Python workers, on Arrow batches.

One Coder per Python worker process: Spark keeps its Python workers between tasks
(``spark.python.worker.reuse``, on by default), so the Coder - seconds to build, a few hundred MB - is
built on the first batch a process sees and kept in a module global for every later partition.

Nothing here imports PySpark; each function maps an iterator of Arrow record batches to another, as
``DataFrame.mapInArrow`` wants, and can be tested without Java.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

import pyarrow as pa

from eventwatch.documents import InputProblem, document_from_json
from eventwatch.ingest.pipeline import count_sentences, make_coder
from eventwatch.isolation import DocumentCoder, code_safely, one_line
from eventwatch.records import Document, content_hash
from eventwatch.store.dedup import summarise_event
from eventwatch.store.rows import ARTICLE_COLUMNS, MENTION_COLUMNS, article_row, mention_rows
from eventwatch.store.writer import EVENT_COLUMNS, SUMMARY_COLUMNS, arrow_schema

REJECTED_RECORD_CHARS = 10_000  # a rejected record is kept for inspection, up to this many characters
DOCUMENT_FIELDS = ("text", "date", "url", "title", "source")
REJECT = pa.struct([
    ("input", pa.string()), ("line", pa.int64()), ("reason", pa.string()), ("severity", pa.string()),
    ("record", pa.string()),
])  # fmt: skip
CHECKED = pa.schema([
    ("input", pa.string()), ("line", pa.int64()), *((f, pa.string()) for f in DOCUMENT_FIELDS),
    ("content_hash", pa.string()), ("reject", REJECT),
])  # fmt: skip
ARTICLE = pa.struct(list(arrow_schema(ARTICLE_COLUMNS)))
MENTION = pa.struct(list(arrow_schema(MENTION_COLUMNS)))
CODED = pa.schema([("article", ARTICLE), ("mentions", pa.list_(MENTION)), ("reject", REJECT)])
# What an event's summary reads: its mentions, each with its article's source, URL and time of ingest,
# and the event's first date.
SUMMARY_INPUT = (*SUMMARY_COLUMNS, "article_source", "article_url", "ingested_at", "first_date")
EVENTS = arrow_schema(EVENT_COLUMNS)

_CODERS: dict[str | None, DocumentCoder] = {}


def worker_coder(spec: str | None) -> DocumentCoder:
    """This process's coder for ``spec`` (see ``make_coder``), built on first use and then reused."""
    coder = _CODERS.get(spec)
    if coder is None:
        coder = _CODERS[spec] = make_coder(spec)
    return coder


def reject(problem: InputProblem, record: str | None) -> dict[str, Any]:
    return {
        "input": problem.source,
        "line": problem.line,
        "reason": problem.message,
        "severity": "error" if problem.fatal else "warning",
        "record": record[:REJECTED_RECORD_CHARS] if record is not None else None,
    }


def check_batches(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Raw rows (input, line, record, problem) -> CHECKED rows: a document's fields, or a reject."""
    for batch in batches:
        rows = []
        for raw in batch.to_pylist():
            where = {"input": raw["input"], "line": raw["line"]}
            if raw["problem"]:
                problem = InputProblem(raw["input"], raw["problem"], raw["line"])
                item: Document | InputProblem = problem
            else:
                item = document_from_json(raw["record"], raw["input"], raw["line"])
            if isinstance(item, InputProblem):
                rows.append({**where, "reject": reject(item, raw["record"])})
            else:
                fields = {f: getattr(item, f) for f in DOCUMENT_FIELDS}
                rows.append({**where, **fields, "content_hash": content_hash(item.text)})
        yield pa.RecordBatch.from_pylist(rows, schema=CHECKED)


def code_batches(
    ingested_at: datetime, coder_spec: str | None = None
) -> Callable[[Iterable[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The mapInArrow function: CHECKED rows of new articles -> CODED rows (an article with its mentions,
    or a reject when the coder fails on it), stamped ``ingested_at`` as the store would."""

    def code(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        coder = worker_coder(coder_spec)
        for batch in batches:
            rows = batch.to_pylist()
            where = {}
            documents = []
            for row in rows:
                # The article id is the content hash's prefix, as in ``ingest``, so mention ids agree.
                doc = Document(id=row["content_hash"][:16], **{f: row[f] for f in DOCUMENT_FIELDS})
                where[doc.id] = row
                documents.append(doc)
            out = []
            for doc, events in code_safely(coder, documents):
                row = where[doc.id]
                if isinstance(events, Exception):
                    problem = InputProblem(row["input"], f"coder failed: {one_line(events)}", row["line"])
                    out.append({"reject": reject(problem, doc.text)})
                    continue
                mentions = mention_rows(events, doc.id, doc.date)
                article = article_row(
                    doc, doc.id, row["content_hash"], ingested_at, count_sentences(doc.text), len(mentions)
                )
                out.append({"article": article, "mentions": mentions})
            yield pa.RecordBatch.from_pylist(out, schema=CODED)

    return code


def summarise_batches(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Mentions (SUMMARY_INPUT) sorted by event id -> one EVENTS row per event, by the store's own
    ``summarise_event``, so both engines describe an event alike."""
    current: str | None = None
    members: list[dict[str, Any]] = []
    for batch in batches:
        events = []
        for row in batch.to_pylist():
            if row["event_id"] != current and members:
                events.append(summarise_event(current, members, members[0]["first_date"]))
                members = []
            current = row["event_id"]
            members.append(row)
        if events:
            yield pa.RecordBatch.from_pylist(events, schema=EVENTS)
    if members:
        yield pa.RecordBatch.from_pylist([summarise_event(current, members, members[0]["first_date"])], schema=EVENTS)
