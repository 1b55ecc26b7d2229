"""The Coder: builds the passes once from the knowledge, then runs them over each document, in batches.

The passes, in order (each reads what earlier ones wrote and adds its own layer; none calls back up):

==========  ===============  =================================================================
pass        module           writes
==========  ===============  =================================================================
layout      ``layout.py``    day, layout: headline, dateline, paragraphs, quotes
parse       ``parse.py``     doc, sentences, entities (spaCy, batched; long texts in chunks)
registry    ``registry.py``  registry: every mention resolved once; speakers; focus country
predicates  ``predicates.py``  predicates: candidate actions and their argument slots
classify    ``classify.py``  candidates: lexicon code, speech acts, modality
time        ``timing.py``    times: date and tense of each candidate; history, habits, standing acts
roles       ``roles.py``     parties: source/target pairs looked up in the registry
context     ``context.py``   events: place, attribution, evidence, trail
==========  ===============  =================================================================
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from eventwatch.coding.classify import ClassifyPass
from eventwatch.coding.context import ContextPass
from eventwatch.coding.knowledge import Knowledge
from eventwatch.coding.layout import LayoutPass
from eventwatch.coding.parse import ParsePass, index, load_model, require_model
from eventwatch.coding.passes import Pass, run, run_batch
from eventwatch.coding.predicates import PredicatesPass, find_predicates
from eventwatch.coding.registry import RegistryPass
from eventwatch.coding.roles import RolesPass
from eventwatch.coding.state import DocumentState
from eventwatch.coding.timing import TimePass
from eventwatch.records import Document, Event

DOCUMENT_FIELDS = ("text", "id", "date", "url", "title", "source")


@dataclass(frozen=True, slots=True)
class CoderConfig:
    """What a Coder is built from; picklable, so worker processes can build their own."""

    include_unreal: bool = False
    model: str | None = None
    lexicon_dir: str | None = None
    actors_dir: str | None = None
    words_dir: str | None = None
    batch_size: int = 32
    max_length: int | None = None  # characters the parser takes at once (default: the model's max_length)


class Coder:
    """Codes documents into events. Loads the model and knowledge once; reuse one Coder for many documents.

    With ``n_process`` > 1 the worker processes code and each loads its own; this process loads them only
    if it is asked to code itself (``pipe_states``, ``code_parsed``, ``explain``).

    >>> coder = Coder()
    >>> events = coder.code("Russia attacked Ukraine on Monday.", date="2022-02-28")
    """

    def __init__(
        self,
        *,
        include_unreal: bool = False,
        batch_size: int = 32,
        n_process: int = 1,
        model: str | None = None,
        lexicon_dir: str | Path | None = None,
        actors_dir: str | Path | None = None,
        words_dir: str | Path | None = None,
        max_length: int | None = None,
    ) -> None:
        self.config = CoderConfig(
            include_unreal=include_unreal,
            model=model,
            lexicon_dir=str(lexicon_dir) if lexicon_dir else None,
            actors_dir=str(actors_dir) if actors_dir else None,
            words_dir=str(words_dir) if words_dir else None,
            batch_size=batch_size,
            max_length=max_length,
        )
        self.n_process = max(1, n_process)
        if self.n_process == 1:
            self.passes  # noqa: B018 - loaded now, so a missing model or a bad data file is said at once
        else:
            require_model(model)  # the workers load it: here it would cost seconds and memory for nothing

    @cached_property
    def nlp(self) -> Language:
        return load_model(self.config.model)

    @cached_property
    def knowledge(self) -> Knowledge:
        c = self.config
        return Knowledge.load(self.nlp, lexicon_dir=c.lexicon_dir, actors_dir=c.actors_dir, words_dir=c.words_dir)

    @cached_property
    def passes(self) -> list[Pass]:
        c = self.config
        passes: list[Pass] = [
            LayoutPass(),
            ParsePass(self.nlp, c.batch_size, c.max_length, needs_entities=self._may_have_events),
            RegistryPass(self.knowledge),
            PredicatesPass(self.knowledge),
            ClassifyPass(self.knowledge),
            TimePass(self.knowledge),
            RolesPass(self.knowledge),
            ContextPass(self.knowledge),
        ]
        # The model and the knowledge (some 300,000 objects) live as long as the process: moved out of
        # the collector's generations, they are not scanned again at each full collection (which took
        # about 6% of the coder's time on news).
        gc.collect()
        gc.freeze()
        return passes

    def _may_have_events(self, doc: Doc) -> bool:
        """Whether a parsed text has a predicate the lexicon codes: events are built only from those, so a
        text without one needs no entities. Finding predicates without entities finds more, never fewer
        (a noun that is an ORG entity is no predicate), so no text with events is missed."""
        nouns = self.knowledge.lexicon.noun_lemmas
        return any(self.knowledge.lexicon.match(p) is not None for s in doc.sents for p in find_predicates(s, nouns))

    @classmethod
    def from_config(cls, config: CoderConfig, n_process: int = 1) -> Coder:
        return cls(
            include_unreal=config.include_unreal,
            batch_size=config.batch_size,
            n_process=n_process,
            model=config.model,
            lexicon_dir=config.lexicon_dir,
            actors_dir=config.actors_dir,
            words_dir=config.words_dir,
            max_length=config.max_length,
        )

    @property
    def include_unreal(self) -> bool:
        return self.config.include_unreal

    def code(self, text: str, date: str | None = None, doc_id: str = "") -> list[Event]:
        """Events of one text; ``date`` (YYYY-MM-DD) anchors relative dates like "on Wednesday"."""
        return next(self.pipe([Document(text=text, date=date, id=doc_id)]))

    def pipe(self, documents: Iterable[Document | dict | str]) -> Iterator[list[Event]]:
        """Each document's events, in input order."""
        for _, events in self.pipe_documents(documents):
            yield events

    def pipe_documents(self, documents: Iterable[Document | dict | str]) -> Iterator[tuple[Document, list[Event]]]:
        """Like ``pipe``, but yields (document, its events) so callers can store both."""
        docs = (as_document(d) for d in documents)
        if self.n_process > 1:
            yield from _parallel(docs, self.config, self.n_process)
            return
        while True:
            batch = list(islice(docs, self.config.batch_size))
            if not batch:
                return
            for state in self.pipe_states(DocumentState(d) for d in batch):
                yield state.document, self.output(state)

    def pipe_states(self, states: Iterable[DocumentState]) -> list[DocumentState]:
        """Run every pass over the states (one batch): the full state of each document, for ``explain``."""
        batch = list(states)
        for pass_ in self.passes:
            batch = run_batch(pass_, batch)
        return batch

    def code_parsed(self, document: Document, doc: Doc) -> list[Event]:
        """Events of a document that spaCy has already parsed (its text is ``document.text``)."""
        state = run(self.passes[0], DocumentState(document))
        index(state, doc)
        for pass_ in self.passes[2:]:
            state = run(pass_, state)
        return self.output(state)

    def output(self, state: DocumentState) -> list[Event]:
        """The events a caller gets: the real ones, or all of them with ``include_unreal``."""
        events = state.events or []
        return events if self.config.include_unreal else [e for e in events if e.is_real]


