"""The registry pass: who is who in one document, decided once, in reading order, before any event.

Every token that can head an actor's phrase is resolved once, sentence by sentence, token by token:

* by the knowledge-base names and sector words in its phrase (``actors.PhraseResolver``), with the
  country of a place phrase ("demonstrators in Baghdad") or of a possessive pronoun ("their forces");
* else as a surname of a person named earlier ("Zarif" after "Mohammad Javad Zarif");
* a pronoun as the speaker of its sentence ("we", "our"), the subject of the verb of saying it depends
  on ("Farc said it will ..."), or an earlier person ("he", "she") or group ("it", "they"): the
  subject of this or the previous sentence where there is one ("Pakistan refused to deploy troops in
  Iraq and urged its citizens ..."), else the nearest.

Only whole phrases (not the compounds and modifiers inside them) become antecedents, and each later
mention links to the nearest earlier one of its kind, so resolving a document is linear in its length.
The registry also holds each sentence's speaker (the subject of its speech verb) and the document's
focus country (dateline, else title or headline, else the most mentioned country). Later passes only
read it: ``registry.actor(token)``.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field, replace
from typing import ClassVar

from spacy.tokens import Span, Token

from eventwatch.coding.actors import PhraseResolver, phrase_span, phrase_tokens, unresolved, with_country
from eventwatch.coding.grammar import (
    COORDINATION_DEPS,
    ENTITY_IOB_INSIDE,
    GOVERNED_CLAUSE_DEPS,
    GROUP_PRONOUNS,
    INNER_NAME_DEPS,
    NEVER_ACTOR_POS,
    NOMINAL_POS,
    NOMINAL_SUBJECT_DEPS,
    PERSON_PRONOUNS,
    PLURAL_PRONOUNS,
    PLURAL_TAGS,
    SPEAKER_PRONOUNS,
    SPEAKER_SUBJECT_PRONOUNS,
)
from eventwatch.coding.knowledge import Knowledge
from eventwatch.coding.layout import Layout
from eventwatch.coding.places import dateline_location
from eventwatch.coding.predicates import with_conjuncts
from eventwatch.coding.state import DocumentState
from eventwatch.records import Actor

KNOWN_PRONOUNS = PERSON_PRONOUNS | GROUP_PRONOUNS | SPEAKER_PRONOUNS
_INFERRED = ("+", "coref:")  # entries of actors not named by their own names ("+in:IRQ", "coref:he->...")
_KEPT = 4  # antecedents kept per kind: enough to pass over the one a pronoun cannot stand for
# The kinds of antecedent a pronoun may stand for, in order of preference: "he" a single person, "it" a
# single group or country, "they" people or a group.
_ANTECEDENT_KINDS = {
    "he": ("person (singular)",),
    "it": ("group (singular)",),
    "they": ("plural", "group"),
}


def _pronoun_kind(lower: str) -> str:
    if lower in PERSON_PRONOUNS:
        return "he"
    return "they" if lower in PLURAL_PRONOUNS else "it"


@dataclass(frozen=True, slots=True)
class Resolution:
    """How one mention resolved: the actor, and the path (``how``) that led to it."""

    actor: Actor
    how: str  # "knowledge base", "surname", "speaker", "reported speaker", "earlier person", "earlier group"
    link: int | None = None  # character offset of the earlier mention it stands for


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who speaks in a sentence: the subjects of its first speech verb, and that verb."""

    actors: tuple[Actor, ...] = ()
    verb: Token | None = None


@dataclass(frozen=True, slots=True)
class Focus:
    """The country a document is about, for parties it names only by their kind ("the army")."""

    country: str | None
    how: str  # "dateline", "title", "headline", "most mentioned", or "" when none


@dataclass(slots=True)
class Registry:
    resolutions: dict[int, Resolution]  # by the token index of the mention's head
    speakers: list[Speaker]  # one per sentence
    focus: Focus
    antecedents: list[int] = field(default_factory=list)  # heads of whole phrases, in reading order

    def actor(self, token: Token) -> Actor | None:
        found = self.resolutions.get(token.i)
        return found.actor if found is not None else None

    def resolution(self, token: Token) -> Resolution | None:
        return self.resolutions.get(token.i)


