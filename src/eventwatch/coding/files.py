"""``code``: events from input files, as the ``eventwatch code`` command produces them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from eventwatch.documents import InputProblem, read_inputs
from eventwatch.isolation import code_safely, coder_problem
from eventwatch.records import Document, Event

ProblemHandler = Callable[[InputProblem], None]


def code(
    inputs: Iterable[str],
    *,
    date: str | None = None,
    include_unreal: bool = False,
    workers: int = 1,
    on_problem: ProblemHandler | None = None,
    on_document: Callable[[Document, list[Event]], None] | None = None,
    coder: Any = None,
) -> Iterator[Event]:
    """Events of every document in ``inputs`` (paths, or ``-`` for stdin), in input order.

    Unreadable inputs, and documents that break the coder, are passed to ``on_problem`` and skipped;
    the rest are still coded.
    ``date`` is the document date for inputs that do not carry one (YYYY-MM-DD).
    """
    if coder is None:
        from eventwatch.coding import Coder

        coder = Coder(include_unreal=include_unreal, n_process=workers)

    def documents() -> Iterator[Document]:
        for item in read_inputs(inputs, date):
            if isinstance(item, InputProblem):
                if on_problem:
                    on_problem(item)
                continue
            yield item

    for document, events in code_safely(coder, documents()):
        if isinstance(events, Exception):
            if on_problem:
                on_problem(coder_problem(document, events))
            continue
        if on_document:
            on_document(document, events)
        yield from events
