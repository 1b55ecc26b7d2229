"""When did it happen: the time expression attached to an event's trigger, resolved against the document date.

``DateFinder.event_date`` returns ``(ISO date, precision)``. A period coarser than a day is represented by
its first day, so every date is a plain ``YYYY-MM-DD`` that sorts and parses the same way:

* ``weekend`` -> the Saturday of that weekend ("last weekend", "over the weekend")
* ``week``  -> the Monday of that (ISO) week ("this week", "last week", "two weeks ago")
* ``month`` -> the 1st of that month ("in March", "last month")
* ``year``  -> 1 January of that year ("in 2019", "last year")

The precision says how much of the date to trust. With no time expression the event gets the document
date (precision ``document``), or nothing (``unknown``) when the document is undated; so does "this
month" or "this year", which hold the document date and say no more (their first day would claim a date
the text does not give).

Absolute dates are parsed by hand (month names from :mod:`calendar`) rather than with ``dateparser``:
the expressions in news are few and regular, and a hand parser is fast, offline and predictable about
year inference. Relative words ("yesterday", "last", "ago") live in ``data/dates.yaml``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from spacy.tokens import Span, Token

from eventwatch.coding.grammar import (
    AUX_DEPS,
    DAY_SUFFIXES,
    NOUN_DATE_DEPS,
    SHARED_CLAUSE_DEPS,
    TIME_ENTITIES,
    VERBAL_POS,
)

DAY, WEEKEND, WEEK, MONTH, YEAR = "day", "weekend", "week", "month", "year"
DOCUMENT, UNKNOWN = "document", "unknown"

_ISO_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_ORDINAL_DAY_RE = re.compile(r"(?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)")
_DECADE_RE = re.compile(r"\b\d{3}0s\b")
_WORD_RE = re.compile(r"\d+|[a-z]+(?:'[a-z]+)?")
_UNITS = {
    "day": DAY,
    "days": DAY,
    "week": WEEK,
    "weeks": WEEK,
    "month": MONTH,
    "months": MONTH,
    "year": YEAR,
    "years": YEAR,
}


@dataclass(frozen=True, slots=True)
class DateWords:
    """The relative-time vocabulary from ``data/dates.yaml``."""

    relative_days: tuple[tuple[tuple[str, ...], int], ...]  # phrase words -> day offset, longest first
    shifts: dict[str, int]
    numbers: dict[str, int]
    ago_words: frozenset[str]
    future_auxiliaries: frozenset[str]
    ignored_prepositions: frozenset[str]
    day_ordinal_prepositions: frozenset[str]
    time_nouns: frozenset[str]
    lookahead_days: int


def load_date_words(path: str | Path) -> DateWords:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    phrases = sorted(
        ((tuple(str(k).lower().split()), int(v)) for k, v in raw["relative_days"].items()),
        key=lambda item: -len(item[0]),
    )
    return DateWords(
        relative_days=tuple(phrases),
        shifts={str(k).lower(): int(v) for k, v in raw["shifts"].items()},
        numbers={str(k).lower(): int(v) for k, v in raw["numbers"].items()},
        ago_words=frozenset(str(w).lower() for w in raw["ago_words"]),
        future_auxiliaries=frozenset(str(w).lower() for w in raw["future_auxiliaries"]),
        ignored_prepositions=frozenset(str(w).lower() for w in raw["ignored_prepositions"]),
        day_ordinal_prepositions=frozenset(str(w).lower() for w in raw["day_ordinal_prepositions"]),
        time_nouns=frozenset(str(w).lower() for w in raw["time_nouns"]),
        lookahead_days=int(raw["lookahead_days"]),
    )


def _weekday_names() -> dict[str, int]:
    # Full names and the usual abbreviations ("Wed", "Thurs") -> Monday=0 ... Sunday=6.
    names: dict[str, int] = {}
    for i, name in enumerate(calendar.day_name):
        low = name.lower()
        names[low] = i
        names[low[:3]] = i
    names["tues"] = 1
    names["thur"] = names["thurs"] = 3
    return names


WEEKDAYS = _weekday_names()
FULL_WEEKDAYS = frozenset(name.lower() for name in calendar.day_name)


def _weekday(word: str) -> int | None:
    return WEEKDAYS.get(word)


def _month(word: str) -> int | None:
    """Month number for a full or abbreviated month name ("jan", "sept", "september")."""
    if len(word) < 3:
        return None
    for i in range(1, 13):
        if calendar.month_name[i].lower().startswith(word):
            return i
    return None


# --- calendar arithmetic -------------------------------------------------------------------------


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _add_months(day: dt.date, months: int) -> dt.date:
    """First day of the month ``months`` away from ``day``'s month."""
    index = day.year * 12 + (day.month - 1) + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# --- parsing one time expression -----------------------------------------------------------------


