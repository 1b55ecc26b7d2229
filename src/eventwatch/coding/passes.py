"""What a pass is, how the coder runs one, and the check that the pass list is in a working order.

A pass is built once from the knowledge it needs and is then called on each document's state:
``state = pass_(state)``. It declares the layers it ``reads`` and ``writes`` (names of
``DocumentState`` fields); ``unmet_requirements`` checks a pass list the way spaCy's ``analyze_pipes``
does, so a pass moved before the one that writes its input is caught by a unit test, not by a user.
A pass that is faster over a batch (the parser) also has ``pipe(states)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Protocol, runtime_checkable

from eventwatch.coding.state import LAYERS, DocumentState

# Layers every state has before the first pass: the input, and the trail every pass adds to.
GIVEN = ("document", "trail")


class Pass(Protocol):
    name: ClassVar[str]
    reads: ClassVar[tuple[str, ...]]
    writes: ClassVar[tuple[str, ...]]

    def __call__(self, state: DocumentState) -> DocumentState: ...


@runtime_checkable
class BatchPass(Protocol):
    def pipe(self, states: list[DocumentState]) -> list[DocumentState]: ...


class PassFailed(RuntimeError):
    """A pass raised on a document; the message names the pass and the document."""


def run(pass_: Pass, state: DocumentState) -> DocumentState:
    try:
        result = pass_(state)
    except Exception as exc:
        raise PassFailed(f"the {pass_.name} pass failed on document {state.document.id!r}: {exc!r}") from exc
    if not isinstance(result, DocumentState):
        raise PassFailed(f"the {pass_.name} pass returned {type(result).__name__}, not a DocumentState")
    return result


def run_batch(pass_: Pass, states: list[DocumentState]) -> list[DocumentState]:
    if isinstance(pass_, BatchPass):
        try:
            return pass_.pipe(states)
        except Exception as exc:
            ids = ", ".join(repr(s.document.id) for s in states[:5])
            raise PassFailed(f"the {pass_.name} pass failed on a batch with documents {ids}: {exc!r}") from exc
    return [run(pass_, state) for state in states]


def unmet_requirements(passes: Sequence[Pass]) -> list[str]:
    """Problems with the order of ``passes``: a layer read before any pass writes it, a layer that is
    no field of the state, or a layer written twice."""
    problems = []
    written = set(GIVEN)
    for pass_ in passes:
        for layer in (*pass_.reads, *pass_.writes):
            if layer not in LAYERS:
                problems.append(f"{pass_.name}: {layer!r} is no layer of DocumentState")
        unmet = [layer for layer in pass_.reads if layer not in written]
        problems += [f"{pass_.name} reads {layer!r} before any pass writes it" for layer in unmet]
        problems += [f"{pass_.name} writes {layer!r} again" for layer in pass_.writes if layer in written]
        written |= set(pass_.writes)
    return problems