class RegistryPass:
    name: ClassVar[str] = "registry"
    reads: ClassVar[tuple[str, ...]] = ("doc", "sentences", "layout", "day")
    writes: ClassVar[tuple[str, ...]] = ("registry",)

    def __init__(self, knowledge: Knowledge):
        self.matcher = knowledge.matcher
        self.speech_verbs = knowledge.modality.speech_verbs
        self.gazetteer = knowledge.gazetteer

    def __call__(self, state: DocumentState) -> DocumentState:
        assert state.doc is not None and state.sentences is not None and state.layout is not None
        resolver = PhraseResolver(state.doc, self.matcher.mentions(state.doc), state.day)
        reading = _Reading(resolver, self.speech_verbs)
        layout = state.layout
        # the dateline is context, not text: its words stand for no one later in the document
        speakers = [
            Speaker() if layout.in_dateline(s.start_char, s.end_char) else reading.sentence(i, s)
            for i, s in enumerate(state.sentences)
        ]
        focus = self._focus(state.layout, reading)
        state.registry = Registry(reading.found, speakers, focus, reading.antecedents)
        if focus.country:
            state.note(self.name, f"focus country {focus.country}", f"from the {focus.how}")
        return state

    def _focus(self, layout: Layout, reading: _Reading) -> Focus:
        if layout.dateline is not None:
            place = dateline_location(layout.dateline.city, layout.dateline.area, self.gazetteer)
            if place is not None and place.country:
                return Focus(place.country, "dateline")
        if layout.title:
            country = _first_country(self.matcher.mentions_in_text(layout.title))
            if country:
                return Focus(country, "title")
        if layout.headline is not None:
            start, end = layout.headline
            in_headline = (reading.found[i].actor for i in reading.antecedents)
            country = next((a.country for a in in_headline if start <= a.start < end and a.country), None)
            if country:
                return Focus(country, "headline")
        named = (reading.found[i].actor for i in reading.antecedents)  # by a name of its own, not inferred
        counts = Counter(a.country for a in named if a.country and not (a.entry or "+").startswith(_INFERRED))
        counts = counts.most_common(2)
        if counts and counts[0][1] >= 2 and (len(counts) == 1 or counts[0][1] > counts[1][1]):
            return Focus(counts[0][0], "most mentioned")
        return Focus(None, "")


def _first_country(mentions) -> str | None:
    for mention in sorted(mentions, key=lambda m: m.start):
        country = next((e.country for e in mention.entries if e.country), None)
        if country:
            return country
    return None


