"""Modality: is an action asserted, negated, hypothetical (conditional), future/intended, generic
(habitual) or historical?

Decided from the dependency parse around the trigger: its own negation and modal auxiliaries, the
determiners of an event noun ("any invasion", "no concessions"), a conditional clause ("if Russia
invades"), habitual adverbs ("routinely arrest", "every year", "have clashed repeatedly since 2014"),
markers of the past ("once ruled"), the verb it hangs from ("threatened to invade" -> the invasion is
not done), the noun of intent it completes ("his promise to invade") and the verb that averts it
("spared an attack").
A prediction ("analysts believe Turkey will attack") is hypothetical, no one's announcement. Relative
clauses are presupposed, so they keep their own modality ("troops it has deployed" is asserted even
inside a hypothetical sentence). The word lists live in ``data/modality.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from spacy.tokens import Token

from eventwatch.coding.grammar import (
    AUX_DEPS,
    CLAUSE_STOP_DEPS,
    MODALITY_SPREAD_DEPS,
    NOMINAL_SUBJECT_DEPS,
    NOUN_MODIFIER_DEPS,
    REFUSAL_MODALS,
    VERBAL_POS,
    WH_TAGS,
)
from eventwatch.coding.words import word_lists
from eventwatch.records import ASSERTED, FUTURE, GENERIC, HISTORICAL, HYPOTHETICAL, NEGATED

UNREAL_HEAD_VALUES = (HYPOTHETICAL, FUTURE, GENERIC, HISTORICAL)  # a head clause passes these down
SCHEDULED = "scheduled"  # the reason of a future that is a schedule or a forecast, not an announced intent


@dataclass(frozen=True, slots=True)
class ModalityWords:
    negators: frozenset[str]
    hypothetical_determiners: frozenset[str]
    negative_determiners: frozenset[str]
    hypothetical_modals: frozenset[str]
    future_modals: frozenset[str]
    conditional_markers: frozenset[str]
    intent_verbs: frozenset[str]
    refusal_verbs: frozenset[str]
    speech_verbs: frozenset[str]
    document_nouns: frozenset[str]
    historical_markers: frozenset[str]
    historical_phrases: frozenset[str]
    historical_determiners: frozenset[str]
    habitual_adjectives: frozenset[str]
    habitual_nouns: frozenset[str]
    purpose_verbs: frozenset[str]
    wish_verbs: frozenset[str]
    not_yet_markers: frozenset[str]
    past_perfect_markers: frozenset[str]
    past_perfect_news_markers: frozenset[str]
    background_subordinators: frozenset[str]
    purpose_nouns: frozenset[str]
    habitual_markers: frozenset[str]
    habitual_determiners: frozenset[str]
    intent_nouns: frozenset[str]
    wanted_nouns: frozenset[str]
    contrast_conjunctions: frozenset[str]
    averting_verbs: frozenset[str]
    belief_verbs: frozenset[str]
    schedule_words: frozenset[str]
    lead_chars: int


def load_modality_words(path: str | Path) -> ModalityWords:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    lists = word_lists(data)
    return ModalityWords(**lists, lead_chars=int(data.get("lead_chars", 400)))


@dataclass(frozen=True, slots=True)
class Modality:
    """The modality of one trigger, and whether its negation is a refusal (future or 'no X')."""

    value: str
    refusal: bool = False
    reason: str = ""


def clause_modality(verb: Token, words: ModalityWords) -> tuple[str, str]:
    """Modality from a verb's own auxiliaries, negation and conditional marker."""
    children = list(verb.children)
    if any(_negates(c, words) for c in children):
        return NEGATED, "negation"
    if any(c.dep_ == "mark" and c.lower_ in words.conditional_markers for c in children):
        return HYPOTHETICAL, "condition"
    if verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in words.conditional_markers for c in children):
        return HYPOTHETICAL, "condition"
    if _is_yes_no_question(verb, children):
        return HYPOTHETICAL, "question"  # "Will Turkey invade?": asked, not reported
    aux = [c.lower_ for c in children if c.dep_ in AUX_DEPS]
    if any(a in words.hypothetical_modals for a in aux):
        return HYPOTHETICAL, "modal"
    if any(a in words.future_modals for a in aux) or going_to(verb):
        return FUTURE, "future"
    adverbs = [c for c in children if c.dep_ in ("advmod", "npadvmod")]
    if any(a.lower_ in words.historical_markers for a in adverbs if a.dep_ == "advmod"):
        return HISTORICAL, "background"
    if any(_is_historical_phrase(c, words) for c in children):
        return HISTORICAL, "background"
    if verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in words.background_subordinators for c in children):
        return HISTORICAL, "background"  # "four years since Russia annexed ..."
    if any(a.lower_ in words.past_perfect_markers for a in adverbs) and is_past_perfect(verb):
        return HISTORICAL, "background"  # "had previously backed"
    if _is_main_past_perfect(verb, children, words):
        return HISTORICAL, "background (past perfect)"
    progressive = verb.tag_ == "VBG" and "be" in {c.lemma_ for c in children if c.dep_ in AUX_DEPS}
    if not progressive and any(_is_habitual(a, words) for a in adverbs):
        return GENERIC, "habitual"  # "is providing aid every month" is an ongoing act, still news
    if not progressive and any(_is_habitual_phrase(c, words) for c in children):
        return GENERIC, "habitual"  # "detained on a daily basis"
    return ASSERTED, ""


