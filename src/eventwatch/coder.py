"""The Coder: wires the stages (parse → predicates → lexicon → actors → modality → dates, places,
attribution) and nothing else. Every piece of knowledge it uses is loaded once, when it is built.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from spacy.tokens import Doc

from eventwatch.actors import ActorKB, DocumentActors
from eventwatch.events import EventBuilder
from eventwatch.lexicon import Lexicon
from eventwatch.modality import load_modality_words
from eventwatch.nlp import load_model
from eventwatch.ontology import Ontology, default_ontology
from eventwatch.places import Gazetteer
from eventwatch.predicates import find_predicates
from eventwatch.records import Document, Event


@dataclass(frozen=True, slots=True)
class CoderConfig:
    """What a Coder is built from; picklable, so worker processes can build their own."""

    include_unreal: bool = False
    model: str | None = None
    lexicon_dir: str | None = None
    actors_dir: str | None = None
    batch_size: int = 32


class Coder:
    """Codes documents into events. Loads the model and knowledge once; reuse one Coder for many documents.

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
    ) -> None:
        self.config = CoderConfig(
            include_unreal=include_unreal,
            model=model,
            lexicon_dir=str(lexicon_dir) if lexicon_dir else None,
            actors_dir=str(actors_dir) if actors_dir else None,
            batch_size=batch_size,
        )
        self.n_process = max(1, n_process)
        self.nlp = load_model(model)
        self.ontology: Ontology = default_ontology()
        self.lexicon = Lexicon.load(lexicon_dir, self.ontology)
        self.kb = ActorKB.load(actors_dir)
        self.matcher = self.kb.build_matcher(self.nlp)
        self.builder = EventBuilder(
            lexicon=self.lexicon,
            ontology=self.ontology,
            modality_words=load_modality_words(),
            gazetteer=Gazetteer.load(),
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
            parsed = self._parse([d.text for d in batch])
            for document, spacy_doc in zip(batch, parsed, strict=True):
                yield document, self.code_parsed(document, spacy_doc)

    def _parse(self, texts: list[str]) -> list[Doc]:
        """Parsed documents. Entities (the costliest component: ~40% of the parse) are found only in the
        documents that can have events - those with a predicate the lexicon codes - since nothing else
        the coder outputs reads them: the events are the same, found sooner."""
        if "ner" not in self.nlp.pipe_names:
            return list(self.nlp.pipe(texts, batch_size=self.config.batch_size))
        docs = list(self.nlp.pipe(texts, batch_size=self.config.batch_size, disable=["ner"]))
        eventful = [doc for doc in docs if self._may_have_events(doc)]
        for _ in self.nlp.get_pipe("ner").pipe(eventful, batch_size=self.config.batch_size):
            pass  # annotates the docs in place
        return docs

    def _may_have_events(self, doc: Doc) -> bool:
        # Events are built only from predicates the lexicon matches; finding them reads no entities.
        nouns = self.lexicon.noun_lemmas
        return any(self.lexicon.match(p) is not None for s in doc.sents for p in find_predicates(s, nouns))

    def code_parsed(self, document: Document, doc: Doc) -> list[Event]:
        """Events of a document that spaCy has already parsed."""
        day = _to_date(document.date)
        actors = DocumentActors(self.kb, self.matcher.mentions(doc), day)
        events: list[Event] = []
        for index, sentence in enumerate(doc.sents):
            events += self.builder.sentence_events(document, index, sentence, actors, day)
        if not self.config.include_unreal:
            events = [e for e in events if e.is_real]
        return events


def as_document(item: Document | dict | str) -> Document:
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return Document(text=item)
    return Document(**{k: item.get(k) for k in ("text", "id", "date", "url", "title", "source") if k in item})


def _to_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


_WORKER_CODER: Coder | None = None


def _init_worker(config: CoderConfig) -> None:
    global _WORKER_CODER  # one Coder per worker process, built once when the worker starts
    _WORKER_CODER = Coder(
        include_unreal=config.include_unreal,
        batch_size=config.batch_size,
        model=config.model,
        lexicon_dir=config.lexicon_dir,
        actors_dir=config.actors_dir,
    )


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