def resolve_expression(
    text: str, doc_date: dt.date | None, words: DateWords, future: bool = False
) -> tuple[dt.date, str] | None:
    """Resolve one time expression ("on Wednesday", "Jan. 5, 2022", "last week") to (date, precision).

    ``future`` says the event is announced rather than reported, so an undated weekday or month means
    the coming one rather than the last one. Returns None when the text names no resolvable time.
    """
    low = text.lower()
    iso = _ISO_RE.search(low)
    if iso:
        day = _safe_date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        return (day, DAY) if day else None
    if _DECADE_RE.search(low):
        return None  # "the 1990s": a period, not an event date
    found_words = _WORD_RE.findall(low)
    for resolver in (
        _resolve_ago,
        _resolve_absolute,
        _resolve_day_of_month,
        _resolve_relative_day,
        _resolve_weekday,
        _resolve_weekend,
        _resolve_period,
    ):
        found = resolver(found_words, doc_date, future, words)
        if found is not None:
            return found
    return None


def _resolve_ago(
    words: list[str], doc_date: dt.date | None, future: bool, vocab: DateWords
) -> tuple[dt.date, str] | None:
    # "three days ago", "a week ago"
    if doc_date is None or not vocab.ago_words.intersection(words):
        return None
    for i, word in enumerate(words):
        unit = _UNITS.get(word)
        if unit is None or i == 0:
            continue
        prev = words[i - 1]
        count = int(prev) if prev.isdigit() else vocab.numbers.get(prev)
        if count is None:
            continue
        if unit == DAY:
            return doc_date - dt.timedelta(days=count), DAY
        if unit == WEEK:
            return _monday(doc_date - dt.timedelta(weeks=count)), WEEK
        if unit == MONTH:
            return _add_months(doc_date, -count), MONTH
        return dt.date(doc_date.year - count, 1, 1), YEAR
    return None


def _shift_before(words: list[str], index: int, vocab: DateWords) -> int | None:
    """The shift word ("last", "this", "next") just before ``words[index]``, if any."""
    for j in range(index - 1, max(index - 3, -1), -1):
        if words[j] in vocab.shifts:
            return vocab.shifts[words[j]]
    return None


def _resolve_absolute(
    words: list[str], doc_date: dt.date | None, future: bool, vocab: DateWords
) -> tuple[dt.date, str] | None:
    # "January 5", "5 January", "Jan. 5, 2022", "5th of January", "March 2019", "in March", "in 2019"
    years = [int(w) for w in words if len(w) == 4 and w.isdigit() and 1800 <= int(w) <= 2199]
    year = years[0] if years else None
    month_at = next((i for i, w in enumerate(words) if _month(w) is not None), None)
    if month_at is None:
        return (dt.date(year, 1, 1), YEAR) if year is not None else None
    month = _month(words[month_at])
    assert month is not None
    day_num = _day_near(words, month_at)
    if day_num is not None:
        if year is not None:
            day = _safe_date(year, month, day_num)
            return (day, DAY) if day else None
        if doc_date is None:
            return None
        day = _infer_year(month, day_num, doc_date, future, vocab.lookahead_days)
        return (day, DAY) if day else None
    if year is not None:
        return dt.date(year, month, 1), MONTH
    if doc_date is None:
        return None
    shift = _shift_before(words, month_at, vocab)
    first = dt.date(doc_date.year, month, 1)
    this_month = dt.date(doc_date.year, doc_date.month, 1)
    if shift == 1 or (future and shift is None):
        # the coming one: this month counts only when not explicitly "next"
        if first < this_month or (shift == 1 and first == this_month):
            first = dt.date(first.year + 1, month, 1)
    elif first > this_month or (shift == -1 and first == this_month):
        first = dt.date(first.year - 1, month, 1)
    return first, MONTH


