"""``explain``: why the coder coded a text as it did, sentence by sentence, from the trail the passes left.

For each sentence: its speaker, the predicates found and the lexicon entry that fired (or why none
did), the phrase that dated each one and its tense (and why the time makes it history, a habit or a
standing situation), the events with the path that resolved each party (a registry mention and how it resolved:
knowledge base, surname, pronoun link, speaker; the country of a place or of the other party) or why
a party stayed empty, and the events dropped as unreal (negated, hypothetical, future, historical)
with the reason. Before the sentences: the layout (headline, dateline, title) and the document's
focus country. Nothing is recomputed: it is the state the coder's passes left.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from eventwatch.coding.state import DocumentState
from eventwatch.records import Document, Event, Step

SENTENCE_PASSES = frozenset({"predicates", "classify", "time", "roles"})  # their steps are shown under each trigger


@dataclass(slots=True)
class SentenceExplanation:
    index: int
    text: str
    speaker: str | None
    steps: list[Step] = field(default_factory=list)  # classify, time and roles steps, in order
    triggers: dict[int, str] = field(default_factory=dict)  # trigger offset -> text, to name the steps' candidates
    events: list[Event] = field(default_factory=list)  # real events
    dropped: list[Event] = field(default_factory=list)  # coded, but not real

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "text": self.text,
            "speaker": self.speaker,
            "steps": [s.to_dict() for s in self.steps],
            "events": [_event_summary(e) for e in self.events],
            "dropped": [_event_summary(e) for e in self.dropped],
        }


@dataclass(slots=True)
class Explanation:
    document_id: str
    document: list[Step]  # layout, parse and registry decisions about the whole document
    sentences: list[SentenceExplanation]

    def to_dict(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "document": [s.to_dict() for s in self.document],
            "sentences": [s.to_dict() for s in self.sentences],
        }

    def render(self) -> str:
        """The explanation as text for a terminal."""
        lines = [f"document {self.document_id}"]
        lines += [f"  {step.render()}" for step in self.document]
        for sentence in self.sentences:
            lines.append("")
            lines.append(f"[{sentence.index}] {' '.join(sentence.text.split())}")
            if sentence.speaker:
                lines.append(f"    speaker: {sentence.speaker}")
            for about, steps in _by_trigger(sentence.steps):
                lines.append(f"    {sentence.triggers.get(about, 'sentence') if about is not None else 'sentence'}")
                lines += [f"      {step.render()}" for step in steps]
            for title, events in (("event", sentence.events), ("dropped (not real)", sentence.dropped)):
                for event in events:
                    lines.append(f"    {title}: {_headline(event)}")
                    if title != "event":
                        lines.append(f"      because: {_unreal_reason(event)}")
        return "\n".join(lines)


def explain(text: str | Document, *, date: str | None = None, coder: Any = None) -> Explanation:
    """Why the coder codes ``text`` (or a Document) as it does. ``date`` anchors relative dates."""
    if coder is None:
        from eventwatch.coding import Coder

        coder = Coder()
    document = text if isinstance(text, Document) else Document(text=text, date=date)
    [state] = coder.pipe_states([DocumentState(document)])
    return explanation_of(state)


def explanation_of(state: DocumentState) -> Explanation:
    """The explanation of a coded state (all passes run)."""
    assert state.sentences is not None and state.registry is not None
    per_sentence: dict[int, list[Step]] = defaultdict(list)
    document_steps = []
    for step in state.trail:
        if step.sentence is None:
            document_steps.append(step)
        elif step.pass_name in SENTENCE_PASSES:
            per_sentence[step.sentence].append(step)
    events: dict[int, list[Event]] = defaultdict(list)
    for event in state.events or []:
        events[event.sentence_index].append(event)
    sentences = []
    for index, span in enumerate(state.sentences):
        speaker = state.registry.speakers[index]
        said = ", ".join(f"{a.text!r} ({a.code or 'no code'})" for a in speaker.actors) or None
        mine = events.get(index, [])
        sentences.append(
            SentenceExplanation(
                index=index,
                text=span.text,
                speaker=f"{said} ('{speaker.verb.text}')" if said and speaker.verb is not None else said,
                steps=per_sentence.get(index, []),
                triggers={p.trigger.idx: _trigger_text(p) for p in (state.predicates or [[]] * (index + 1))[index]},
                events=[e for e in mine if e.is_real],
                dropped=[e for e in mine if not e.is_real],
            )
        )
    return Explanation(state.document.id, document_steps, sentences)


def _by_trigger(steps: list[Step]) -> list[tuple[int | None, list[Step]]]:
    """Steps grouped by the candidate they are about (the offset of its trigger), in order."""
    groups: dict[int | None, list[Step]] = defaultdict(list)
    for step in steps:
        groups[step.about].append(step)
    return list(groups.items())


def _trigger_text(pred) -> str:
    words = " ".join(t.text for t in pred.trigger_tokens)
    return f"{words!r} ({pred.pos})"


def _headline(event: Event) -> str:
    target = f"{event.target.code or 'no code'} ({event.target.text!r})" if event.target else "no target"
    source = f"{event.source.code or 'no code'} ({event.source.text!r})" if event.source.text else "unknown"
    return f"{event.cameo} {event.cameo_name}: {source} -> {target}, {event.trigger.text!r}, {event.date}"


def _unreal_reason(event: Event) -> str:
    reasons = [s.detail.removeprefix("because: ") for s in event.trail if s.rule.startswith("modality ")]
    return f"{event.modality}" + (f": {reasons[-1]}" if reasons else "")


def _event_summary(event: Event) -> dict[str, Any]:
    return {
        "cameo": event.cameo,
        "source": event.source.code,
        "target": event.target.code if event.target else None,
        "trigger": event.trigger.text,
        "modality": event.modality,
        "date": event.date,
        "why": [s.render() for s in event.trail],
    }
