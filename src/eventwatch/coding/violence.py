"""What violence words mean when no one fights: disasters and accidents, and weapons tests.

"The earthquake killed 200", "a fire at a factory killed 12" and "24 soldiers were killed when their bus
crashed" use the lexicon's words of violence, but report no political event: the doer is a natural
or accidental cause, or the act has no doer and the sentence (or the one before it) puts it down to
an accident. "Iran test-fired a missile" is a show of force (CAMEO 150), not an attack. The classify
pass asks this module; the words live in ``data/lexicon/violence.yaml``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml
from spacy.tokens import Span, Token

from eventwatch.coding.grammar import (
    DIRECT_OBJECT_DEPS,
    MODIFIER_DEPS,
    NOMINAL_POS,
    NOMINAL_SUBJECT_DEPS,
    NOUN_ACTOR_DEPS,
    PREP_OBJECT_DEPS,
)
from eventwatch.coding.predicates import Predicate
from eventwatch.coding.words import word_lists

# Said of a token: does it name an actor (the registry's look-up)? Passed in, so this module stays
# independent of how the registry resolves.
IsActor = Callable[[Token], bool]
HANGING_DEPS = frozenset({"advcl", "conj", "xcomp", "acl"})  # "crashed into a ravine, killing 24"


@dataclass(frozen=True, slots=True)
class ViolenceWords:
    causes: frozenset[str] = frozenset()
    uncertain_causes: frozenset[str] = frozenset()
    accident_words: frozenset[str] = frozenset()
    weapon_fire_words: frozenset[str] = frozenset()
    fire_words: frozenset[str] = frozenset()  # "opened fire", "came under fire": weapons fire unless a subject
    accident_verbs: frozenset[str] = frozenset()
    vehicles: frozenset[str] = frozenset()
    vehicle_verbs: frozenset[str] = frozenset()
    bomb_words: frozenset[str] = frozenset()
    uncertain_verbs: frozenset[str] = frozenset()
    cause_preps: frozenset[str] = frozenset()
    violent_roots: frozenset[str] = frozenset()
    test_words: frozenset[str] = frozenset()
    test_code: str | None = None


def load_violence_words(path: Path) -> ViolenceWords:
    """The words of ``violence.yaml``; a lexicon folder without the file has none (the rules never fire)."""
    if not path.exists():
        return ViolenceWords()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    lists = word_lists(data)
    code = data.get("test_code")
    return ViolenceWords(**lists, test_code=str(code) if code else None)


def _modifiers(token: Token) -> set[str]:
    """Lemmas on a noun: its compounds and adjectives, and the objects of its prepositions
    ("an explosion at a fireworks factory" -> fireworks, factory)."""
    found = set()
    for child in token.children:
        if child.dep_ in NOUN_ACTOR_DEPS:
            found.add(child.lemma_.lower())
        elif child.dep_ == "prep":
            for obj in (c for c in child.children if c.dep_ in PREP_OBJECT_DEPS):
                found.add(obj.lemma_.lower())
                found |= {c.lemma_.lower() for c in obj.children if c.dep_ in NOUN_ACTOR_DEPS}
    return found


class Accidents:
    """Decides whether a violence word reports a disaster or an accident rather than a political act."""

    def __init__(self, words: ViolenceWords, is_actor: IsActor):
        self.words = words
        self.is_actor = is_actor

    def is_cause(self, token: Token) -> bool:
        """A natural or accidental cause: 'the earthquake', 'floods', 'a gas explosion', 'a fire at a factory'
        (not 'Israeli fire' or 'sniper fire')."""
        if token.pos_ not in NOMINAL_POS:
            return False  # "troops stormed the town": the verb is no storm
        lemma, words = token.lemma_.lower(), self.words
        compounds = {c.lemma_.lower() for c in token.children if c.dep_ == "compound"}
        if compounds & words.causes - words.fire_words:
            return True  # "a lightning strike", "a landfill slide"
        if lemma in words.uncertain_causes:
            return bool(_modifiers(token) & words.accident_words)
        if lemma not in words.causes:
            return False
        if lemma in words.fire_words:
            modifiers = [c for c in token.children if c.dep_ in NOUN_ACTOR_DEPS]
            return not any(m.lemma_.lower() in words.weapon_fire_words or m.ent_type_ for m in modifiers)
        return True

    def is_vehicle(self, token: Token) -> bool:
        """A civilian vehicle with no bomb in it: 'a speeding car' (not 'a car bomb')."""
        words = self.words
        return token.lemma_.lower() in words.vehicles and not (_modifiers(token) & words.bomb_words)

    def is_accident_clause(self, verb: Token) -> bool:
        """'their bus plunged into a gorge', 'the ferry capsized', 'floods swept the region' (not 'the navy
        sank a ship': an accident verb with an object is something done to someone)."""
        subjects = [c for c in verb.children if c.dep_ in NOMINAL_SUBJECT_DEPS]
        if any(self.is_cause(s) for s in subjects):
            return True
        if verb.lemma_.lower() in self.words.uncertain_verbs:
            return any(_lemmas(s) & self.words.accident_words for s in subjects)
        if verb.lemma_.lower() not in self.words.accident_verbs:
            return self.is_cause(verb)  # "Flight 301 crashes ...": the small model reads the verb as a noun
        return not any(c.dep_ in DIRECT_OBJECT_DEPS for c in verb.children)

    def reports_accident(self, sentence: Span) -> bool:
        """The sentence tells of a disaster or an accident: an accident verb, or a cause as a subject or
        as the sentence's head ("Vietnam suffers its worst flooding", not "troops opened fire")."""
        for token in sentence:
            lemma = token.lemma_.lower()
            if lemma in self.words.accident_verbs | self.words.uncertain_verbs and self.is_accident_clause(token):
                return True
            if token.dep_ in MODIFIER_DEPS:
                continue  # "coronavirus tests", "flood defences": a cause that only describes something else
            if self.is_cause(token) and (lemma not in self.words.fire_words or token.dep_ in NOMINAL_SUBJECT_DEPS):
                return True
        return False

    def has_doer(self, pred: Predicate) -> bool:
        """Someone the knowledge base knows did it ("people killed", "others injured": a participle's
        subject is its victim, not its doer)."""
        trigger = pred.trigger
        if trigger.tag_ == "VBN" and not any(c.dep_ == "aux" and c.lemma_ == "have" for c in trigger.children):
            return False  # "have arrested" is active: its subject did it
        return any(self.is_actor(s) and not self.is_vehicle(s) and not self.is_cause(s) for s in pred.subjects)

    def reason(self, pred: Predicate, code: str, after_accident: bool) -> str | None:
        """Why this violence word reports no political event, or None. ``after_accident``: the sentence or
        the one before it reports an accident and names no attack."""
        words, subjects, trigger = self.words, pred.subjects, pred.trigger
        # "a fire attack", "a gas attack": on an event noun a compound names the means, not a disaster
        doers = [s for s in subjects if not (pred.pos == "noun" and s.dep_ == "compound")]
        causes = [s for s in doers if self.is_cause(s)]
        if causes:
            return f"the doer, '{causes[0].text}', is a disaster or an accident"
        if pred.lemma in words.vehicle_verbs and any(self.is_vehicle(s) for s in subjects):
            return "a vehicle hit or killed: a traffic accident"
        if pred.lemma in words.uncertain_verbs and any(_lemmas(s) & words.accident_words for s in subjects):
            return "an industrial accident"
        if code[:2] not in words.violent_roots or pred.pos != "verb":
            return None
        verb = trigger
        while verb.dep_ == "conj" and verb.head.i != verb.i:  # "injuring 73 and killing one"
            verb = verb.head
        if verb.dep_ in HANGING_DEPS and verb.head.i != verb.i and self.is_accident_clause(verb.head):
            return f"it follows from an accident ('{verb.head.text}')"
        if self.has_doer(pred):
            return None
        for prep, objects in pred.preps.items():
            if prep in words.cause_preps and any(self.is_cause(o) for o in objects):
                return f"put down to a disaster or an accident ('{prep} ...')"
        clauses = [c for v in (trigger, trigger.head) for c in v.children if c.dep_ == "advcl" and c.i != trigger.i]
        if any(self.is_accident_clause(c) for c in clauses):
            return "put down to an accident (an adverbial clause)"
        if after_accident:
            return "no doer, in the report of an accident"
        return None


def _lemmas(token: Token) -> set[str]:
    return {token.lemma_.lower()} | _modifiers(token)


def is_weapons_test(pred: Predicate, object_words: set[str], words: ViolenceWords) -> bool:
    """'test-fired a missile', 'fired a test missile', 'launched a missile in a test'."""
    if not words.test_words:
        return False
    trigger = pred.trigger
    doc = trigger.doc
    if trigger.i >= 2 and doc[trigger.i - 1].text == "-" and doc[trigger.i - 2].lower_ in words.test_words:
        return True
    if object_words & words.test_words:
        return True
    return any(
        ({o.lemma_.lower()} | _modifiers(o)) & words.test_words for objects in pred.preps.values() for o in objects
    )
