"""The layout pass: headline, dateline and body of a text, kept apart before it is parsed.

A headline on the first line ("Court jails protest leaders") is its own sentence, so it does not run
into the lead ("Court jails protest leaders The court in Bamako jailed ...") and give the same event
twice with different actors. A dateline ("GAO, Mali (Reuters) -", "BAMAKO -") is context, not text to
code: its place and agency are kept for the registry (the document's focus country). The title given
with the input (``Document.title``) is kept as context too. Paragraph breaks (blank lines) always end a
sentence. Direct quotes are paired here, once per document, for attribution.

All of it is found on the raw text, before parsing: the parse pass starts a sentence at each of
``Layout.boundaries``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import ClassVar

from eventwatch.coding.attribution import Quotes, find_quotes
from eventwatch.coding.grammar import RUN_ON_WORDS
from eventwatch.coding.state import DocumentState

# "KYIV, Ukraine (AP) —", "MOSCOW --", "WASHINGTON, Jan 27 (Reuters) -", "ST. PETERSBURG, Russia —"
_DATELINE_RE = re.compile(
    r"\s*(?P<city>[A-Z][A-Z.'’ ]*[A-Z.])"
    r"(?P<rest>(?:\s*,\s*[^,()\n—–]{1,30}?){0,2})"
    r"\s*(?:\((?P<agency>[^)\n]{1,40})\))?\s*(?:—|–|--|-)\s"
)
_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n\s*")
_DATELINE_LINES = 3  # a dateline opens one of the first three non-empty lines (a title or byline may come first)
_HEADLINE_MAX_CHARS = 200
_HEADLINE_MAX_WORDS = 25
_HEADLINE_END = ".,;:"  # a first line ending like this is a sentence, not a headline
_LONG_LINE = 120  # a line this long is a paragraph, so the text is not hard-wrapped


@dataclass(frozen=True, slots=True)
class Dateline:
    start: int
    end: int
    city: str
    area: tuple[str, ...]  # "Mali" in "GAO, Mali (Reuters) -"; a date there is harmless to the gazetteer
    agency: str | None


@dataclass(frozen=True, slots=True)
class Layout:
    headline: tuple[int, int] | None  # character span of a headline inside the text
    title: str | None  # the title given with the input (not part of the text)
    dateline: Dateline | None
    body_start: int
    boundaries: tuple[int, ...]  # character offsets where a sentence must start
    quotes: Quotes

    def in_dateline(self, start: int, end: int) -> bool:
        """Whether the character span lies inside the dateline (context, not text to code)."""
        return self.dateline is not None and self.dateline.start <= start and end <= self.dateline.end + 1


class LayoutPass:
    name: ClassVar[str] = "layout"
    reads: ClassVar[tuple[str, ...]] = ("document",)
    writes: ClassVar[tuple[str, ...]] = ("day", "layout")

    def __call__(self, state: DocumentState) -> DocumentState:
        document = state.document
        state.day = to_date(document.date)
        state.layout = layout = find_layout(document.text, document.title)
        if layout.headline:
            state.note(self.name, "headline", "its own sentence", span=layout.headline)
        if layout.dateline:
            line = layout.dateline
            where = ", ".join([line.city, *line.area])
            state.note(self.name, "dateline", f"{where}" + (f" ({line.agency})" if line.agency else ""),
                       span=(line.start, line.end))  # fmt: skip
        if document.title:
            state.note(self.name, "title", document.title)
        return state


def to_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def find_layout(text: str, title: str | None = None) -> Layout:
    headline = _headline(text, title)
    dateline = _dateline(text)
    boundaries = []
    if headline is not None:
        boundaries.append(_next_text(text, headline[1]))
    body_start = 0
    if dateline is not None:
        body_start = _next_text(text, dateline.end)
        boundaries += [dateline.start, body_start]
    elif headline is not None:
        body_start = boundaries[0]
    boundaries += [m.end() for m in _BLANK_LINE_RE.finditer(text)]
    inside = sorted({b for b in boundaries if 0 < b < len(text)})
    return Layout(headline, title, dateline, body_start, tuple(inside), Quotes(text, find_quotes(text)))


def _next_text(text: str, offset: int) -> int:
    while offset < len(text) and text[offset].isspace():
        offset += 1
    return offset


def _lines(text: str, limit: int) -> list[tuple[int, str]]:
    """The first ``limit`` non-empty lines with their start offsets."""
    found, start = [], 0
    while start < len(text) and len(found) < limit:
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        if text[start:end].strip():
            found.append((start, text[start:end]))
        start = end + 1
    return found


def _headline(text: str, title: str | None) -> tuple[int, int] | None:
    """The first line, when it reads as a headline: short, not ending like a sentence, set apart."""
    lines = _lines(text, 2)
    if len(lines) < 2:
        return None
    (start, line), (next_start, next_line) = lines
    stripped = line.strip()
    if title and stripped == title.strip():
        return start, start + len(line.rstrip())
    words = stripped.split()
    if not (2 <= len(words) <= _HEADLINE_MAX_WORDS and len(stripped) <= _HEADLINE_MAX_CHARS):
        return None
    if stripped[-1] in _HEADLINE_END or words[-1].lower() in RUN_ON_WORDS or _DATELINE_RE.match(line):
        return None
    first = next_line.lstrip()[:1]
    if not (first.isupper() or first.isdigit() or first in "“\"'‘"):
        return None
    set_apart = text[start + len(line) : next_start].count("\n") >= 2  # a blank line between
    if not (set_apart or _DATELINE_RE.match(next_line) or len(next_line) > _LONG_LINE):
        return None  # hard-wrapped text: the first line is part of a sentence
    return start, start + len(line.rstrip())


def _dateline(text: str) -> Dateline | None:
    for start, line in _lines(text[:2000], _DATELINE_LINES):
        match = _DATELINE_RE.match(line[:200])
        if match is None:
            continue
        parts = tuple(p.strip() for p in match.group("rest").split(",") if p.strip())
        agency = match.group("agency")
        return Dateline(start + match.start("city"), start + match.end(), match.group("city").strip(), parts,
                        agency.strip() if agency else None)  # fmt: skip
    return None
