"""The classify pass: which predicates are events, under which CAMEO code, and how real they are said to be.

For each predicate the lexicon's best entry (``lexicon.py``) gives a code and a rule; an event noun
with a support verb ("launched an attack") replaces the verb's own reading; violence words that report
a disaster or an accident are no event, and a weapons test is a show of force (``violence.py``); the
modality of the trigger (``modality.py``) is decided; and what the sentence says about the action may
recode it (``speech_acts.recode``: a refusal, an intent, a threat, a request of the speaker). The speaker
of the sentence comes from the registry.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from eventwatch.coding.knowledge import Knowledge
from eventwatch.coding.lexicon import ArgumentWords, Match
from eventwatch.coding.modality import Modality, trigger_modality
from eventwatch.coding.predicates import Predicate
from eventwatch.coding.speech_acts import recode
from eventwatch.coding.state import DocumentState
from eventwatch.coding.violence import Accidents, is_weapons_test
from eventwatch.records import ASSERTED, Actor

VIOLENT_ROOTS = frozenset({"18", "19", "20"})  # a weapons test recodes only real violence


@dataclass(slots=True)
class Candidate:
    """A predicate the lexicon codes: the code and rule it is reported under, and its modality."""

    sentence: int
    predicate: Predicate
    match: Match
    code: str
    rule: str
    modality: Modality
    requested: bool  # "X said Y must ...": the speaker asks it of the action's actor

    @property
    def about(self) -> int:
        """The character offset of the trigger: the key of this candidate's steps in the trail."""
        return self.predicate.trigger.idx

    @property
    def event_rule(self) -> str:
        """``Event.rule``: the lexicon rule, with the modality's reason when there is one."""
        return self.rule + (f" <{self.modality.reason}>" if self.modality.reason else "")


class ClassifyPass:
    name: ClassVar[str] = "classify"
    reads: ClassVar[tuple[str, ...]] = ("sentences", "predicates", "registry")
    writes: ClassVar[tuple[str, ...]] = ("candidates",)

    def __init__(self, knowledge: Knowledge):
        self.lexicon = knowledge.lexicon
        self.words = knowledge.modality
        self.violence = knowledge.lexicon.violence

    def __call__(self, state: DocumentState) -> DocumentState:
        assert state.predicates is not None and state.registry is not None and state.sentences is not None
        registry = state.registry
        accidents = Accidents(self.violence, lambda token: _known(registry.actor(token)))
        sentences = state.sentences
        reported: dict[int, bool] = {}  # sentence -> reports an accident; asked only of sentences with violence

        def reports(i: int) -> bool:
            if i not in reported:
                reported[i] = accidents.reports_accident(sentences[i])
            return reported[i]

        candidates = []
        for index, predicates in enumerate(state.predicates):
            speaker = registry.speakers[index]
            matches = [self.lexicon.match(p) for p in predicates]
            support = self._support_verbs(predicates, matches)
            violent = any(m is not None and m.code[:2] in self.violence.violent_roots for m in matches)
            after_accident = (
                violent
                and (reports(index) or (index > 0 and reports(index - 1)))
                and not _names_attack(predicates, matches, accidents)
            )
            for pred, match in zip(predicates, matches, strict=True):
                where = {"sentence": index, "about": pred.trigger.idx, "span": _span(pred)}
                if pred.pos == "verb" and pred.trigger.i in support:
                    state.note(self.name, f"'{pred.trigger.text}' supports an event noun", "the noun is the event",
                               **where)  # fmt: skip
                    continue
                if match is None:
                    state.note(self.name, "no event", self.lexicon.why_no_match(pred), **where)
                    continue
                accident = accidents.reason(pred, match.code, after_accident)
                if accident:
                    state.note(self.name, "no event: disaster or accident", accident, **where)
                    continue
                state.note(self.name, f"lexicon {match.rule}", f"CAMEO {match.code}", **where)
                match = self._weapons_test(pred, match, state, where)
                modality = trigger_modality(pred.trigger, pred.pos, self.words)
                recoded = recode(pred, match, modality, list(speaker.actors), speaker.verb, self.lexicon, self.words)
                if recoded.code != match.code or recoded.requested:
                    state.note(self.name, f"speech act {recoded.rule}", f"CAMEO {recoded.code}", **where)
                if recoded.modality.value != ASSERTED or recoded.modality.reason:
                    reason = recoded.modality.reason or "-"
                    state.note(self.name, f"modality {recoded.modality.value}", f"because: {reason}", **where)
                candidates.append(
                    Candidate(index, pred, match, recoded.code, recoded.rule, recoded.modality, recoded.requested)
                )
        state.candidates = candidates
        return state

    def _weapons_test(self, pred: Predicate, match: Match, state: DocumentState, where: dict) -> Match:
        """'test-fired a missile': violence in a weapons test is a show of force (``violence.yaml``)."""
        code = self.violence.test_code
        if not code or match.code[:2] not in VIOLENT_ROOTS or match.code == code:
            return match
        if not is_weapons_test(pred, ArgumentWords(pred).objects, self.violence):
            return match
        state.note(self.name, "weapons test", f"a show of force: CAMEO {code}", **where)
        return replace(match, code=code, rule=f"{match.rule} (weapons test)")

    def _support_verbs(self, predicates: list[Predicate], matches: list[Match | None]) -> set[int]:
        """'launched an attack': the noun's event replaces the support verb's, if the noun is an event here."""
        return {
            p.support_verb.i
            for p, m in zip(predicates, matches, strict=True)
            if p.support_verb is not None
            and p.pos == "noun"
            and m is not None
            and self.lexicon.is_support_verb(p.support_verb)
        }


def _names_attack(predicates: list[Predicate], matches: list[Match | None], accidents: Accidents) -> bool:
    """The sentence names an attack: a violent event noun ("an attack", "a bombing") or violence whose doer
    is no disaster."""
    return any(
        m is not None
        and m.code[:2] in VIOLENT_ROOTS
        and (p.pos == "noun" or accidents.has_doer(p))
        for p, m in zip(predicates, matches, strict=True)
    )


def _known(actor: Actor | None) -> bool:
    """An actor the knowledge base knows (a code or a sector), not just a phrase in subject position."""
    return actor is not None and bool(actor.code or actor.sector)


def _span(pred: Predicate) -> tuple[int, int]:
    tokens = pred.trigger_tokens
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
