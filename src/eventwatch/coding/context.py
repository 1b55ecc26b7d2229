"""The context pass: each candidate with its parties becomes events, with date, place and attribution.

The date and the modality the time gives (history, habits, standing acts) come from the time pass
(``timing.py``), the place from a locative phrase or a place named in the sentence (``places.py``), the
attribution from the reporting source and direct quote (``attribution.py``). Within a
sentence, an event noun that only repeats a verb's event is dropped, and violence a speaker claims
also gives the speaker's accusation (``speech_acts.reported_accusations``). Each event carries the
steps of the trail that concern it.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby
from typing import ClassVar

from spacy.tokens import Span

from eventwatch.coding.attribution import AttributionFinder
from eventwatch.coding.classify import Candidate
from eventwatch.coding.grammar import PATIENT_DEPS
from eventwatch.coding.knowledge import Knowledge
from eventwatch.coding.places import PlaceFinder
from eventwatch.coding.roles import Parties
from eventwatch.coding.speech_acts import code_fields, reported_accusations
from eventwatch.coding.state import DocumentState
from eventwatch.coding.timing import TimeAnchor
from eventwatch.records import Actor, Event, Step, Trigger


class ContextPass:
    name: ClassVar[str] = "context"
    reads: ClassVar[tuple[str, ...]] = (
        "document", "layout", "sentences", "entities", "registry", "candidates", "times", "parties",
    )  # fmt: skip
    writes: ClassVar[tuple[str, ...]] = ("events",)

    def __init__(self, knowledge: Knowledge):
        self.lexicon = knowledge.lexicon
        self.ontology = knowledge.ontology
        self.places = PlaceFinder(knowledge.places, knowledge.gazetteer)
        self.attribution = AttributionFinder(knowledge.attribution)

    def __call__(self, state: DocumentState) -> DocumentState:
        assert state.candidates is not None and state.parties is not None and state.registry is not None
        assert state.times is not None
        steps: dict[tuple[int | None, int | None], list[Step]] = defaultdict(list)
        for step in state.trail:
            steps[(step.sentence, step.about)].append(step)
        events: list[Event] = []
        triples = zip(state.candidates, state.times, state.parties, strict=True)
        for index, group in groupby(triples, key=lambda triple: triple[0].sentence):
            events += self._sentence(state, index, list(group), steps)
        state.events = events
        return state

    def _sentence(
        self,
        state: DocumentState,
        index: int,
        group: list[tuple[Candidate, TimeAnchor, Parties | None]],
        steps: dict[tuple[int | None, int | None], list[Step]],
    ) -> list[Event]:
        sentence = state.sentences[index]  # type: ignore[index]
        events: list[Event] = []
        attribution: tuple[str | None, str | None] | None = None
        seen: set[tuple] = set()
        raw = sentence.text  # built from the tokens on each access: once per sentence, not per event
        # the sentence as shown starts at its first non-space character, and so does its offset
        shown = (raw.strip(), sentence.start_char + len(raw) - len(raw.lstrip()))
        for candidate, time, parties in group:
            if parties is None:
                continue
            built = self._events(state, candidate, parties, (time, steps[(index, candidate.about)]), shown)
            if built and attribution is None:
                attribution = self.attribution.find(sentence, state.layout.quotes, state.sentences)  # type: ignore[union-attr,arg-type]
            for event in built:
                key = (event.trigger.start, event.cameo, event.source.code or event.source.text,
                       event.target.code if event.target else None)  # fmt: skip
                if key in seen:
                    continue
                seen.add(key)
                event.attribution, event.quote = attribution or (None, None)
                events.append(event)
        events = _without_nested_nouns(events, sentence)
        speaker = state.registry.speakers[index]  # type: ignore[union-attr]
        accusations = reported_accusations(
            events, list(speaker.actors), speaker.verb, sentence, self.lexicon, self.ontology
        )
        for accusation in accusations:
            note = Step(self.name, "accusation", f"{accusation.source.text!r} claims it", sentence=index)
            accusation.trail = (*accusation.trail, note)
        return events + accusations

    def _events(
        self,
        state: DocumentState,
        candidate: Candidate,
        parties: Parties,
        found: tuple[TimeAnchor, list[Step]],
        shown: tuple[str, int],
    ) -> list[Event]:
        """The events of one candidate; ``found``: its time anchor and its steps; ``shown``: the sentence's
        text as shown and its offset."""
        time, steps = found
        text, start = shown
        pred = candidate.predicate
        sentence = state.sentences[candidate.sentence]  # type: ignore[index]
        entities = state.entities[candidate.sentence]  # type: ignore[index]
        tokens = pred.trigger_tokens
        span = sentence.doc[tokens[0].i : tokens[-1].i + 1]
        trigger = Trigger(span.text, span.start_char, span.end_char, pred.lemma)
        modality = time.modality or candidate.modality.value
        location = parties.scene or self.places.mentioned(sentence, entities, pred.trigger, parties.actor_spans)
        trail = tuple(steps)
        entry = self.ontology.get(candidate.code)
        return [
            Event(
                doc_id=state.document.id,
                sentence_index=candidate.sentence,
                sentence=text,
                sentence_start=start,
                source=source,
                target=target,
                **code_fields(entry),
                trigger=trigger,
                modality=modality,
                confidence=_confidence(candidate, source, target),
                date=time.date,
                date_precision=time.precision,
                location=location,
                rule=f"{candidate.rule} <{time.reason}>" if time.modality else candidate.event_rule,
                url=state.document.url,
                trail=_own_pair(trail, source, target),
            )
            for source, target in parties.pairs
        ]


def _own_pair(trail: tuple[Step, ...], source: Actor, target: Actor | None) -> tuple[Step, ...]:
    """The candidate's steps, with only this pair's source and target steps (a candidate may have several)."""
    mine = {"source": (source.start, source.end), "target": (target.start, target.end) if target else None}
    return tuple(s for s in trail if s.pass_name != "roles" or s.rule not in mine or s.span == mine[s.rule])


def _without_nested_nouns(events: list[Event], sentence: Span) -> list[Event]:
    """'sent three shipments of military assistance': the noun repeats the verb's event; keep the verb's."""
    doc = sentence.doc
    verb_events = [(doc.char_span(e.trigger.start, e.trigger.end), e.cameo_root) for e in events]
    verb_events = [(span.root, root) for span, root in verb_events if span is not None and span.root.pos_ == "VERB"]
    kept = []
    for event in events:
        span = doc.char_span(event.trigger.start, event.trigger.end)
        token = span.root if span is not None else None
        if token is not None and token.pos_ != "VERB":
            if any(root == event.cameo_root and verb.is_ancestor(token) for verb, root in verb_events):
                continue
            # "urged the US to ease sanctions": a noun another event acts on is its patient, not an event
            if token.dep_ in PATIENT_DEPS and any(verb.i == token.head.i for verb, _ in verb_events):
                continue
        kept.append(event)
    return kept


def _confidence(candidate: Candidate, source: Actor, target: Actor | None) -> float:
    score = candidate.match.confidence
    score += 0.1 if source.code else -0.15
    score += 0.05 if target is not None and target.code else 0.0
    if source.entry and source.entry.startswith("coref:"):
        score -= 0.05
    if candidate.predicate.pos == "noun":
        score -= 0.05
    return max(0.05, min(0.99, score))