def _day_near(words: list[str], month_at: int) -> int | None:
    """A day-of-month number right after ("January 5") or before ("5 January", "5th of January")."""
    after = words[month_at + 1] if month_at + 1 < len(words) else ""
    if after.isdigit() and len(after) <= 2 and 1 <= int(after) <= 31:
        return int(after)
    for back in (1, 2, 3):
        j = month_at - back
        if j < 0:
            break
        word = words[j]
        if word.isdigit():
            return int(word) if len(word) <= 2 and 1 <= int(word) <= 31 else None
        if word not in DAY_SUFFIXES:
            break
    return None


ORDINAL_SUFFIXES = DAY_SUFFIXES - {"of", "the"}  # "16th": the tokenizer of expressions splits off the suffix


def _resolve_day_of_month(
    words: list[str], doc_date: dt.date | None, future: bool, vocab: DateWords
) -> tuple[dt.date, str] | None:
    # "on the 16th", "the 3rd of this month": a day of the document's month (of the month before, for a
    # reported day past the document date; of the month after, for an announced day before it)
    if doc_date is None:
        return None
    for i, word in enumerate(words[:-1]):
        ordinal = words[i + 1] in ORDINAL_SUFFIXES
        ends = i + 2 == len(words) or words[i + 2] == "of"
        if not (word.isdigit() and len(word) <= 2 and ordinal and ends):
            continue
        day_num = int(word)
        day = _safe_date(doc_date.year, doc_date.month, day_num)
        if future and (day is None or day < doc_date):
            following = _add_months(doc_date, 1)
            day = _safe_date(following.year, following.month, day_num)
        elif not future and (day is None or day > doc_date + dt.timedelta(days=vocab.lookahead_days)):
            previous = _add_months(doc_date, -1)
            day = _safe_date(previous.year, previous.month, day_num)
        return (day, DAY) if day else None
    return None


def _infer_year(month: int, day_num: int, doc_date: dt.date, future: bool, lookahead: int) -> dt.date | None:
    """The year of an undated month/day: the most recent such date not after the document date plus
    ``lookahead`` days (or, for an announced event, the next one on or after the document date)."""
    day = _safe_date(doc_date.year, month, day_num)
    if day is None:
        return None
    if future:
        return day if day >= doc_date else _safe_date(doc_date.year + 1, month, day_num)
    if day > doc_date + dt.timedelta(days=lookahead):
        return _safe_date(doc_date.year - 1, month, day_num)
    return day


def _resolve_relative_day(
    words: list[str], doc_date: dt.date | None, future: bool, vocab: DateWords
) -> tuple[dt.date, str] | None:
    # "yesterday", "today", "last night"
    if doc_date is None:
        return None
    for phrase, offset in vocab.relative_days:
        n = len(phrase)
        if any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1)):
            return doc_date + dt.timedelta(days=offset), DAY
    return None


def _resolve_weekday(
    words: list[str], doc_date: dt.date | None, future: bool, vocab: DateWords
) -> tuple[dt.date, str] | None:
    # "on Wednesday", "last Monday", "next Friday". Unmarked, a weekday in a report is the most recent
    # one on or before the document date (the document's own weekday means that very day); in an
    # announcement ("will meet on Friday") it is the next one on or after it.
    if doc_date is None:
        return None
    for i, word in enumerate(words):
        target = _weekday(word)
        if target is None:
            continue
        shift = _shift_before(words, i, vocab)
        back = (doc_date.weekday() - target) % 7
        ahead = (target - doc_date.weekday()) % 7
        if shift == -1:
            return doc_date - dt.timedelta(days=back or 7), DAY
        if shift == 1:
            return doc_date + dt.timedelta(days=ahead or 7), DAY
        if future:
            return doc_date + dt.timedelta(days=ahead), DAY
        return doc_date - dt.timedelta(days=back), DAY
    return None