def as_document(item: Document | dict | str) -> Document:
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return Document(text=item)
    return Document(**{k: item.get(k) for k in DOCUMENT_FIELDS if k in item})


_WORKER_CODER: Coder | None = None


def _init_worker(config: CoderConfig) -> None:
    global _WORKER_CODER  # one Coder per worker process, built once when the worker starts
    _WORKER_CODER = Coder.from_config(config)


def _code_chunk(chunk: list[Document]) -> list[list[Event]]:
    assert _WORKER_CODER is not None
    return list(_WORKER_CODER.pipe(chunk))


def _parallel(docs: Iterator[Document], config: CoderConfig, workers: int) -> Iterator[tuple[Document, list[Event]]]:
    """Code chunks of documents in worker processes, each with its own Coder; results keep input order."""
    chunk_size = config.batch_size
    # Workers start from a fresh process (forkserver), not a fork of this one: a fork would carry this
    # process's own model and knowledge (and whatever else it holds) into every worker's memory.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, context, initializer=_init_worker, initargs=(config,)) as pool:
        pending = []
        while True:
            chunk = list(islice(docs, chunk_size))
            if chunk:
                pending.append((chunk, pool.submit(_code_chunk, chunk)))
            while pending and (not chunk or len(pending) > workers * 2):
                done_chunk, future = pending.pop(0)
                yield from zip(done_chunk, future.result(), strict=True)
            if not chunk and not pending:
                return
