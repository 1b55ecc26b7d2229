"""Predicates: every candidate action in a parsed sentence, with its arguments by role.

A predicate is a verb (with its particle, prepositions, complements) or an event noun ("Russia's
invasion of Ukraine"). Arguments are head tokens; coordination is expanded here, so "the US and NATO
rejected ..." has two subjects. Which predicates are events is decided later, by the lexicon.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from spacy.tokens import Span, Token

from eventwatch.coding.grammar import (
    ADJECTIVE_OR_NOUN_TAGS,
    COMPLEMENT_DEPS,
    CONTROL_PREPS,
    DIRECT_OBJECT_DEPS,
    LOOSE_PARTICLES,
    NOMINAL_POS,
    NONFINITE_TAGS,
    NOUN_ACTOR_DEPS,
    OBJECT_DEPS,
    PARTICLE_DEPS,
    PASSIVE_SUBJECT_DEPS,
    PREP_OBJECT_DEPS,
    RELATIVE_PRONOUNS,
    SHARING_SUBJECT_DEPS,
    SUBJECT_DEPS,
    SUPPORTED_NOUN_DEPS,
    VERBAL_POS,
)
from eventwatch.coding.state import DocumentState

if TYPE_CHECKING:
    from eventwatch.coding.knowledge import Knowledge


@dataclass(slots=True)
class Predicate:
    """One candidate action. Tokens belong to the sentence's Doc; offsets come from them."""

    trigger: Token
    pos: str  # "verb" or "noun"
    particle: str | None = None
    subjects: list[Token] = field(default_factory=list)
    objects: list[Token] = field(default_factory=list)
    preps: dict[str, list[Token]] = field(default_factory=dict)
    complements: list[Token] = field(default_factory=list)
    adjectives: list[str] = field(default_factory=list)
    passive: bool = False
    support_verb: Token | None = None  # "launched" in "launched an attack"

    @property
    def lemma(self) -> str:
        return self.trigger.lemma_.lower()

    def prep_objects(self, prep: str) -> list[Token]:
        """Objects of a preposition on the trigger, or on its direct object (the parser often attaches
        "from the government" in "received weapons from the government" to the noun)."""
        found = list(self.preps.get(prep, []))
        for obj in self.objects:
            for child in obj.children:
                if child.dep_ == "prep" and child.lower_ == prep:
                    found += [o for c in child.children if c.dep_ == "pobj" for o in with_conjuncts(c)]
        return found

    @property
    def trigger_tokens(self) -> list[Token]:
        tokens = [self.trigger]
        if self.particle:
            tokens += [c for c in self.trigger.children if c.dep_ in PARTICLE_DEPS and c.lower_ == self.particle]
        return sorted(tokens, key=lambda t: t.i)


class PredicatesPass:
    """Every candidate action of each sentence (the dateline's sentence has none)."""

    name: ClassVar[str] = "predicates"
    reads: ClassVar[tuple[str, ...]] = ("sentences", "layout")
    writes: ClassVar[tuple[str, ...]] = ("predicates",)

    def __init__(self, knowledge: Knowledge):
        self.noun_lemmas = knowledge.lexicon.noun_lemmas

    def __call__(self, state: DocumentState) -> DocumentState:
        assert state.sentences is not None and state.layout is not None
        found = []
        for index, sentence in enumerate(state.sentences):
            if state.layout.in_dateline(sentence.start_char, sentence.end_char):
                state.note(self.name, "dateline", "context, not text to code", sentence=index)
                found.append([])
            else:
                found.append(find_predicates(sentence, self.noun_lemmas))
        state.predicates = found
        return state


def with_conjuncts(token: Token) -> list[Token]:
    """The token and the tokens coordinated with it ("the US and NATO" -> [US, NATO])."""
    return [token, *token.conjuncts] if token.conjuncts else [token]


def find_predicates(sentence: Span, noun_lemmas: frozenset[str]) -> list[Predicate]:
    """Verb predicates for every verb, noun predicates for the nouns the lexicon knows as events."""
    predicates = []
    for token in sentence:
        if token.pos_ in VERBAL_POS and token.dep_ != "aux" and token.dep_ != "auxpass":
            if token.pos_ == "AUX" and token.lemma_ == "be" and not _has_event_attr(token, noun_lemmas):
                continue
            predicates.append(verb_predicate(token))
        elif token.pos_ in NOMINAL_POS and token.lemma_.lower() in noun_lemmas and token.ent_type_ != "ORG":
            # (inside an organisation's name, "Cooperation" or "Defence" is no event)
            predicates.append(noun_predicate(token))
    return predicates


def _has_event_attr(token: Token, noun_lemmas: frozenset[str]) -> bool:
    return any(c.dep_ == "attr" and c.lemma_.lower() in noun_lemmas for c in token.children)