def _resolve_period(
    words: list[str], doc_date: dt.date | None, future: bool, vocab: DateWords
) -> tuple[dt.date, str] | None:
    # "this week", "last month", "next year", "earlier this week"
    if doc_date is None:
        return None
    for i, word in enumerate(words):
        unit = _UNITS.get(word)
        if unit is None or unit == DAY:
            continue
        shift = _shift_before(words, i, vocab)
        if shift is None:
            continue
        if unit == WEEK:
            return _monday(doc_date) + dt.timedelta(weeks=shift), WEEK
        if unit == MONTH:  # "last month", "earlier this month": that month, at month precision
            return _add_months(doc_date, shift), MONTH
        if shift == 0:
            return doc_date, DOCUMENT  # "this year": no more than the document date (1 January would be history)
        return dt.date(doc_date.year + shift, 1, 1), YEAR
    return None


def _resolve_weekend(
    words: list[str], doc_date: dt.date | None, future: bool, vocab: DateWords
) -> tuple[dt.date, str] | None:
    # "over the weekend", "last weekend", "this weekend": the weekend's Saturday, at weekend precision
    # (saying which of its two days would claim more than the text does).
    if doc_date is None or "weekend" not in words:
        return None
    shift = _shift_before(words, words.index("weekend"), vocab)
    saturday = doc_date - dt.timedelta(days=(doc_date.weekday() - 5) % 7)  # on or before
    if shift == 1 or (future and shift != -1 and doc_date.weekday() < 5):
        saturday += dt.timedelta(weeks=1)  # the coming one
    elif shift == -1 and doc_date.weekday() >= 5:
        saturday -= dt.timedelta(weeks=1)  # "last weekend", said during a weekend
    return saturday, WEEKEND


# --- finding the time expression of an event ---------------------------------------------------


