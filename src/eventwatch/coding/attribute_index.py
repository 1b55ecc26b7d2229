"""A faster ``match`` for spaCy's attribute_ruler, with the same matches.

The English pipeline's attribute_ruler (tag -> POS and morphology, and a few lemma exceptions) runs
spaCy's Matcher, which tries every one of its ~180 patterns on every token: about 12% of the whole
parse of short news texts. Its patterns are simple - fixed-length token sequences testing TAG, LOWER,
DEP or IS_SPACE for equality, set membership or a regular expression - so indexing them by the tag or
the lowercase form of their first token leaves a handful of candidates per token. The ruler's own
``set_annotations`` then applies the matches, so the annotations are spaCy's.

A ruler with patterns outside that subset (operators, other attributes) keeps spaCy's matcher.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.language import Language
from spacy.tokens import Doc

_ATTRS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}  # column of doc.to_array(COLUMNS)
COLUMNS = [TAG, LOWER, DEP, IS_SPACE]
Check = Callable[[tuple[int, ...]], bool]


class Unsupported(ValueError):
    pass


def _value_check(column: int, value: Any, strings: Any) -> Check:
    """A test of one attribute of one token (as a row of hashes from COLUMNS) against a pattern value."""
    if column == _ATTRS["IS_SPACE"]:
        if not isinstance(value, bool):
            raise Unsupported(value)
        return lambda row: bool(row[column]) == value
    if isinstance(value, str):
        wanted = strings.add(value)
        return lambda row: row[column] == wanted
    if isinstance(value, dict) and len(value) == 1:
        (op, arg), = value.items()
        if op in ("IN", "NOT_IN"):
            members = {strings.add(v) for v in arg}
            return (lambda row: row[column] in members) if op == "IN" else (lambda row: row[column] not in members)
        if op == "REGEX":
            pattern = re.compile(arg)
            return lambda row: pattern.search(strings[row[column]]) is not None
    raise Unsupported(value)


def _token_check(spec: dict[str, Any], strings: Any) -> Check:
    unknown = set(spec) - set(_ATTRS)
    if unknown:
        raise Unsupported(unknown)
    checks = [_value_check(_ATTRS[key], value, strings) for key, value in spec.items()]
    return lambda row: all(check(row) for check in checks)


def _index_values(spec: dict[str, Any], key: str) -> list[str] | None:
    value = spec.get(key)
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and set(value) == {"IN"}:
        return list(value["IN"])
    return None


def _anchor(pattern: list[dict[str, Any]]) -> tuple[int, str, list[str]] | None:
    """A token of the pattern that must have one of a few values: (offset, attribute, values)."""
    for offset, spec in enumerate(pattern):
        for name in ("LOWER", "TAG", "DEP"):
            values = _index_values(spec, name)
            if values is not None:
                return offset, name, values
    return None


class IndexedMatcher:
    """Replaces ``AttributeRuler.match``: the same (attr_id, match_id, start, end) matches, sorted.

    Every pattern is filed under one (attribute, value) that a token of it must have (TAG "VBZ", LOWER
    "gon"), so a token is only tried against patterns filed under its own tag, form or dependency.
    One-token patterns depend on nothing but the token's (tag, lower, dep, is_space), so their matches
    are also remembered per such combination.
    """

    def __init__(self, ruler: Any, strings: Any) -> None:
        # For one-token and for longer patterns: (column, value hash) -> [(attr_id, match key, token
        # checks, offset of the filed token)], and the patterns with no such token, tried everywhere.
        self.single, self.longer = _PatternIndex(), _PatternIndex()
        for key in ruler.matcher._patterns:
            attr_id = int(strings[key])
            _, patterns = ruler.matcher.get(key)
            for pattern in patterns:
                if any("OP" in spec for spec in pattern):
                    raise Unsupported("OP")
                checks = [_token_check(spec, strings) for spec in pattern]
                (self.single if len(checks) == 1 else self.longer).add(pattern, (attr_id, key, checks), strings)
        self._singles: dict[tuple[int, ...], list[tuple[int, int]]] = {}

    def _single_matches(self, row: tuple[int, ...]) -> list[tuple[int, int]]:
        found = self._singles.get(row)
        if found is None:
            if len(self._singles) > 100_000:  # bounded: a long-running process keeps meeting new words
                self._singles.clear()
            found = [(a, k) for a, k, checks, _ in self.single.candidates(row) if checks[0](row)]
            self._singles[row] = found
        return found

    def __call__(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        rows = [tuple(row) for row in doc.to_array(COLUMNS).tolist()]
        found = []
        for start, row in enumerate(rows):
            found += [(attr_id, key, start, start + 1) for attr_id, key in self._single_matches(row)]
            for attr_id, key, checks, offset in self.longer.candidates(row):
                begin = start - offset
                end = begin + len(checks)
                fits = begin >= 0 and end <= len(rows)
                if fits and all(check(rows[begin + i]) for i, check in enumerate(checks)):
                    found.append((attr_id, key, begin, end))
        return sorted(set(found))


class _PatternIndex:
    def __init__(self) -> None:
        self.filed: dict[tuple[int, int], list[tuple]] = defaultdict(list)
        self.unfiled: list[tuple] = []
        self.columns: list[int] = []

    def add(self, pattern: list[dict[str, Any]], entry: tuple, strings: Any) -> None:
        anchor = _anchor(pattern)
        if anchor is None:
            self.unfiled.append((*entry, 0))
            return
        offset, name, values = anchor
        for value in dict.fromkeys(values):
            self.filed[(_ATTRS[name], strings.add(value))].append((*entry, offset))
        self.columns = sorted({column for column, _ in self.filed})

    def candidates(self, row: tuple[int, ...]) -> list[tuple]:
        return [e for c in self.columns for e in self.filed.get((c, row[c]), ())] + self.unfiled


def index_attribute_ruler(nlp: Language) -> None:
    """Give the pipeline's attribute_ruler the indexed matcher, when its patterns allow it."""
    if "attribute_ruler" not in nlp.pipe_names:
        return
    ruler = nlp.get_pipe("attribute_ruler")
    try:
        ruler.match = IndexedMatcher(ruler, nlp.vocab.strings)
    except Unsupported:
        return
