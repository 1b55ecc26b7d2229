"""The time pass: when each candidate happened, and whether it is news of the document's days.

For each candidate the pass reads the clause of its trigger and the clauses that govern it, and writes
a ``TimeAnchor``: the date (``dates.py`` resolves the time expression, forward for an announced act,
backward for a reported one), the tense of the clause, the phrase that set the time, and - for an act
the classify pass found asserted - whether it is history, a habit or a standing situation instead of
news. The markers, in the order they are tried:

* a date before the news window ("crushed the protests in 2011", "was killed three years ago");
* the start of a period before the news window ("have clashed since 2014");
* a duration of months or years ("have been fighting IS for years", "over the years");
* a whole era ("raided homes throughout the occupation");
* an episode or a past habit ("on one occasion", "as a child", "he used to visit Damascus");
* in a sentence no time expression dates, an episode with "when"/"while"/"as": a speaker's memory ("I was
  wounded when they bombed our street") or, past the lead, an earlier event in the past perfect ("she said
  she had been beaten when she was detained");
* in a text told in the past, an undated relative clause in the perfect that describes a party by its
  record ("the militia, which has kidnapped hundreds");
* in a text told in the past: a relative clause in the present describing a party ("the Kurds, who
  control the north", "a region where militias fight", "firms that continue to trade with Iran"), and
  the simple present past the lead ("Washington backs the SDF", "Jordan hosts 600,000 refugees");
  headlines, leads and summaries told in the present are news.

Words and thresholds are data (``data/time.yaml``). Every decision is a step of the trail, so
``explain`` shows which phrase set the time and why an act is not news.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import yaml
from spacy.tokens import Span, Token

from eventwatch.coding.dates import DAY, DOCUMENT, MONTH, UNKNOWN, YEAR, DateFinder, resolve_expression
from eventwatch.coding.grammar import (
    AUX_DEPS,
    NOMINAL_SUBJECT_DEPS,
    PLURAL_TAGS,
    SHARED_CLAUSE_DEPS,
    TIME_ENTITIES,
    VERBAL_POS,
    WH_TAGS,
)
from eventwatch.coding.modality import going_to, is_infinitive
from eventwatch.coding.state import DocumentState
from eventwatch.coding.words import word_lists
from eventwatch.records import ASSERTED, FUTURE, GENERIC, HISTORICAL

if TYPE_CHECKING:  # the knowledge bundle loads this module's words: imported for types only
    from eventwatch.coding.classify import Candidate
    from eventwatch.coding.knowledge import Knowledge

UNDATED = frozenset({DOCUMENT, UNKNOWN})  # precisions that say nothing of when the act happened

# Tenses of a clause, as far as the time pass needs them.
PAST, PRESENT, PROGRESSIVE, PERFECT, PAST_PERFECT, FUTURE_TENSE, UNTENSED = (
    "past", "present", "progressive", "perfect", "past perfect", "future", "untensed",
)  # fmt: skip
PAST_TAGS = frozenset({"VBD"})
SPEAKER_SUBJECTS = frozenset({"i", "we"})
PRESENT_TAGS = frozenset({"VBZ", "VBP"})
EPISODE_MARK_DEPS = frozenset({"mark", "advmod"})  # the parser hangs "when" as an adverb, "after" as a marker


@dataclass(frozen=True, slots=True)
class TimeWords:
    """The vocabulary and thresholds of ``data/time.yaml``."""

    news_window_days: int
    since_window_days: int
    standing_units: frozenset[str]
    standing_prepositions: frozenset[str]
    era_prepositions: frozenset[str]
    era_nouns: frozenset[str]
    episode_subordinators: frozenset[str]
    memory_subjects: frozenset[str]
    background_prepositions: frozenset[str]
    anecdote_phrases: frozenset[str]
    habit_verbs: frozenset[str]
    continuing_verbs: frozenset[str]
    present_news_verbs: frozenset[str]
    background_periods: dict[str, str]
    past_narrative_share: float
    past_narrative_min_verbs: int


def load_time_words(path: str | Path) -> TimeWords:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return TimeWords(
        **word_lists(data),
        news_window_days=int(data["news_window_days"]),
        since_window_days=int(data["since_window_days"]),
        background_periods={str(k).lower(): str(v) for k, v in data["background_periods"].items()},
        past_narrative_share=float(data["past_narrative_share"]),
        past_narrative_min_verbs=int(data["past_narrative_min_verbs"]),
    )


@dataclass(frozen=True, slots=True)
class TimeAnchor:
    """When a candidate happened: its date and precision, the tense of its clause, the phrase that set the
    date (empty for the document date), and the modality the time gives it (None: the classify pass's)."""

    date: str | None
    precision: str
    tense: str
    phrase: str = ""
    modality: str | None = None
    reason: str = ""


class TimePass:
    name: ClassVar[str] = "time"
    reads: ClassVar[tuple[str, ...]] = ("document", "day", "layout", "sentences", "entities", "candidates")
    writes: ClassVar[tuple[str, ...]] = ("times",)

    def __init__(self, knowledge: Knowledge):
        self.words = knowledge.time
        self.lead_chars = knowledge.modality.lead_chars
        self.dates = DateFinder(knowledge.dates)

    def __call__(self, state: DocumentState) -> DocumentState:
        assert state.candidates is not None and state.sentences is not None and state.entities is not None
        past_narrative = self._told_in_past(state)
        expressions: dict[int, list[Span]] = {}
        anchors = []
        for candidate in state.candidates:
            index = candidate.sentence
            if index not in expressions:
                expressions[index] = self.dates.time_expressions(state.sentences[index], state.entities[index])
            anchor = self._anchor(state, candidate, expressions[index], past_narrative)
            where = {"sentence": index, "about": candidate.about}
            how = f"from {anchor.phrase!r}" if anchor.phrase else "the document date"
            state.note(self.name, "date", f"{anchor.date} ({anchor.precision}), {how}; tense: {anchor.tense}", **where)
            if anchor.modality:
                state.note(self.name, f"modality {anchor.modality}", f"because: {anchor.reason}", **where)
            anchors.append(anchor)
        state.times = anchors
        return state

    def _anchor(
        self, state: DocumentState, candidate: Candidate, expressions: list[Span], past_narrative: bool
    ) -> TimeAnchor:
        trigger = candidate.predicate.trigger
        clause = clause_verb(trigger, self.words)
        tense = tense_of(clause, self.dates.words.future_auxiliaries) if clause is not None else UNTENSED
        # an infinitive's time is after its head's: "threatened to strike on Friday", "set to withdraw on Friday"
        future = self.dates.is_future(trigger) or candidate.modality.value == FUTURE or is_infinitive(trigger)
        if tense in (PAST, PAST_PERFECT) or trigger.tag_ in PAST_TAGS:
            future = False  # "was attacked on Saturday": the Saturday before, whatever governs the clause
        phrase, date, precision = self._date(expressions, trigger, state.day, future)
        anchor = TimeAnchor(date, precision, tense, phrase)
        if candidate.modality.value != ASSERTED:
            return anchor
        sentence_dated = any(resolve_expression(e.text, state.day, self.dates.words) for e in expressions)
        verdict = self._not_news(
            state, candidate, clause, tense, (date, precision, phrase), past_narrative, sentence_dated
        )
        if verdict is None:
            return anchor
        return TimeAnchor(date, precision, tense, phrase, *verdict)

    def _date(
        self, expressions: list[Span], trigger: Token, day: dt.date | None, future: bool
    ) -> tuple[str, str | None, str]:
        span = self.dates.dating_expression(expressions, trigger, day, future)
        if span is None:
            return "", *self.dates.undated(day)
        words = self.dates.words
        found = resolve_expression(span.text, day, words, _forward(span, future, words.future_auxiliaries))
        found = found or resolve_expression(span.text, day, words, future)
        assert found is not None
        return span.text, found[0].isoformat(), found[1]

    def _not_news(
        self,
        state: DocumentState,
        candidate: Candidate,
        clause: Token | None,
        tense: str,
        dated: tuple[str | None, str, str],
        past_narrative: bool,
        sentence_dated: bool,
    ) -> tuple[str, str] | None:
        """(modality, reason) when the act is history, a habit or a standing situation; None when news."""
        date, precision, phrase = dated
        if self._before_window(date, precision, state.day):
            return HISTORICAL, f"dated {date} by {phrase!r}, {self.words.news_window_days}+ days before the document"
        period = self._period_start(phrase, state.day)
        if period is not None and self._before_window(period, YEAR, state.day):
            return HISTORICAL, f"{phrase!r}: some time since {period}, which began before the news window"
        if clause is None or tense == FUTURE_TENSE:
            return None
        for verb in governing_clauses(clause):
            found = self._background_phrase(verb, tense, state.day)
            if found is not None:
                return found
            if verb.lemma_.lower() in self.words.habit_verbs and verb.tag_ in PAST_TAGS and _has_infinitive(verb):
                return GENERIC, f"a past habit ({verb.text} to ...)"
        in_lead = candidate.predicate.trigger.idx < self.lead_chars
        episode = "" if phrase or sentence_dated else self._episode(clause, tense, in_lead)
        if episode:
            return HISTORICAL, episode
        if not past_narrative:
            return None  # in a text told in the present (a summary, a headline) the present is its news
        if tense == PERFECT and not phrase and _describes_party(clause) and _undated_record(clause):
            # "the militia, which has kidnapped hundreds": a record that describes a party, not this news
            return GENERIC, f"describes a party by its record ({clause.text!r} in a relative clause)"
        if tense != PRESENT:
            return None
        if _describes_party(clause):
            return GENERIC, f"describes a party in the present ({clause.text!r} in a relative clause)"
        trigger = candidate.predicate.trigger
        if (
            trigger.idx >= self.lead_chars
            and clause.lemma_.lower() not in self.words.present_news_verbs
            and not _performative(clause)
            and (candidate.predicate.pos == "verb" or candidate.predicate.support_verb is not None)
        ):
            return GENERIC, f"a standing situation: the simple present ({clause.text!r}) in a text told in the past"
        return None

    def _background_phrase(self, verb: Token, tense: str, day: dt.date | None) -> tuple[str, str] | None:
        """'since 2014' (a start before the news window), 'for years', 'on one occasion' on the verb."""
        words = self.words
        for child in verb.children:
            if child.dep_ not in ("prep", "advmod", "npadvmod"):
                continue
            text = " ".join(t.lower_ for t in child.subtree)
            anecdote = _phrase_at(child.left_edge, words.anecdote_phrases)
            if anecdote:
                return HISTORICAL, f"an episode told as background ({anecdote!r})"
            objects = [o for o in child.children if o.dep_ == "pobj"]
            standing = [o for o in objects if o.lemma_.lower() in words.standing_units and o.tag_ in PLURAL_TAGS]
            if child.lower_ in words.standing_prepositions and standing:
                # a counted duration on a simple or perfect act is its length ("has jailed him for two
                # years"); on a progressive one ("has been fighting for two years") it is a standing act
                counted = any(c.dep_ == "nummod" for c in standing[0].children)
                if tense != PAST and not (counted and verb.tag_ != "VBG"):
                    return GENERIC, f"a standing situation ({text!r})"
                if tense == PAST and not counted:
                    return HISTORICAL, f"a past that lasted ({text!r})"
            era = [o for o in objects if o.lemma_.lower() in words.era_nouns]
            if child.lower_ in words.era_prepositions and era:
                if tense == PAST:
                    return HISTORICAL, f"a past that lasted ({text!r})"
                return GENERIC, f"a standing situation ({text!r})"
            if child.lower_ in words.background_prepositions and objects:
                found = resolve_expression(text, day, self.dates.words)
                if found is not None and self._before_window(_period_end(*found), DAY, day, words.since_window_days):
                    return HISTORICAL, f"history carried to the present ({text!r})"
        return None

    def _episode(self, clause: Token, tense: str, in_lead: bool) -> str:
        """Why an undated act in the past is an episode told as background ('' when it is not): a speaker's
        memory ("I was injured when they shelled the village") or an earlier event in the past perfect
        ("she had been beaten when she was detained", past the lead, which may sum up the news in the past
        perfect), the act of either clause of the episode. The caller leaves a sentence with a date to it ("we
        were attacked when we reached the checkpoint on Monday" is dated news)."""
        if tense not in (PAST, PAST_PERFECT):
            return ""
        words = self.words
        pairs = [(clause, c) for c in clause.children if c.dep_ == "advcl"]
        if clause.dep_ == "advcl" and clause.head.pos_ in VERBAL_POS:
            pairs.append((clause.head, clause))
        for main, subordinate in pairs:
            marks = [
                c
                for c in subordinate.children
                if c.dep_ in EPISODE_MARK_DEPS and c.lower_ in words.episode_subordinators
            ]
            if not marks or tense_of(subordinate, self.dates.words.future_auxiliaries) not in (PAST, PAST_PERFECT):
                continue
            main_tense = tense_of(main, self.dates.words.future_auxiliaries)
            subjects = {c.lower_ for c in main.children if c.dep_ in NOMINAL_SUBJECT_DEPS}
            if main_tense == PAST_PERFECT and not in_lead:
                return f"an earlier event told in the past perfect ({main.text!r} {marks[0].text} ...)"
            if main_tense == PAST and subjects & words.memory_subjects:
                return f"a speaker's memory ({' '.join(sorted(subjects))} {main.text} {marks[0].text} ...)"
        return ""

    def _period_start(self, phrase: str, day: dt.date | None) -> dt.date | None:
        """The start of a period that ends at the document ("earlier this year" -> 1 January)."""
        unit = next((u for p, u in self.words.background_periods.items() if p in phrase.lower()), None)
        if day is None or unit is None:
            return None
        return dt.date(day.year, 1, 1) if unit == YEAR else dt.date(day.year, day.month, 1)

    def _before_window(self, date: str | dt.date | None, precision: str, day: dt.date | None, days: int = 0) -> bool:
        """Whether the date is ``days`` (default: the news window) or more before the document."""
        if not date or day is None or precision in UNDATED:
            return False
        when = dt.date.fromisoformat(date) if isinstance(date, str) else date
        return (day - when).days >= (days or self.words.news_window_days)

    def _told_in_past(self, state: DocumentState) -> bool:
        """Whether the text (past its headline) is told in the simple past, as news articles are; summaries
        and headlines in the present are not."""
        past = present = 0
        headline = state.layout.headline if state.layout is not None else None
        for sentence in state.sentences or ():
            if headline is not None and sentence.start_char < headline[1]:
                continue
            tense = tense_of(sentence.root, self.dates.words.future_auxiliaries)
            past += tense == PAST
            present += tense == PRESENT
        counted = past + present
        words = self.words
        return counted >= words.past_narrative_min_verbs and past / counted >= words.past_narrative_share


def clause_verb(trigger: Token, words: TimeWords) -> Token | None:
    """The tensed verb whose clause the trigger's act belongs to: the trigger itself, the verb above an event
    noun ("launched an attack"), or the verb whose tense a conjunct or an infinitive of continuing or habit
    shares ("attacked and killed", "continue to trade", "used to visit")."""
    token = trigger
    for _ in range(4):  # an event noun: the nearest verb above it
        if token.pos_ in VERBAL_POS or token.head.i == token.i:
            break
        token = token.head
    if token.pos_ not in VERBAL_POS:
        return None
    sharing = words.continuing_verbs | words.habit_verbs
    while token.head.i != token.i and token.head.pos_ in VERBAL_POS and not _finite(token):
        if token.dep_ == "conj" or (token.dep_ == "xcomp" and token.head.lemma_.lower() in sharing):
            token = token.head
            continue
        break
    return token


def _finite(verb: Token) -> bool:
    return verb.tag_ in PAST_TAGS | PRESENT_TAGS or any(c.dep_ in AUX_DEPS and c.tag_ != "TO" for c in verb.children)


def tense_of(verb: Token, future_auxiliaries: frozenset[str]) -> str:
    """The tense of a verb's clause from its tag and auxiliaries (a conjunct without its own takes its head's)."""
    aux = [c for c in verb.children if c.dep_ in AUX_DEPS]
    if not aux and verb.dep_ == "conj" and verb.tag_ not in PAST_TAGS | PRESENT_TAGS and verb.head.i != verb.i:
        return tense_of(verb.head, future_auxiliaries)
    words = {a.lower_ for a in aux}
    if words & future_auxiliaries or going_to(verb):
        return FUTURE_TENSE
    if "had" in words:
        return PAST_PERFECT
    if any(a.lemma_ == "have" for a in aux) and verb.tag_ in ("VBN", "VBG"):
        return PERFECT  # "has fought", "’ve been shot" (lemma, whatever the apostrophe)
    if verb.tag_ == "VBG" and any(a.lemma_ == "be" for a in aux):
        return PROGRESSIVE
    if verb.tag_ in PAST_TAGS or any(a.tag_ in PAST_TAGS for a in aux):
        return PAST
    if verb.tag_ in PRESENT_TAGS or any(a.tag_ in PRESENT_TAGS for a in aux):
        return PRESENT
    return UNTENSED


def _forward(span: Span, future: bool, future_auxiliaries: frozenset[str]) -> bool:
    """Whether an undated weekday or month is the coming one: the tense of the verb the expression modifies
    decides ("told Iran on Tuesday that there will be no easing": the Tuesday before; "will extend sanctions
    in May": the coming May); an untensed one leaves the act's own direction (``future``)."""
    token = span.root
    while token.head.i != token.i:
        token = token.head
        if token.pos_ in VERBAL_POS:
            tense = tense_of(token, future_auxiliaries)
            if tense == FUTURE_TENSE:
                return True
            return False if tense in (PAST, PAST_PERFECT, PERFECT) else future
    return future


def governing_clauses(clause: Token) -> list[Token]:
    """The clause's verb and the verbs whose clause it shares (conjuncts, infinitives), up to the first
    clause of its own."""
    verbs = [clause]
    token = clause
    while token.dep_ in SHARED_CLAUSE_DEPS and token.head.i != token.i and token.head.pos_ in VERBAL_POS:
        token = token.head
        verbs.append(token)
    return verbs


def _describes_party(verb: Token) -> bool:
    """A relative clause on a noun: 'the Kurds, who control the north', 'a region where militias fight'."""
    return verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN", "PRON")


def _undated_record(verb: Token) -> bool:
    """A perfect relative clause whose party is its doer, with an act and no time in it: "which has kidnapped
    hundreds"; not "the troops it has deployed" (what was done to the party, perhaps this news), "who have
    shot dozens this year" (this year's news) nor "which has been under attack" (its state now)."""
    doer = any(c.dep_ in NOMINAL_SUBJECT_DEPS and c.tag_ in WH_TAGS for c in verb.children)
    return doer and verb.lemma_.lower() != "be" and not any(t.ent_type_ in TIME_ENTITIES for t in verb.subtree)


def _has_infinitive(verb: Token) -> bool:
    return any(c.dep_ == "xcomp" and is_infinitive(c) for c in verb.children)


def _phrase_at(token: Token, phrases: frozenset[str]) -> str:
    """The phrase of ``phrases`` the words from ``token`` on spell ("on one occasion" even where the small
    model hangs "occasion" on the next noun), or ''."""
    doc = token.doc
    for phrase in phrases:
        n = len(phrase.split())
        if " ".join(t.lower_ for t in doc[token.i : token.i + n]) == phrase:
            return phrase
    return ""


def _performative(verb: Token) -> bool:
    """'We condemn the attack', 'I demand an explanation': a speaker's own act in the present is done by
    saying it, news however the text around it is told."""
    return any(c.dep_ == "nsubj" and c.lower_ in SPEAKER_SUBJECTS for c in verb.children)


def _period_end(start: dt.date, precision: str) -> dt.date:
    """The last day of a resolved period: 'since last year' may mean since its last days."""
    if precision == YEAR:
        return dt.date(start.year, 12, 31)
    if precision == MONTH:
        following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return start