def _is_yes_no_question(verb: Token, children: list[Token]) -> bool:
    """'Will Turkey invade Syria?', 'Did the army shell the town?': the auxiliary before the subject, in a
    sentence that ends with a question mark. A wh-question ('Why did police arrest him?') takes its act as
    given, so it stays as it is."""
    sentence = verb.sent
    ending = [t for t in sentence if not (t.is_punct and t.text != "?") and not t.is_space]
    if not ending or ending[-1].text != "?":
        return False
    subjects = [c.i for c in children if c.dep_ in NOMINAL_SUBJECT_DEPS]
    inverted = subjects and any(c.dep_ in AUX_DEPS and c.i < min(subjects) for c in children)
    asked = any(t.tag_ in WH_TAGS for t in sentence if t.i < verb.i)
    return bool(inverted) and not asked


def is_past_perfect(verb: Token) -> bool:
    """'had armed': the verb has the auxiliary 'had'."""
    return any(c.dep_ == "aux" and c.lower_ == "had" for c in verb.children)


def is_infinitive(verb: Token) -> bool:
    """'to fight': the verb has the infinitive marker 'to'."""
    return any(c.dep_ == "aux" and c.tag_ == "TO" for c in verb.children)


def _is_main_past_perfect(verb: Token, children: list[Token], words: ModalityWords) -> bool:
    """'Turkey had armed the rebels': a main clause in the past perfect, past the lead, with no date or
    news adverb in its sentence."""
    clause = verb.head if verb.dep_ == "conj" else verb
    if clause.dep_ != "ROOT" or not is_past_perfect(clause):
        return False
    if clause.idx < words.lead_chars:
        return False
    if any(c.dep_ == "advmod" and c.lower_ in words.past_perfect_news_markers for c in (*children, *clause.children)):
        return False
    return not any(t.ent_type_ in ("DATE", "TIME") for t in clause.sent)


def _is_historical_phrase(child: Token, words: ModalityWords) -> bool:
    """'in the past' on the verb: the preposition and the lemma of its object."""
    if child.dep_ != "prep":
        return False
    objects = (o.lemma_.lower() for o in child.children if o.dep_ == "pobj")
    return any(f"{child.lower_} {lemma}" in words.historical_phrases for lemma in objects)


def _is_habitual_phrase(child: Token, words: ModalityWords) -> bool:
    """'on a daily basis', 'on a regular basis'."""
    if child.dep_ != "prep":
        return False
    return any(
        o.dep_ == "pobj"
        and o.lemma_.lower() in words.habitual_nouns
        and any(m.lower_ in words.habitual_adjectives for m in o.children if m.dep_ == "amod")
        for o in child.children
    )


def _is_purpose(verb: Token, words: ModalityWords) -> bool:
    """An infinitive of purpose after a verb of going or a noun of an arrangement: 'travelled to Iraq to
    fight', 'a truce to evacuate the wounded' - the act is intended, not reported done."""
    if verb.tag_ != "VB" or verb.dep_ not in ("advcl", "acl"):
        return False
    if not is_infinitive(verb):
        return False
    if any(c.dep_ in ("mark", "nsubj") for c in verb.children):
        return False  # "so as to", "for the army to": left to the other rules
    head_lemma = verb.head.lemma_.lower()
    if verb.dep_ == "advcl":
        return verb.head.pos_ in VERBAL_POS and head_lemma in words.purpose_verbs
    return verb.head.pos_ == "NOUN" and head_lemma in words.purpose_nouns


def _is_duty(verb: Token, words: ModalityWords) -> bool:
    """'Her task was to negotiate': the infinitive after a copula whose subject is a noun of intent."""
    head = verb.head
    if verb.dep_ != "xcomp" or head.lemma_ != "be":
        return False
    return any(c.dep_ == "nsubj" and c.lemma_.lower() in words.intent_nouns for c in head.children)


def _negates(child: Token, words: ModalityWords) -> bool:
    """'not', 'never', 'neither ... nor', and 'no longer' (an adverb negated in turn)."""
    if child.dep_ == "neg" or (child.dep_ in ("advmod", "preconj") and child.lower_ in words.negators):
        return True
    return child.dep_ == "advmod" and any(g.dep_ == "neg" or g.lower_ in words.negators for g in child.children)


