"""Who says so: the reporting source of a sentence and the direct quote in it.

``find_attribution`` returns ``(source text, quote text)``. Sources come from two constructions:

* a reporting verb with a subject: "the AP reported", "Interfax said", "X told reporters";
* a source marker with its object: "according to Reuters", "per the BBC", "citing officials".

When a sentence has several, a news outlet or generic media source ("state media") wins, then the one
highest in the parse tree (the outer report: in "Blinken said ..., the AP reported" the AP reports
Blinken). Verbs inside a direct quote do not count: their subject is the quoted speaker's wording.

Quotes are paired per paragraph of the document, so a quote that spaCy splits over two sentences is
still found whole. The vocabulary is in ``data/attribution.yaml``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml
from spacy.tokens import Doc, Span, Token

# Children that are not part of a source's name: "Antony Blinken, the secretary of state, who ...".
_TRIM_DEPS = frozenset({"appos", "relcl", "acl", "punct", "advcl", "parataxis"})
_SUBJECT_DEPS = frozenset({"nsubj"})
_OBJECT_DEPS = frozenset({"pobj", "dobj"})
_NAMED_LABELS = frozenset({"ORG", "PERSON", "NORP", "GPE"})
# A quoted span is a direct quote, not a scare quote ('a so-called "special operation"'), when it has
# at least this many words or ends with punctuation inside the quote marks.
_MIN_QUOTE_WORDS = 3


@dataclass(frozen=True, slots=True)
class AttributionWords:
    reporting_verbs: frozenset[str]
    markers: tuple[tuple[tuple[str, ...], bool], ...]  # marker words -> needs a named source
    outlets: frozenset[str]  # casefolded
    media_nouns: frozenset[str]  # casefolded


@cache
def attribution_words() -> AttributionWords:
    text = resources.files("eventwatch").joinpath("data/attribution.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    markers = tuple(
        (tuple(str(k).lower().split()), bool((v or {}).get("named", False)))
        for k, v in raw["source_markers"].items()
    )
    return AttributionWords(
        reporting_verbs=frozenset(str(w).lower() for w in raw["reporting_verbs"]),
        markers=markers,
        outlets=frozenset(_outlet_key(str(w)) for w in raw["outlets"]),
        media_nouns=frozenset(str(w).casefold() for w in raw["media_nouns"]),
    )


def _outlet_key(text: str) -> str:
    return re.sub(r"^the\s+", "", " ".join(text.split()), flags=re.IGNORECASE).casefold()


# --- quotes --------------------------------------------------------------------------------------


def _paragraph_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    return left, len(text) if right == -1 else right


def _pair_quotes(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Character spans (quote marks included) of the double-quoted passages in ``text[start:end]``.

    Straight quotes alternate open/close; curly ones say which they are. A quote still open at the end
    of the paragraph runs to its end (the convention for quotes that continue in the next paragraph).
    """
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for i in range(start, end):
        ch = text[i]
        if ch == "“" or (ch == '"' and opened is None):
            opened = i
        elif ch in '”"' and opened is not None:
            spans.append((opened, i + 1))
            opened = None
    if opened is not None:
        spans.append((opened, end))
    return spans


def _is_direct_quote(inner: str) -> bool:
    inner = inner.strip()
    return len(inner.split()) >= _MIN_QUOTE_WORDS or inner[-1:] in (",", ".", "?", "!")


def quote_spans(sentence: Span) -> list[tuple[int, int]]:
    """Document character spans of the direct quotes that overlap ``sentence``."""
    text = _doc_text(sentence.doc)
    left, right = _paragraph_bounds(text, sentence.start_char, sentence.end_char)
    return [
        (s, e)
        for s, e in _pair_quotes(text, left, right)
        if s < sentence.end_char
        and sentence.start_char < e
        and _is_direct_quote(text[s + 1 : e].strip('“”"'))
    ]


def find_quote(sentence: Span) -> str | None:
    """The direct quote(s) in the sentence, without quote marks; several are joined with " ... "."""
    text = _doc_text(sentence.doc)
    parts = [text[s:e].strip('“”"').strip().rstrip(",").strip() for s, e in quote_spans(sentence)]
    parts = [p for p in parts if p]
    return " ... ".join(parts) if parts else None


def _inside(token: Token, spans: Iterable[tuple[int, int]]) -> bool:
    return any(s <= token.idx < e for s, e in spans)


# --- sources -------------------------------------------------------------------------------------


def _phrase(head: Token) -> Span:
    """The noun phrase headed by ``head`` without appositions, relative clauses or edge punctuation."""
    dropped: set[int] = set()
    for child in head.children:
        if child.dep_ in _TRIM_DEPS:
            dropped.update(t.i for t in child.subtree)
    kept = [t for t in head.subtree if t.i not in dropped]
    while len(kept) > 1 and kept[0].is_punct:
        kept.pop(0)
    while len(kept) > 1 and kept[-1].is_punct:
        kept.pop()
    # A trimmed apposition inside the span would leave a gap; stop at the first one.
    end = kept[0].i
    for tok in kept:
        if tok.i > end + 1:
            break
        end = tok.i
    start = min(kept[0].i, head.i)
    end = max(end, head.i)
    return head.doc[start : end + 1]


