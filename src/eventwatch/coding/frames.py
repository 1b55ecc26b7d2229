"""The syntactic frame of a predicate: which construction the trigger word stands in.

One word has several senses, and the construction often tells them apart: "called Putin" (a phone
call) vs "called the plan a betrayal" (naming) vs "called for the US to leave" (an appeal); "warned of
a famine" / "warned that prices would rise" (a pessimistic comment) vs "warned Iran" (a threat);
"US-backed forces" (a standing relation, no event). The lexicon's patterns name a frame with the
``frame`` key (``data/lexicon/README.md``); this module says which frames a predicate stands in. The
frames are English grammar over spaCy's labels, not word knowledge: the words live in the lexicon.
"""

from __future__ import annotations

from spacy.tokens import Token

from eventwatch.coding.grammar import ATTRIBUTIVE_DEPS, PASSIVE_SUBJECT_DEPS
from eventwatch.coding.predicates import Predicate

CLAUSE_COMPLEMENT_DEPS = frozenset({"ccomp", "advcl"})
CLAUSE_HEAD_POS = frozenset({"VERB", "AUX"})
NOMINAL_OR_ADJECTIVE_POS = frozenset({"NOUN", "PROPN", "ADJ", "NUM"})
CONDITION_MARKS = frozenset({"if", "unless"})


def _naming(pred: Predicate) -> bool:
    """ "called the plan a betrayal", "a city she called peaceful", "what the UN calls a genocide",
    "called such an overhaul an imperative" (the parser hangs the name on the object as an apposition)."""
    trigger = pred.trigger
    if any(c.dep_ == "oprd" for c in trigger.children):
        return True
    if any(c.lower_ == "so" and c.dep_ == "advmod" for c in trigger.children):
        return True  # "so-called"
    return any(c.dep_ == "appos" and c.pos_ in NOMINAL_OR_ADJECTIVE_POS for obj in pred.objects for c in obj.children)


def _clause(pred: Predicate) -> Token | None:
    """The head of a finite clause complement: "warned that prices would rise", "agreed that it was right"."""
    return next((c for c in pred.trigger.children if c.dep_ == "ccomp" and c.pos_ in CLAUSE_HEAD_POS), None)


def _that_clause(pred: Predicate) -> bool:
    return _clause(pred) is not None


def _own_clause(pred: Predicate) -> bool:
    """The complement is an act of the subject itself (or of the addressee): "warned it would retaliate",
    "warned Iran not to cross the line" — not "warned that Russia could invade" (another party's act)."""
    if any(c.dep_ == "xcomp" for c in pred.trigger.children):
        return True
    clause = _clause(pred)
    if clause is None:
        return False
    subjects = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subjects:
        return True
    own = {s.lemma_.lower() for s in pred.subjects}
    return all(s.pos_ == "PRON" or s.lemma_.lower() in own or _possessed(s) for s in subjects)


def _possessed(subject: Token) -> bool:
    """ "his government", "its forces": a party of the one who speaks (or of the one warned)."""
    return any(c.dep_ == "poss" and c.pos_ == "PRON" for c in subject.children)


def _conditional(pred: Predicate) -> bool:
    """The complement clause is tied to a condition: "warned that it would expel him if he continued",
    "vowed to respond if its ships were seized"."""
    return any(
        c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in CONDITION_MARKS for m in c.children)
        for clause in pred.complements
        for c in clause.children
    )


def _copular_clause(pred: Predicate) -> bool:
    """A that-clause that states an opinion, not an act: "agreed that the assessment was right"."""
    clause = _clause(pred)
    return clause is not None and clause.lemma_ == "be"


def _for_clause(pred: Predicate) -> bool:
    """ "called for the US to leave", "called for a force to be stationed": "for" marks a clause."""
    return any(
        c.dep_ in CLAUSE_COMPLEMENT_DEPS | {"xcomp"} and any(m.dep_ == "mark" and m.lower_ == "for" for m in c.children)
        for c in pred.trigger.children
    )


def _attributive(pred: Predicate) -> bool:
    """The trigger describes a noun instead of reporting an act: "US-backed forces", "a town called X"."""
    trigger = pred.trigger
    return pred.pos == "verb" and trigger.dep_ in ATTRIBUTIVE_DEPS and trigger.head.pos_ in ("NOUN", "PROPN")


def _no_object(pred: Predicate) -> bool:
    return not pred.objects and not pred.complements and not pred.preps


def _direct_object(pred: Predicate) -> bool:
    """The trigger acts on a direct object: "called Lavrov on Tuesday" (a call made to someone), unlike
    "called on the US on Tuesday to ..." (an appeal, whose addressee is the object of "on")."""
    return any(o.dep_ not in PASSIVE_SUBJECT_DEPS for o in pred.objects)


FRAMES = {
    "naming": _naming,
    "that_clause": _that_clause,
    "own_clause": _own_clause,
    "copular_clause": _copular_clause,
    "conditional": _conditional,
    "for_clause": _for_clause,
    "attributive": _attributive,
    "no_object": _no_object,
    "direct_object": _direct_object,
}


def frames_of(pred: Predicate) -> frozenset[str]:
    """The names of the frames ``pred`` stands in."""
    return frozenset(name for name, test in FRAMES.items() if test(pred))