def _is_habitual(adverb: Token, words: ModalityWords) -> bool:
    """'routinely', 'repeatedly', 'every year', 'each summer' (not 'as long as ...')."""
    if adverb.lower_ in words.habitual_markers:
        return not list(adverb.children)
    return any(c.dep_ == "det" and c.lower_ in words.habitual_determiners for c in adverb.children)


def going_to(verb: Token) -> bool:
    """'is going to strike': the verb is xcomp of a progressive 'go'."""
    head = verb.head
    return verb.dep_ == "xcomp" and head.lemma_ == "go" and head.tag_ == "VBG"


def _has_own_subject(verb: Token) -> bool:
    return any(c.dep_ in NOMINAL_SUBJECT_DEPS for c in verb.children)


def _is_future_negation(verb: Token, words: ModalityWords) -> bool:
    aux = {c.lower_ for c in verb.children if c.dep_ in AUX_DEPS}
    return bool(aux & (words.future_modals | REFUSAL_MODALS))


def verb_modality(verb: Token, words: ModalityWords, max_depth: int = 5) -> Modality:
    """Walk from the trigger's clause up through complements and conjunctions, stopping at relatives."""
    value, reason = clause_modality(verb, words)
    if value == NEGATED:
        return Modality(NEGATED, refusal=_is_future_negation(verb, words), reason=reason)
    if value in (FUTURE, HYPOTHETICAL) and _is_belief(verb, words):
        return Modality(HYPOTHETICAL, reason=f"a prediction ({verb.head.lemma_.lower()})")
    if value != ASSERTED:
        return Modality(value, reason=reason)
    if _is_purpose(verb, words) or _is_duty(verb, words):
        # intended, not announced: HYPOTHETICAL, so that no speech act recodes it as the subject's intent
        return Modality(HYPOTHETICAL, reason=f"purpose ({verb.head.lemma_.lower()})")
    current = verb
    for _ in range(max_depth):
        dep, head = current.dep_, current.head
        if dep == "relcl" and is_infinitive(current):
            dep = "acl"  # "threats to carry out strikes": an infinitive the parser took for a relative clause
        if dep == "dobj" and current.tag_ == "VBG" and head.pos_ in VERBAL_POS:
            dep = "xcomp"  # "denied planning to attack", "avoided naming": a gerund object is the verb's complement
        if head.i == current.i or dep in CLAUSE_STOP_DEPS:
            break
        head_lemma = head.lemma_.lower()
        if (
            dep == "xcomp"
            and head_lemma in ("be", "have")
            and any(c.dep_ == "advmod" and c.lower_ in words.not_yet_markers for c in head.children)
        ):
            return Modality(NEGATED, reason="not yet")  # "is yet to offer", "has yet to release"
        if dep in ("xcomp", "ccomp") and head_lemma in words.wish_verbs:
            return Modality(HYPOTHETICAL, reason=f"wanted ({head_lemma})")  # "begged to be allowed"
        if dep == "xcomp" or (dep == "ccomp" and head_lemma not in words.speech_verbs):
            if head_lemma in words.refusal_verbs:
                if clause_modality(head, words)[0] == NEGATED:  # "has not ruled out sending troops"
                    return Modality(HYPOTHETICAL, reason=f"not refused ({head_lemma})")
                return Modality(NEGATED, refusal=True, reason=f"refused ({head_lemma})")
            if head_lemma in words.intent_verbs and dep == "ccomp" and _has_own_subject(current):
                # "demanded that Russia withdraw": wanted by someone else, not Russia's own intent
                return Modality(HYPOTHETICAL, reason=f"wanted ({head_lemma})")
            if head_lemma in words.schedule_words:
                # "troops are set to withdraw": the writer's schedule or forecast, no one's announcement
                return Modality(FUTURE, reason=f"{SCHEDULED} ({head_lemma})")
            if head_lemma in words.intent_verbs:
                # "would allow Russia to withdraw": a hypothetical intent is hypothetical; "denied planning
                # to invade", "did not plan to attack": a negated or refused intent is no intent
                intent = verb_modality(head, words, max_depth - 1) if max_depth > 1 else Modality(ASSERTED)
                if intent.value == NEGATED:
                    return Modality(NEGATED, reason=f"{intent.reason}: no intent ({head_lemma})")
                hypothetical = intent.value == HYPOTHETICAL or clause_modality(head, words)[0] == HYPOTHETICAL
                return Modality(HYPOTHETICAL if hypothetical else FUTURE, reason=f"intent ({head_lemma})")
        if dep == "advcl" and any(c.dep_ == "mark" and c.lower_ in words.conditional_markers for c in current.children):
            return Modality(HYPOTHETICAL, reason="condition")
        if dep in ("acl", "xcomp", "ccomp") and head.pos_ in ("NOUN", "PROPN") and current.tag_ != "VBG":
            # an infinitive or a that-clause; "a resolution criticizing X" is the document's own act
            if head_lemma in words.intent_nouns:
                if clause_modality(head.head, words)[0] == NEGATED:
                    return Modality(NEGATED, reason=f"no {head_lemma}")  # "has not made any decision to send"
                return Modality(FUTURE, reason=f"intent ({head_lemma})")  # "his promise to invade"
            if head_lemma in words.wanted_nouns:
                return Modality(HYPOTHETICAL, reason=f"wanted ({head_lemma})")  # "demands that it withdraw"
        if dep in MODALITY_SPREAD_DEPS or dep == "prep":
            head_value, head_reason = clause_modality(head, words)
            if head_value == NEGATED and dep == "conj" and _contrasted(current, head, words):
                break  # "did not give a toll but blamed the rebels": the blame is real
            if head_value == NEGATED and dep != "ccomp":
                return Modality(NEGATED, refusal=_is_future_negation(head, words), reason=head_reason)
            if head_value in UNREAL_HEAD_VALUES and (dep != "ccomp" or head_lemma not in words.speech_verbs):
                return Modality(head_value, reason=f"{head_reason} ({head_lemma})")
            if dep == "ccomp" and head_lemma in words.speech_verbs:
                break  # reported speech: the report keeps the clause's own modality
            current = head
            continue
        break
    return Modality(ASSERTED)


