"""The classify pass: which predicates are events, under which CAMEO code, and how real they are said to be.

For each predicate the lexicon's best entry (``lexicon.py``) gives a code and a rule; an event noun
with a support verb ("launched an attack") replaces the verb's own reading; the modality of the trigger
(``modality.py``) is decided; and what the sentence says about the action may recode it
(``speech_acts.recode``: a refusal, an intent, a threat, a request of the speaker). The speaker of the
sentence comes from the registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from eventwatch.coding.knowledge import Knowledge
from eventwatch.coding.lexicon import Match
from eventwatch.coding.modality import Modality, trigger_modality
from eventwatch.coding.predicates import Predicate
from eventwatch.coding.speech_acts import recode
from eventwatch.coding.state import DocumentState
from eventwatch.records import ASSERTED


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
    reads: ClassVar[tuple[str, ...]] = ("predicates", "registry")
    writes: ClassVar[tuple[str, ...]] = ("candidates",)

    def __init__(self, knowledge: Knowledge):
        self.lexicon = knowledge.lexicon
        self.words = knowledge.modality

    def __call__(self, state: DocumentState) -> DocumentState:
        assert state.predicates is not None and state.registry is not None
        candidates = []
        for index, predicates in enumerate(state.predicates):
            speaker = state.registry.speakers[index]
            matches = [self.lexicon.match(p) for p in predicates]
            support = self._support_verbs(predicates, matches)
            for pred, match in zip(predicates, matches, strict=True):
                where = {"sentence": index, "about": pred.trigger.idx, "span": _span(pred)}
                if pred.pos == "verb" and pred.trigger.i in support:
                    state.note(self.name, f"'{pred.trigger.text}' supports an event noun", "the noun is the event",
                               **where)  # fmt: skip
                    continue
                if match is None:
                    state.note(self.name, "no event", self.lexicon.why_no_match(pred), **where)
                    continue
                modality = trigger_modality(pred.trigger, pred.pos, self.words)
                recoded = recode(pred, match, modality, list(speaker.actors), speaker.verb, self.lexicon, self.words)
                state.note(self.name, f"lexicon {match.rule}", f"CAMEO {match.code}", **where)
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


def _span(pred: Predicate) -> tuple[int, int]:
    tokens = pred.trigger_tokens
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