def verb_predicate(verb: Token) -> Predicate:
    pred = Predicate(trigger=verb, pos="verb")
    children = list(verb.children)
    pred.passive = any(c.dep_ in PASSIVE_SUBJECT_DEPS or c.dep_ == "auxpass" for c in children)
    for child in children:
        dep = child.dep_
        if dep == "prt" or (dep == "advmod" and child.lower_ in LOOSE_PARTICLES and child.i == verb.i + 1):
            pred.particle = child.lower_  # "stepped down": the model often tags the particle an adverb
        elif dep in SUBJECT_DEPS:
            pred.subjects += with_conjuncts(child)
        elif dep in PASSIVE_SUBJECT_DEPS:
            pred.objects += with_conjuncts(child)
        elif dep in OBJECT_DEPS or dep == "dative":
            if dep == "dative" and child.pos_ == "ADP":
                _add_prep(pred, child)
            else:
                pred.objects += with_conjuncts(child)
        elif dep == "agent":
            pred.subjects += [obj for c in child.children if c.dep_ == "pobj" for obj in with_conjuncts(c)]
        elif dep == "prep":
            _add_prep(pred, child)
        elif dep in COMPLEMENT_DEPS:
            pred.complements.append(child)
        elif dep in ("acomp",):
            pred.adjectives.append(child.lemma_.lower())
    # "held firm": the small model often parses the adjective as an object.
    pred.adjectives += [
        o.lemma_.lower() for o in pred.objects if o.tag_ in ADJECTIVE_OR_NOUN_TAGS and o.lemma_ == "firm"
    ]
    if not pred.subjects:
        pred.subjects = inherited_subjects(verb)
    if verb.dep_ == "acl" and verb.tag_ == "VBN" and not pred.objects:
        # "troops deployed near the border": the modified noun is the (passive) object.
        pred.objects = with_conjuncts(verb.head)
        pred.passive = True
    pred.subjects = [resolve_relative(s) for s in pred.subjects]
    return pred


def _add_prep(pred: Predicate, prep: Token) -> None:
    objects = [obj for c in prep.children if c.dep_ in PREP_OBJECT_DEPS for obj in with_conjuncts(c)]
    if objects:
        pred.preps.setdefault(prep.lemma_.lower(), []).extend(objects)
    for nested in (c for c in prep.children if c.dep_ == "prep"):  # "up to", "out of"
        _add_prep(pred, nested)


def inherited_subjects(verb: Token) -> list[Token]:
    """Subjects a verb shares with the verb it hangs from: coordination, control and relative clauses."""
    current = verb
    for _ in range(6):  # bounded walk up a chain of conj/xcomp
        dep, head = current.dep_, current.head
        if head.i == current.i:
            return []
        if dep in SHARING_SUBJECT_DEPS or dep == "advcl" and current.tag_ in NONFINITE_TAGS:
            # ("acomp": "France is ready to contribute"; advcl VB: "sent experts to investigate")
            if dep == "xcomp":
                controller = object_controller(head)
                if controller:
                    return controller
            own = [c for c in head.children if c.dep_ in SUBJECT_DEPS]
            if not own and dep == "xcomp":  # "Obama is expected to attend": the passive's subject
                own = [c for c in head.children if c.dep_ in PASSIVE_SUBJECT_DEPS]
            if own:
                return [s for o in own for s in with_conjuncts(o)]
            current = head
            continue
        if dep == "relcl" or dep == "acl" and current.tag_ != "VBN":
            return with_conjuncts(head)
        return []
    return []


def object_controller(verb: Token) -> list[Token]:
    """Who does what a verb asks of someone: "urged Russia to withdraw", "called on Kyiv to negotiate"
    (object control; the verb's own subject is the asker)."""
    objects = [o for c in verb.children if c.dep_ in DIRECT_OBJECT_DEPS for o in with_conjuncts(c)]
    if objects:
        return objects
    for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ in CONTROL_PREPS):
        objects = [o for c in prep.children if c.dep_ == "pobj" for o in with_conjuncts(c)]
        if objects:
            return objects
    return []


def resolve_relative(subject: Token) -> Token:
    """'troops that attacked' -> troops: a relative pronoun stands for the noun the clause modifies."""
    if subject.lower_ in RELATIVE_PRONOUNS and subject.head.dep_ == "relcl":
        return subject.head.head
    return subject


def noun_predicate(noun: Token) -> Predicate:
    pred = Predicate(trigger=noun, pos="noun")
    for child in noun.children:
        if child.dep_ in NOUN_ACTOR_DEPS:
            pred.subjects += with_conjuncts(child)
        elif child.dep_ == "prep":
            if child.lemma_.lower() == "by":
                pred.subjects += [o for c in child.children if c.dep_ == "pobj" for o in with_conjuncts(c)]
            else:
                _add_prep(pred, child)
        elif child.dep_ == "acl":
            pred.complements.append(child)
    head = noun.head
    if noun.dep_ in SUPPORTED_NOUN_DEPS and head.pos_ in VERBAL_POS:
        pred.support_verb = head
    elif noun.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ == "VERB":
        pred.support_verb = head.head  # "placed on alert", "put under siege"
    return pred