def _contrasted(conjunct: Token, head: Token, words: ModalityWords) -> bool:
    """'did not X but Y': a contrasting conjunction between two verbs stops the negation of the first."""
    return any(
        c.dep_ == "cc" and c.lower_ in words.contrast_conjunctions and head.i < c.i < conjunct.i for c in head.children
    )


def _is_scheduled(noun: Token, words: ModalityWords) -> bool:
    """'Talks are due to resume', 'a summit is expected to open', 'a vote is planned': the event noun is
    the subject of a verb or adjective of intent with an infinitive ("a round of talks is expected to ...":
    through "of"), or the passive subject of a verb of intent ("a vote is planned")."""
    if noun.dep_ == "pobj" and noun.head.lower_ == "of":
        noun = noun.head.head
    if noun.dep_ not in NOMINAL_SUBJECT_DEPS:
        return False
    head = noun.head
    if noun.dep_ == "nsubjpass" and head.lemma_.lower() in words.intent_verbs:
        return True  # "a vote is planned"
    heads = [head, *(c for c in head.children if c.dep_ == "acomp")]
    return any(h.lemma_.lower() in words.intent_verbs and any(c.dep_ == "xcomp" for c in h.children) for h in heads)


def _is_belief(verb: Token, words: ModalityWords) -> bool:
    """'Analysts believe (that) Turkey will attack': the clause under a verb of belief is a prediction."""
    return verb.dep_ == "ccomp" and verb.head.lemma_.lower() in words.belief_verbs


def noun_modality(noun: Token, words: ModalityWords) -> Modality:
    """An event noun: its determiners first ("no concessions", "any invasion"), the verb that averts it
    ("spared an attack", "foiled a bombing"), then its clause."""
    modifiers = {c.lower_ for c in noun.children if c.dep_ in NOUN_MODIFIER_DEPS}
    if modifiers & words.negative_determiners:
        return Modality(NEGATED, refusal=True, reason="no")
    if modifiers & words.hypothetical_determiners:
        return Modality(HYPOTHETICAL, reason="determiner")
    if modifiers & words.historical_determiners:
        return Modality(HISTORICAL, reason="background")
    if modifiers & words.habitual_adjectives:
        return Modality(GENERIC, reason="habitual")
    averting = {noun.head.lemma_.lower(), noun.head.lower_} & words.averting_verbs
    if noun.dep_ in ("dobj", "nsubjpass", "dative") and averting:
        return Modality(NEGATED, reason=f"averted ({noun.head.lower_})")
    if noun.dep_ == "nsubjpass" and noun.head.lemma_.lower() in words.belief_verbs:
        return Modality(HYPOTHETICAL, reason=f"a prediction ({noun.head.lemma_.lower()})")  # "an attack is feared"
    if _is_scheduled(noun, words):
        return Modality(FUTURE, reason=SCHEDULED)
    verb = noun.head
    for _ in range(4):  # the nearest verb above the noun decides the rest
        if verb.pos_ in VERBAL_POS or verb.head.i == verb.i:
            break
        verb = verb.head
    if verb.pos_ in VERBAL_POS and verb.i != noun.i:
        return verb_modality(verb, words)
    return Modality(ASSERTED)


def trigger_modality(trigger: Token, pos: str, words: ModalityWords) -> Modality:
    return noun_modality(trigger, words) if pos == "noun" else verb_modality(trigger, words)
