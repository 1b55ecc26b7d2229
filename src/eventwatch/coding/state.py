"""One document as the coder's passes see it: a state object that each pass adds one layer to.

The layers, in the order the passes write them (``coder.py`` has the pass list):

=============  ==============  ===================================================================
layer          written by      what it holds
=============  ==============  ===================================================================
document       (input)         the Document record: text, id, date, url, title, source
trail          every pass      the decisions taken, as ``Step`` records, in order
day, layout    layout          the document date; headline, dateline, paragraphs, direct quotes
doc            parse           the spaCy Doc (long texts parsed in chunks, offsets into the text)
sentences      parse           the sentences, with look-up by token
entities       parse           the named entities of each sentence
registry       registry        who is who: every mention resolved once; speakers; focus country
predicates     predicates      candidate actions of each sentence, with their argument slots
candidates     classify        predicates the lexicon codes, with the code, rule and modality
times          time            for each candidate: date, tense, the phrase that set them; history or habit
parties        roles           for each candidate: source/target pairs and the scene, or None
events         context         the events, with date, place, attribution, evidence and trail
=============  ==============  ===================================================================

A pass reads earlier layers and writes its own, once; it never edits an earlier layer.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, overload

from spacy.tokens import Doc, Span

from eventwatch.records import Document, Event, Step

if TYPE_CHECKING:
    from eventwatch.coding.classify import Candidate
    from eventwatch.coding.layout import Layout
    from eventwatch.coding.predicates import Predicate
    from eventwatch.coding.registry import Registry
    from eventwatch.coding.roles import Parties
    from eventwatch.coding.timing import TimeAnchor


class Sentences(Sequence[Span]):
    """A document's sentences in order, with the sentence of any token found by bisection."""

    __slots__ = ("spans", "starts")

    def __init__(self, spans: list[Span]):
        self.spans = spans
        self.starts = [s.start for s in spans]

    @overload
    def __getitem__(self, index: int) -> Span: ...
    @overload
    def __getitem__(self, index: slice) -> list[Span]: ...
    def __getitem__(self, index):
        return self.spans[index]

    def __len__(self) -> int:
        return len(self.spans)

    def __iter__(self) -> Iterator[Span]:
        return iter(self.spans)

    def index_of(self, token_index: int) -> int:
        return max(bisect.bisect_right(self.starts, token_index) - 1, 0)

    def at(self, token_index: int) -> Span:
        """The sentence holding the token."""
        return self.spans[self.index_of(token_index)]


@dataclass(slots=True)
class DocumentState:
    document: Document
    trail: list[Step] = field(default_factory=list)
    day: dt.date | None = None
    layout: Layout | None = None
    doc: Doc | None = None
    sentences: Sentences | None = None
    entities: list[list[Span]] | None = None
    registry: Registry | None = None
    predicates: list[list[Predicate]] | None = None
    candidates: list[Candidate] | None = None
    times: list[TimeAnchor] | None = None
    parties: list[Parties | None] | None = None
    events: list[Event] | None = None

    def note(self, pass_name: str, rule: str, detail: str = "", **where) -> None:
        """Add a step to the trail (``where``: span, sentence, about — see ``Step``)."""
        self.trail.append(Step(pass_name, rule, detail, **where))


LAYERS = tuple(f.name for f in fields(DocumentState))
