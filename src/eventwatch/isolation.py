"""Keeping one bad input from stopping a batch: each input is read, and each document coded, on its own.

Readers report the input problems they foresee; these two guards catch the ones nobody foresaw, so
that what is lost is one input or one document - named in a problem - never the rest of the batch,
and never silently.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

from eventwatch.documents import InputProblem
from eventwatch.records import Document, Event

T = TypeVar("T")
MESSAGE_CHARS = 300


class DocumentCoder(Protocol):
    """What a batch needs of a coder: ``eventwatch.coding.Coder`` or anything shaped like it."""

    def pipe_documents(self, documents: Iterable[Document]) -> Iterator[tuple[Document, list[Event]]]: ...


def one_line(exc: BaseException) -> str:
    """An exception as a short line: its message's first line, or its type when it has none."""
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else type(exc).__name__
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 1] + "…"


def guarded(source: str, items: Iterable[T]) -> Iterator[T | InputProblem]:
    """The items read from one input; if its reader fails, what it read so far and one problem naming the
    input instead of the exception, so that the inputs after it are still read."""
    try:
        yield from items
    except Exception as exc:  # a reader fault or an input no rule foresaw: it loses this input only
        yield InputProblem(source, f"reading stopped ({type(exc).__name__}: {one_line(exc)})")


def where(document: Document) -> str:
    """How to name a document in a message: where it was read from, else its URL, title or id."""
    return document.origin or document.url or document.title or document.id


class ReaderFailed(RuntimeError):
    """The documents' source raised while the coder was reading it (a fault of the reader, not of the
    document): re-raised after the documents already read are coded, never mistaken for a coder failure."""


def code_safely(
    coder: DocumentCoder, documents: Iterable[Document]
) -> Iterator[tuple[Document, list[Event] | Exception]]:
    """The coder's results, in order. If the coder fails, the documents it held are coded one by one, so
    only the document that broke it gets the exception (instead of events) and the batch goes on."""
    source = iter(documents)
    pending: deque[Document] = deque()
    reader_failure: BaseException | None = None

    def feed() -> Iterator[Document]:
        nonlocal reader_failure
        try:
            for doc in source:
                pending.append(doc)
                yield doc
        except Exception as exc:  # stop feeding; the coder finishes what it holds
            reader_failure = exc

    while True:
        try:
            for doc, events in coder.pipe_documents(feed()):
                if pending:
                    pending.popleft()
                yield doc, events
            break
        except Exception:
            retry = list(pending)
            pending.clear()
            for doc in retry:
                try:
                    yield next(iter(coder.pipe_documents([doc])))
                except Exception as exc:
                    yield doc, exc
            if reader_failure is not None:
                break
    if reader_failure is not None:
        raise ReaderFailed(f"reading the documents failed: {one_line(reader_failure)}") from reader_failure


def coder_problem(document: Document, exc: Exception) -> InputProblem:
    """The problem that a document broke the coder, naming the document."""
    return InputProblem(where(document), f"coder failed: {one_line(exc)}")
