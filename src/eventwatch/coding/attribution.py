"""Who says so: the reporting source of a sentence and the direct quote in it.

``find_attribution`` returns ``(source text, quote text)``. Sources come from two constructions:

* a reporting verb with a subject: "the AP reported", "Interfax said", "X told reporters";
* a source marker with its object: "according to Reuters", "per the BBC", "citing officials".

When a sentence has several, a news outlet or generic media source ("state media") wins, then the one
highest in the parse tree (the outer report: in "Blinken said ..., the AP reported" the AP reports
Blinken). Verbs inside a direct quote do not count: their subject is the quoted speaker's wording.

Quotes are paired per paragraph of the document, once per document (``find_quotes``, called by the
layout pass), so a quote that spaCy splits over two sentences is still found whole. The vocabulary is
in ``data/attribution.yaml``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import yaml
from spacy.tokens import Span, Token

from eventwatch.coding.grammar import MARKER_OBJECT_DEPS, PARTY_ENTITIES, QUOTE_END_PUNCT, SOURCE_TRIM_DEPS

# A quoted span is a direct quote, not a scare quote ('a so-called "special operation"'), when it has
# at least this many words or ends with punctuation inside the quote marks.
_MIN_QUOTE_WORDS = 3


@dataclass(frozen=True, slots=True)
class AttributionWords:
    reporting_verbs: frozenset[str]
    markers: tuple[tuple[tuple[str, ...], bool], ...]  # marker words -> needs a named source
    outlets: frozenset[str]  # casefolded
    media_nouns: frozenset[str]  # casefolded


def load_attribution_words(path: str | Path) -> AttributionWords:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
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
    return len(inner.split()) >= _MIN_QUOTE_WORDS or inner[-1:] in QUOTE_END_PUNCT


def find_quotes(text: str) -> tuple[tuple[int, int], ...]:
    """Character spans of the direct quotes of a whole text, paired paragraph by paragraph, in order."""
    found: list[tuple[int, int]] = []
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        found += [(s, e) for s, e in _pair_quotes(text, start, end) if _is_direct_quote(text[s + 1 : e].strip('“”"'))]
        start = end + 1
    return tuple(found)


class Quotes:
    """The direct quotes of a document (from ``find_quotes``), for look-ups by sentence."""

    __slots__ = ("text", "spans", "_ends")

    def __init__(self, text: str, spans: tuple[tuple[int, int], ...]):
        self.text = text
        self.spans = spans
        self._ends = [e for _, e in spans]

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        """The quotes that overlap the character span [start, end)."""
        found = []
        for i in range(bisect.bisect_right(self._ends, start), len(self.spans)):
            s, e = self.spans[i]
            if s >= end:
                break
            found.append((s, e))
        return found

    def inside(self, sentence: Span) -> list[tuple[int, int]]:
        return self.overlapping(sentence.start_char, sentence.end_char)

    def quote_text(self, sentence: Span) -> str | None:
        """The direct quote(s) in the sentence, without quote marks; several are joined with " ... "."""
        parts = [self.text[s:e].strip('“”"').strip().rstrip(",").strip() for s, e in self.inside(sentence)]
        parts = [p for p in parts if p]
        return " ... ".join(parts) if parts else None


class SentenceLookup(Protocol):
    def at(self, token_index: int) -> Span: ...


def _inside(token: Token, spans: Iterable[tuple[int, int]]) -> bool:
    return any(s <= token.idx < e for s, e in spans)


# --- sources -------------------------------------------------------------------------------------


def _phrase(head: Token) -> Span:
    """The noun phrase headed by ``head`` without appositions, relative clauses or edge punctuation."""
    dropped: set[int] = set()
    for child in head.children:
        if child.dep_ in SOURCE_TRIM_DEPS:
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


def _entity_texts(phrase: Span) -> list[str]:
    """The texts of the named entities inside a phrase, from its tokens (``Span.ents`` walks the whole
    document's entities on every call, which is quadratic over a long document)."""
    found: list[list[Token]] = []
    for token in phrase:
        if token.ent_iob_ == "B" or (token.ent_iob_ == "I" and not found):
            found.append([token])
        elif token.ent_iob_ == "I":
            found[-1].append(token)
    return [phrase.doc[ts[0].i : ts[-1].i + 1].text for ts in found]


def _is_named(phrase: Span) -> bool:
    return phrase.root.pos_ == "PROPN" or phrase.root.ent_type_ in PARTY_ENTITIES


class AttributionFinder:
    """Who reports a sentence, and the direct quote in it. Built once from the attribution words."""

    def __init__(self, words: AttributionWords):
        self.words = words

    def find(self, sentence: Span, quotes: Quotes, sentences: SentenceLookup) -> tuple[str | None, str | None]:
        """(reporting source, direct quote) of the sentence; either may be None.

        A sentence inside a quote that spaCy split over several sentences is attributed to the quote's
        speaker even when the speech verb is in another sentence (``sentences`` finds it).
        """
        found = self.sources(sentence, quotes)
        source = found[0].phrase.text if found else self.quote_speaker(sentence, quotes, sentences)
        return source, quotes.quote_text(sentence)

    def is_media(self, phrase: Span) -> bool:
        """Whether the phrase names a news outlet ("the AP", "Reuters") or generic media ("state media")."""
        words = self.words
        key = _outlet_key(phrase.text)
        if key in words.outlets or any(_outlet_key(name) in words.outlets for name in _entity_texts(phrase)):
            return True
        return phrase.root.text.casefold() in words.media_nouns or phrase.root.lemma_.casefold() in words.media_nouns

    def sources(self, sentence: Span, quotes: Quotes) -> list[Source]:
        """All candidate sources in the sentence, best first (media, then outermost, then leftmost)."""
        inside = quotes.inside(sentence)
        found = self._verb_sources(sentence, inside) + self._marker_sources(sentence, inside)
        return sorted(found, key=lambda s: (not self.is_media(s.phrase), s.depth, s.cue.i))

    def quote_speaker(self, sentence: Span, quotes: Quotes, sentences: SentenceLookup) -> str | None:
        """The speaker of the sentence's direct quote: the subject of the speech verb outside the quote
        nearest to it ('"...," Secretary of State Antony Blinken said' -> "Secretary of State Antony
        Blinken"; '"...," he said' -> "he"), or the object of "according to". When the quote runs into
        another sentence, that sentence's speech verb counts too. None without a quote or a speaker."""
        inside = quotes.inside(sentence)
        if not inside:
            return None
        for candidate in [sentence, *_other_quote_sentences(sentence, inside, sentences)]:
            speaker = self._nearest_speaker(candidate, inside)
            if speaker is not None:
                return speaker
        return None

    def _verb_sources(self, sentence: Span, quotes: Sequence[tuple[int, int]]) -> list[Source]:
        verbs = self.words.reporting_verbs
        found = []
        for tok in sentence:
            if tok.pos_ != "VERB" or tok.lemma_.lower() not in verbs or _inside(tok, quotes):
                continue
            for child in tok.children:
                if child.dep_ == "nsubj" and not _inside(child, quotes):
                    found.append(Source(_phrase(child), tok))
        return found

    def _marker_sources(self, sentence: Span, quotes: Sequence[tuple[int, int]]) -> list[Source]:
        found = []
        tokens = list(sentence)
        lowered = [t.lower_ for t in tokens]
        present = set(lowered)
        for marker, named in self.words.markers:
            if marker[0] not in present:
                continue
            n = len(marker)
            for i in range(len(tokens) - n + 1):
                if tuple(lowered[i : i + n]) != marker or _inside(tokens[i], quotes):
                    continue
                last = tokens[i + n - 1]
                obj = next((c for c in last.children if c.dep_ in MARKER_OBJECT_DEPS), None)
                if obj is None:
                    continue
                phrase = _phrase(obj)
                if named and not (self.is_media(phrase) or _is_named(phrase)):
                    continue
                found.append(Source(phrase, tokens[i]))
        return found

    def _nearest_speaker(self, sentence: Span, quotes: Sequence[tuple[int, int]]) -> str | None:
        candidates = self._verb_sources(sentence, quotes) + self._marker_sources(sentence, quotes)
        if not candidates:
            return None

        def distance(source: Source) -> int:
            idx = source.cue.idx
            return min(s - idx if idx < s else idx - e for s, e in quotes)

        return min(candidates, key=distance).phrase.text


def _other_quote_sentences(
    sentence: Span, quotes: Sequence[tuple[int, int]], sentences: SentenceLookup
) -> list[Span]:
    """Sentences holding the end, then the start, of quotes that run beyond ``sentence``."""
    doc = sentence.doc
    found: list[Span] = []
    for start, end in quotes:
        for pos in (end - 1, start):
            span = doc.char_span(pos, pos + 1, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            other = sentences.at(span[0].i)
            if other.start != sentence.start and all(other.start != f.start for f in found):
                found.append(other)
    return found