class _Reading:
    """One reading of a document, sentence by sentence; what it found so far is what later mentions
    may link to."""

    def __init__(self, resolver: PhraseResolver, speech_verbs: frozenset[str]):
        self.resolver = resolver
        self.speech_verbs = speech_verbs
        self.found: dict[int, Resolution] = {}
        self.done: set[int] = set()
        self.antecedents: list[int] = []
        self.phrases: dict[int, list[Token]] = {}  # the phrase tokens of heads already looked at
        self.surnames: dict[str, Actor] = {}
        # the latest antecedent of each kind ("person", "group", "any"), and the latest that was a subject,
        # with the index of its sentence
        self.latest: dict[str, deque[Actor]] = defaultdict(lambda: deque(maxlen=_KEPT))
        self.latest_subject: dict[str, deque[tuple[Actor, int]]] = defaultdict(lambda: deque(maxlen=_KEPT))
        self.speaker: Actor | None = None
        self.sentence_index = 0

    def sentence(self, index: int, sentence: Span) -> Speaker:
        self.sentence_index = index
        self.speaker = None
        speaker = self._speaker(sentence)
        self.speaker = speaker.actors[0] if speaker.actors else None
        covering, surnames = self.resolver.covering, self.surnames
        for token in sentence:
            pos = token.pos_
            if pos in NEVER_ACTOR_POS or pos != "PRON" and token.i not in covering and token.text not in surnames:
                continue  # names no one: no name in its phrase, no earlier surname, no pronoun
            found = self.resolve(token)
            if found is not None and token.pos_ != "PRON" and token.dep_ not in INNER_NAME_DEPS:
                self._remember(token, found.actor)
        return speaker

    def resolve(self, token: Token) -> Resolution | None:
        if token.i not in self.done:
            self.done.add(token.i)
            found = self._pronoun(token) if token.pos_ == "PRON" else self._phrase(token)
            if found is not None:
                self.found[token.i] = found
        return self.found.get(token.i)

    def _phrase(self, head: Token) -> Resolution | None:
        resolver = self.resolver
        actor, how, link = None, "knowledge base", None
        if resolver.may_name(head):
            tokens = self.phrases[head.i] = phrase_tokens(head)
            actor = resolver.named(head, {t.i for t in tokens}, head.doc[tokens[0].i : tokens[-1].i + 1])
        if actor is None and head.text in self.surnames:
            known = self.surnames[head.text]
            span = phrase_span(head)
            actor = Actor(span.text, known.code, known.country, known.sector, known.name, span.start_char,
                          span.end_char, "coref:" + head.text)  # fmt: skip
            how, link = f"surname of {known.text!r}", known.start
        if actor is not None and actor.country is None and actor.code is None:
            actor = resolver.with_home_country(head, actor)
        if actor is not None and actor.country is None and actor.code is None:
            actor = self._with_owner_country(head, actor)
        return Resolution(actor, how, link) if actor is not None else None

    def _with_owner_country(self, head: Token, actor: Actor) -> Actor:
        """'their forces', 'its army': a possessive pronoun gives the country of the one it stands for."""
        owner = next((c for c in head.children if c.dep_ == "poss" and c.pos_ == "PRON"), None)
        found = self.resolve(owner) if owner is not None else None
        if found is None or not found.actor.country:
            return actor
        return with_country(actor, found.actor.country, "of")

    def _pronoun(self, head: Token) -> Resolution | None:
        """A pronoun as the actor it stands for. Its text and offsets are the antecedent's, where the actor
        is named: "it" in "The ELN said it will release ..." is shown as "The ELN"."""
        lower = head.lower_
        if lower not in KNOWN_PRONOUNS:
            return None
        found, how = None, ""
        if lower in SPEAKER_PRONOUNS:
            # "we", "I" stand for the one who speaks; without a speaker in the sentence they stay unresolved
            if self.speaker is None:
                return None
            found, how = self.speaker, "speaker of the sentence"
        if found is None:
            found, how = self._reported_self(head), "subject of the verb of saying"
        if found is None:
            found, how = self._antecedent(_ANTECEDENT_KINDS[_pronoun_kind(lower)], self._clause_subjects(head))
        if found is None:
            return None
        entry = found.entry or ""
        linked = entry if entry.startswith("coref:") else f"coref:{head.text}->{entry or found.text}"
        return Resolution(replace(found, entry=linked), how, found.start)

    def _antecedent(self, kinds: tuple[str, ...], not_these: set[int]) -> tuple[Actor | None, str]:
        """The subject of this or the previous sentence, else the nearest earlier actor, of the kinds in order
        ("they" may be people or a group; "it" only a group). ``not_these``: start offsets of actors the
        pronoun cannot stand for (the subject of its own clause: "Putin met him")."""
        for kind in kinds:
            for actor, sentence in reversed(self.latest_subject.get(kind, ())):
                if sentence >= self.sentence_index - 1 and actor.start not in not_these:
                    return actor, f"subject nearby ({kind})"
        for kind in reversed(kinds):
            for actor in reversed(self.latest.get(kind, ())):
                if actor.start not in not_these:
                    return actor, f"nearest earlier {kind}"
        return None, ""

    def _clause_subjects(self, pronoun: Token) -> set[int]:
        """An object pronoun does not stand for the subject of its own verb ("Putin met him")."""
        if pronoun.dep_ in NOMINAL_SUBJECT_DEPS or pronoun.dep_ == "poss":
            return set()
        verb = pronoun.head.head if pronoun.dep_ == "pobj" else pronoun.head
        found = (self.found.get(c.i) for c in verb.children if c.dep_ in NOMINAL_SUBJECT_DEPS)
        return {f.actor.start for f in found if f is not None}

    def _reported_self(self, pronoun: Token) -> Actor | None:
        """'Farc said it will release ...', 'the rebels say they will ...': the subject of the verb of saying
        (or intending) that governs the pronoun's clause."""
        if pronoun.dep_ not in NOMINAL_SUBJECT_DEPS or pronoun.lower_ not in PERSON_PRONOUNS | GROUP_PRONOUNS:
            return None
        clause = pronoun.head
        for _ in range(2):
            if clause.dep_ not in GOVERNED_CLAUSE_DEPS or clause.head.i == clause.i:
                return None
            clause = clause.head
            subject = next((c for c in clause.children if c.dep_ == "nsubj"), None)
            if subject is not None and subject.pos_ != "PRON":
                found = self.resolve(subject)
                return found.actor if found is not None else unresolved(subject)
        return None

    def _speaker(self, sentence: Span) -> Speaker:
        """Who is reported as speaking in this sentence (the subjects of its speech verb), and that verb."""
        for token in sentence:
            if token.pos_ != "VERB" or token.lemma_.lower() not in self.speech_verbs:
                continue
            subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
            if subject is None or subject.pos_ == "PRON" and subject.lower_ not in SPEAKER_SUBJECT_PRONOUNS:
                continue
            found = []
            for head in with_conjuncts(subject):
                resolution = self.resolve(head)
                actor = resolution.actor if resolution is not None else None
                if actor is None and head.pos_ in NOMINAL_POS:
                    actor = unresolved(head)
                if actor is not None and actor.sector != "MED":  # "the AP reports" reports, not acts
                    found.append(actor)
            if found:
                return Speaker(tuple(found), token)
        return Speaker()

    def _remember(self, head: Token, actor: Actor) -> None:
        """A whole phrase that resolved: later pronouns and surnames may stand for it."""
        self.antecedents.append(head.i)
        is_person = (
            head.ent_type_ == "PERSON"
            or self.resolver.person_mention(head)
            or bool(actor.entry and actor.entry.startswith("leader:"))
        )
        kind = "person" if is_person else "group"
        kinds = [kind, "plural" if head.tag_ in PLURAL_TAGS else kind + " (singular)"]
        linked = head.dep_ in COORDINATION_DEPS and head.head.dep_ in NOMINAL_SUBJECT_DEPS
        subject = head.dep_ in NOMINAL_SUBJECT_DEPS or linked
        for kind in kinds:
            self.latest[kind].append(actor)
            if subject:
                self.latest_subject[kind].append((actor, self.sentence_index))
        doc = head.doc
        for token in self.phrases.get(head.i) or phrase_tokens(head):
            last_of_name = token.i + 1 >= len(doc) or doc[token.i + 1].ent_iob_ != "I"
            if token.ent_type_ == "PERSON" and token.ent_iob_ in ENTITY_IOB_INSIDE and last_of_name:
                self.surnames[token.text] = actor  # "Zarif" later in the story is the same person