class DateFinder:
    """The date of an event: the time expression attached to its trigger, resolved against the document
    date. Built once from the date words."""

    def __init__(self, words: DateWords):
        self.words = words
        self.single_words = frozenset(p[0] for p, _ in words.relative_days if len(p) == 1)

    def event_date(
        self, sentence: Span, entities: list[Span], trigger: Token, doc_date: dt.date | None
    ) -> tuple[str | None, str]:
        """The event's date as (ISO ``YYYY-MM-DD``, precision); ``entities`` are the sentence's."""
        return self.date_of(self.time_expressions(sentence, entities), trigger, doc_date)

    def date_of(self, expressions: list[Span], trigger: Token, doc_date: dt.date | None) -> tuple[str | None, str]:
        """The date of the trigger's event among a sentence's time expressions (``time_expressions``)."""
        future = self.is_future(trigger)
        span = self.dating_expression(expressions, trigger, doc_date, future)
        if span is None:
            return self.undated(doc_date)
        found = resolve_expression(span.text, doc_date, self.words, future)
        assert found is not None
        return found[0].isoformat(), found[1]

    def dating_expression(
        self, expressions: list[Span], trigger: Token, doc_date: dt.date | None, future: bool
    ) -> Span | None:
        """The time expression that dates the trigger's event: attached to it first, then the nearest one
        that resolves (``future``: an announced act, whose undated weekday is the coming one)."""
        for span in _ranked(expressions, trigger):
            if self._ignored(span) or _elsewhere(span, trigger) or self._dates_a_noun(span, trigger):
                continue
            if resolve_expression(span.text, doc_date, self.words, future) is not None:
                return span
        return None

    @staticmethod
    def undated(doc_date: dt.date | None) -> tuple[str | None, str]:
        """An act no expression dates: the document date, or nothing for an undated document."""
        return (doc_date.isoformat(), DOCUMENT) if doc_date is not None else (None, UNKNOWN)

    def is_future(self, trigger: Token) -> bool:
        """Whether the trigger is announced ("will meet", "will try to meet") rather than reported."""
        future = self.words.future_auxiliaries
        token = trigger
        for _ in range(len(trigger.doc)):
            if any(c.dep_ in AUX_DEPS and c.lower_ in future for c in token.children):
                return True
            if token.dep_ not in SHARED_CLAUSE_DEPS or token.head.i == token.i:
                return False
            token = token.head
        return False

    def _dates_a_noun(self, span: Span, trigger: Token) -> bool:
        """'Saturday's protest', 'the March 16 attack': a date that modifies a noun dates that noun's event,
        not the verb above it ("condemned the March 16 attack" was not condemned on 16 March)."""
        root = span.root
        noun = root.head
        bound = noun.head.dep_ == "prep" and noun.head.lower_ in self.words.ignored_prepositions
        return (
            root.dep_ in NOUN_DATE_DEPS
            and noun.pos_ == "NOUN"  # not a name: "on Monday Lavrov said" is a parse of two phrases as one
            and not bound  # "since the 2016 coup" still says when the act's period began
            and noun != trigger
            and noun.ent_type_ not in TIME_ENTITIES
            and noun.lemma_.lower() not in self.words.time_nouns
        )

    def _ignored(self, span: Span) -> bool:
        # "since 2014", "until Friday": a bound of a period, not the date of this event
        ignored = self.words.ignored_prepositions
        head = span.root.head
        governed = head.dep_ == "prep" and head.lower_ in ignored
        return governed or span[0].lower_ in ignored

    def _day_ordinal(self, token: Token) -> bool:
        """'on the 16th': an ordinal the tagger does not take for a date, as the object of a day preposition."""
        head = token.head
        return (
            _ORDINAL_DAY_RE.fullmatch(token.lower_) is not None
            and token.dep_ == "pobj"
            and head.lower_ in self.words.day_ordinal_prepositions
        )

    def time_expressions(self, sentence: Span, entities: list[Span]) -> list[Span]:
        """DATE/TIME entities, plus weekday and relative-day words the tagger left out of any entity."""
        spans = [e for e in entities if e.label_ in TIME_ENTITIES]
        doc = sentence.doc
        for tok in sentence:
            if tok.ent_type_ in TIME_ENTITIES:
                continue
            if self._day_ordinal(tok):
                spans.append(doc[tok.i : tok.i + 1])
                continue
            full_weekday = tok.is_title and tok.lower_ in FULL_WEEKDAYS
            if full_weekday or tok.lower_ in self.single_words:
                shifted = tok.i > sentence.start and doc[tok.i - 1].lower_ in self.words.shifts
                spans.append(doc[tok.i - 1 if shifted else tok.i : tok.i + 1])
        return spans


def _path_to_verb(span: Span) -> list[Token]:
    """The words from the expression's head up to the first verb above it (the verb left out)."""
    path = []
    token = span.root
    while token.head.i != token.i and token.head.pos_ not in VERBAL_POS:
        token = token.head
        path.append(token)
    return path


def _attached(span: Span, trigger: Token) -> bool:
    """Whether the expression modifies the trigger itself, not another verb of the sentence."""
    token = span.root
    while token.head.i != token.i:
        token = token.head
        if token == trigger:
            return True
        if token.pos_ in VERBAL_POS:
            return False
    return False


def _elsewhere(span: Span, trigger: Token) -> bool:
    """Whether the expression dates another clause: "the man, arrested 15 months ago, was freed" dates the
    arrest, not the release. Expressions on the trigger's own verb or a verb above it are this event's."""
    token = span.root
    while token.head.i != token.i:
        token = token.head
        if token.pos_ in VERBAL_POS:
            return token.i != trigger.i and not token.is_ancestor(trigger)
    return False


def _ranked(spans: Iterable[Span], trigger: Token) -> list[Span]:
    # Attached to the trigger first, then the nearest to it.
    return sorted(spans, key=lambda s: (not _attached(s, trigger), abs(s.root.i - trigger.i)))
