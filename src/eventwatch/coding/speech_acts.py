"""Speech acts about actions: what was said about an action is coded as an event of its own.

A refused concession is a REJECT, an announced act an intent (or a threat when tied to a condition), a
reported obligation a request by the speaker, claimed violence an accusation. The CAMEO codes come from
the code maps in ``data/lexicon`` (refusals, intents, threats, requests, accusations); this module
decides which applies from the parse and the modality.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from spacy.tokens import Span, Token

from eventwatch.coding.grammar import AUX_DEPS, EMBEDDED_CLAUSE_DEPS, NOMINAL_SUBJECT_DEPS, REPORTED_DEPS
from eventwatch.coding.lexicon import Lexicon, Match, mapped_code
from eventwatch.coding.modality import SCHEDULED, Modality, ModalityWords
from eventwatch.coding.ontology import CameoCode, Ontology
from eventwatch.coding.predicates import Predicate, object_controller
from eventwatch.records import ASSERTED, FUTURE, HYPOTHETICAL, NEGATED, Actor, Event, Trigger

THREAT_ROOT = "13"  # a threat is conditional by nature: its "would" does not make the threat unreal


@dataclass(frozen=True, slots=True)
class Recoded:
    """The code an action is reported under, and whether it is a request of the speaker."""

    code: str
    rule: str
    modality: Modality
    requested: bool = False


def recode(
    pred: Predicate,
    match: Match,
    modality: Modality,
    speakers: list[Actor],
    speech_verb: Token | None,
    lexicon: Lexicon,
    words: ModalityWords,
) -> Recoded:
    """The speech act a sentence makes about the action, if any; else the action's own code."""
    code, rule = match.code, match.rule
    requested = reported_request(pred, modality, speech_verb, lexicon.requests) if speakers else None
    if requested is not None:
        # "Russia said Sudan must return the helicopter": Russia demands it of Sudan
        return Recoded(requested, f"{rule} (requested)", Modality(ASSERTED, reason="request"), requested=True)
    verb = clause_verb(pred)
    if modality.value == NEGATED and modality.refusal:
        refused = mapped_code(lexicon.refusals, code)
        if refused:
            return Recoded(refused, f"{rule} (refused)", Modality(ASSERTED, reason="refusal"))
    elif not _object_controlled(verb) and (_announced(modality) or _reported_would(verb, modality, words)):
        conditional = _has_condition(verb, words)
        announced = mapped_code(lexicon.threats if conditional else lexicon.intents, code)
        if announced:
            kind = "threat" if conditional else "intent"
            return Recoded(announced, f"{rule} ({kind})", Modality(ASSERTED, reason=kind))
    if code.startswith(THREAT_ROOT) and modality.value in (HYPOTHETICAL, FUTURE):
        return Recoded(code, rule, Modality(ASSERTED, reason="threat"))
    return Recoded(code, rule, modality)


def reported_request(
    pred: Predicate, modality: Modality, speech_verb: Token | None, requests: dict[str, str]
) -> str | None:
    """The request code for 'X said Y must/should ...' (requests.yaml), or None."""
    verb = clause_verb(pred)
    if modality.value != HYPOTHETICAL or speech_verb is None or verb.dep_ != "ccomp" or verb.head.i != speech_verb.i:
        return None
    modals = [c.lower_ for c in verb.children if c.dep_ in AUX_DEPS]
    return next((requests[m] for m in modals if m in requests), None)


def reported_accusations(
    events: list[Event],
    speakers: list[Actor],
    speech_verb: Token | None,
    sentence: Span,
    lexicon: Lexicon,
    ontology: Ontology,
) -> list[Event]:
    """'Ukraine said Russian forces shelled Kharkiv': Ukraine also accuses Russia (accusations.yaml)."""
    if speech_verb is None or not speakers or speech_verb.lemma_.lower() not in lexicon.accusing_verbs:
        return []
    doc = sentence.doc
    found = []
    for event in events:
        code = mapped_code(lexicon.accusations, event.cameo)
        span = doc.char_span(event.trigger.start, event.trigger.end)
        if code is None or not event.is_real or span is None or not speech_verb.is_ancestor(span.root):
            continue
        accused = event.source if event.source.code else None
        for speaker in speakers:
            if accused is not None and (speaker.country or speaker.code) == (accused.country or accused.code):
                continue
            entry = ontology.get(code)
            trigger = Trigger(
                speech_verb.text,
                speech_verb.idx,
                speech_verb.idx + len(speech_verb.text),
                speech_verb.lemma_.lower(),
            )
            found.append(
                replace(
                    event,
                    source=speaker,
                    target=accused,
                    **code_fields(entry),
                    trigger=trigger,
                    confidence=max(0.05, event.confidence - 0.15),
                    rule=f"accusations:{event.cameo} reported ({event.rule})",
                )
            )
    return found


def reported_clause(verb: Token) -> bool:
    """The clause is what is reported (or the sentence itself), not a relative clause inside it."""
    for _ in range(3):
        if verb.dep_ in EMBEDDED_CLAUSE_DEPS:
            return False
        if verb.dep_ in REPORTED_DEPS or verb.head.i == verb.i:
            return True
        verb = verb.head
    return False


def clause_verb(pred: Predicate) -> Token:
    """The verb whose clause holds the action: the trigger, or an event noun's support verb."""
    return pred.support_verb if pred.pos == "noun" and pred.support_verb is not None else pred.trigger


def _object_controlled(verb: Token) -> bool:
    """'Obama wants Putin to attack': the intent is not the attacker's own, so it is no threat by Putin."""
    return verb.dep_ == "xcomp" and bool(object_controller(verb.head))


def _reported_would(trigger: Token, modality: Modality, words: ModalityWords) -> bool:
    """'Iraq said it would allow inspectors back': a modal inside reported speech announces an intent."""
    if modality.value != HYPOTHETICAL or modality.reason != "modal" or trigger.pos_ != "VERB":
        return False
    if trigger.dep_ != "ccomp" or trigger.head.lemma_.lower() not in words.speech_verbs:
        return False
    # only about the speaker's own acts ("X said it would ..."); "X said Y could invade" is a prediction
    return any(c.dep_ in NOMINAL_SUBJECT_DEPS and c.pos_ == "PRON" for c in trigger.children)


def _has_condition(trigger: Token, words: ModalityWords) -> bool:
    """'will withdraw its force unless ...': an announced act tied to a condition is a threat (or promise)."""
    return any(
        c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in words.conditional_markers for m in c.children)
        for c in trigger.children
    )


def code_fields(entry: CameoCode) -> dict:
    """The Event fields that follow from its CAMEO code."""
    return {
        "cameo": entry.code,
        "cameo_name": entry.name,
        "cameo_root": entry.root,
        "goldstein": entry.goldstein,
        "quad_class": entry.quad_class,
        "plover": entry.plover_type,
        "plover_mode": entry.plover_mode,
        "plover_context": entry.plover_context,
    }


def _announced(modality: Modality) -> bool:
    """A future someone announced ("will withdraw", "plans to withdraw"), not a schedule or a forecast
    ("is set to withdraw", "talks are due to begin")."""
    return modality.value == FUTURE and not modality.reason.startswith(SCHEDULED)
