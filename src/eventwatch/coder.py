"""The Coder: wires the stages together, nothing else. (Stub: the real stages land next.)"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from eventwatch.records import Document, Event


class Coder:
    """Codes documents into events. Loads the model and knowledge once; reuse one Coder for many documents.

    >>> coder = Coder()
    >>> events = coder.code("Russia attacked Ukraine on Monday.", date="2022-02-28")
    """

    def __init__(self, *, include_unreal: bool = False, batch_size: int = 32, n_process: int = 1) -> None:
        self.include_unreal = include_unreal
        self.batch_size = batch_size
        self.n_process = n_process

    def code(self, text: str, date: str | None = None, doc_id: str = "") -> list[Event]:
        return next(self.pipe([Document(text=text, date=date, id=doc_id)]))

    def pipe(self, documents: Iterable[Document | dict | str]) -> Iterator[list[Event]]:
        for _, events in self.pipe_documents(documents):
            yield events

    def pipe_documents(self, documents: Iterable[Document | dict | str]) -> Iterator[tuple[Document, list[Event]]]:
        """Like ``pipe``, but yields each (document, its events) so callers can store both."""
        for doc in documents:
            yield as_document(doc), []


def as_document(item: Document | dict | str) -> Document:
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return Document(text=item)
    return Document(**{k: item.get(k) for k in ("text", "id", "date", "url", "title", "source") if k in item})