def is_media(phrase: Span) -> bool:
    """Whether the phrase names a news outlet ("the AP", "Reuters") or generic media ("state media")."""
    words = attribution_words()
    key = _outlet_key(phrase.text)
    if key in words.outlets or any(_outlet_key(e.text) in words.outlets for e in phrase.ents):
        return True
    return (
        phrase.root.text.casefold() in words.media_nouns or phrase.root.lemma_.casefold() in words.media_nouns
    )


@dataclass(frozen=True, slots=True)
class Source:
    """One candidate source in a sentence: its phrase and the token that introduces it."""

    phrase: Span
    cue: Token

    @property
    def depth(self) -> int:
        depth, token = 0, self.cue
        while token.head.i != token.i:
            depth, token = depth + 1, token.head
        return depth


def _verb_sources(sentence: Span, quotes: Sequence[tuple[int, int]]) -> list[Source]:
    verbs = attribution_words().reporting_verbs
    found = []
    for tok in sentence:
        if tok.pos_ != "VERB" or tok.lemma_.lower() not in verbs or _inside(tok, quotes):
            continue
        for child in tok.children:
            if child.dep_ in _SUBJECT_DEPS and not _inside(child, quotes):
                found.append(Source(_phrase(child), tok))
    return found


def _marker_sources(sentence: Span, quotes: Sequence[tuple[int, int]]) -> list[Source]:
    found = []
    tokens = list(sentence)
    lowered = [t.lower_ for t in tokens]
    for marker, named in attribution_words().markers:
        n = len(marker)
        for i in range(len(tokens) - n + 1):
            if tuple(lowered[i : i + n]) != marker or _inside(tokens[i], quotes):
                continue
            last = tokens[i + n - 1]
            obj = next((c for c in last.children if c.dep_ in _OBJECT_DEPS), None)
            if obj is None:
                continue
            phrase = _phrase(obj)
            if named and not (is_media(phrase) or _is_named(phrase)):
                continue
            found.append(Source(phrase, tokens[i]))
    return found


def _is_named(phrase: Span) -> bool:
    return phrase.root.pos_ == "PROPN" or phrase.root.ent_type_ in _NAMED_LABELS


def sources(sentence: Span) -> list[Source]:
    """All candidate sources in the sentence, best first (media, then outermost, then leftmost)."""
    quotes = quote_spans(sentence)
    found = _verb_sources(sentence, quotes) + _marker_sources(sentence, quotes)
    return sorted(found, key=lambda s: (not is_media(s.phrase), s.depth, s.cue.i))


def find_attribution(sentence: Span, doc: Doc) -> tuple[str | None, str | None]:
    """(reporting source, direct quote) of the sentence; either may be None.

    ``doc`` is the sentence's document (``sentence.doc``): quotes are paired over the sentence's
    paragraph, so a quote spaCy splits over two sentences is found whole, and a sentence inside such a
    quote is attributed to the quote's speaker even when the speech verb is in the next sentence.
    """
    del doc  # same as sentence.doc; kept in the signature for the stage interface
    found = sources(sentence)
    source = found[0].phrase.text if found else quote_speaker(sentence)
    return source, find_quote(sentence)


def quote_speaker(sentence: Span) -> str | None:
    """The speaker of the sentence's direct quote: the subject of the speech verb outside the quote
    nearest to it ('"...," Secretary of State Antony Blinken said' -> "Secretary of State Antony
    Blinken"; '"...," he said' -> "he"), or the object of "according to". When the quote runs into
    another sentence, that sentence's speech verb counts too. None without a quote or a speaker."""
    quotes = quote_spans(sentence)
    if not quotes:
        return None
    for candidate_sentence in [sentence, *_other_quote_sentences(sentence, quotes)]:
        speaker = _nearest_speaker(candidate_sentence, quotes)
        if speaker is not None:
            return speaker
    return None


def _nearest_speaker(sentence: Span, quotes: Sequence[tuple[int, int]]) -> str | None:
    candidates = _verb_sources(sentence, quotes) + _marker_sources(sentence, quotes)
    if not candidates:
        return None

    def distance(source: Source) -> int:
        idx = source.cue.idx
        return min(s - idx if idx < s else idx - e for s, e in quotes)

    return min(candidates, key=distance).phrase.text


def _other_quote_sentences(sentence: Span, quotes: Sequence[tuple[int, int]]) -> list[Span]:
    """Sentences holding the end, then the start, of quotes that run beyond ``sentence``."""
    doc = sentence.doc
    found: list[Span] = []
    for start, end in quotes:
        for pos in (end - 1, start):
            span = doc.char_span(pos, pos + 1, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            other = _sentence_of(span[0])
            if other.start != sentence.start and all(other.start != f.start for f in found):
                found.append(other)
    return found


def _sentence_of(token: Token) -> Span:
    """The sentence holding ``token``. Token.sent walks all sentences on every call, so the sentence list
    is kept with the document (in ``Doc.user_data``) the first time it is needed."""
    doc = token.doc
    sentences = doc.user_data.get("eventwatch.sentences")
    if sentences is None:
        sentences = doc.user_data["eventwatch.sentences"] = list(doc.sents)
    index = bisect.bisect_right([s.start for s in sentences], token.i) - 1
    return sentences[max(index, 0)]


def _doc_text(doc: Doc) -> str:
    """The document's text. Doc.text joins every token on each call, so it is kept in ``Doc.user_data``."""
    text = doc.user_data.get("eventwatch.text")
    if text is None:
        text = doc.user_data["eventwatch.text"] = doc.text
    return text
