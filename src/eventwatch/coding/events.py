"""From a parsed sentence to events: match predicates, pick actors, decide modality, add date and place.

``EventBuilder.sentence_events`` is the per-sentence step of the Coder. It holds no per-document
state itself; what it learns about actors in a document lives in the ``DocumentActors`` passed in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import product

from spacy.tokens import Span, Token

from eventwatch.coding.actors import DocumentActors
from eventwatch.coding.attribution import find_attribution
from eventwatch.coding.dates import resolve_event_date
from eventwatch.coding.domestic import place_parties
from eventwatch.coding.lexicon import Lexicon, Match
from eventwatch.coding.modality import ModalityWords, trigger_modality
from eventwatch.coding.ontology import Ontology
from eventwatch.coding.places import Gazetteer, mentioned_location, scene_location
from eventwatch.coding.predicates import (
    Predicate,
    find_predicates,
    inherited_subjects,
    noun_predicate,
    with_conjuncts,
)
from eventwatch.coding.speech_acts import (
    Recoded,
    clause_verb,
    code_fields,
    recode,
    reported_accusations,
    reported_clause,
)
from eventwatch.records import ASSERTED, HISTORICAL, Actor, Document, Event, Trigger

# Where to look for the target when the lexicon entry does not say, in order.
TARGET_PREPS = (
    "against", "on", "with", "to", "at", "from", "into", "toward", "towards", "over", "near", "of", "for",
    "between", "among",
)  # fmt: skip
THREAT_ROOT = "13"
NOT_ACTOR_ENTITIES = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
NESTED_TARGET_PREPS = ("against", "on", "into", "with", "to", "from", "by", "of", "for")
VIOLENT_ROOTS = {"17", "18", "19", "20"}
ANAPHORIC = {
    "such",
    "the",
    "this",
    "that",
    "these",
    "those",
    "any",
}  # a threat is conditional by nature: its "would" does not make the threat unreal


@dataclass(slots=True)
class EventBuilder:
    lexicon: Lexicon
    ontology: Ontology
    modality_words: ModalityWords
    gazetteer: Gazetteer

    def sentence_events(
        self, document: Document, index: int, sentence: Span, actors: DocumentActors, day: dt.date | None
    ) -> list[Event]:
        predicates = find_predicates(sentence, self.lexicon.noun_lemmas)
        matches = {id(p): self.lexicon.match(p) for p in predicates}
        # "launched an attack": the noun's event replaces the support verb's, if the noun is an event here
        used_support = {
            p.support_verb.i
            for p in predicates
            if p.support_verb is not None
            and p.pos == "noun"
            and matches[id(p)] is not None
            and self.lexicon.is_support_verb(p.support_verb)
        }
        speakers, speech_verb = self._speaker(sentence, actors)
        events: list[Event] = []
        attribution: tuple[str | None, str | None] | None = None
        seen: set[tuple] = set()
        for pred in predicates:
            if pred.pos == "verb" and pred.trigger.i in used_support:
                continue
            match = matches[id(pred)]
            if match is None:
                continue
            built = self._events_for(document, index, sentence, pred, match, actors, (speakers, speech_verb), day)
            if built and attribution is None:
                attribution = find_attribution(sentence, sentence.doc)
            for event in built:
                key = (
                    event.trigger.start,
                    event.cameo,
                    event.source.code or event.source.text,
                    event.target.code if event.target else None,
                )
                if key in seen:
                    continue
                seen.add(key)
                event.attribution, event.quote = attribution or (None, None)
                events.append(event)
        events = _without_nested_nouns(events, sentence)
        return events + reported_accusations(events, speakers, speech_verb, sentence, self.lexicon, self.ontology)

    def _events_for(
        self,
        document: Document,
        index: int,
        sentence: Span,
        pred: Predicate,
        match: Match,
        actors: DocumentActors,
        speech: tuple[list[Actor], Token | None],
        day: dt.date | None,
    ) -> list[Event]:
        modality = trigger_modality(pred.trigger, pred.pos, self.modality_words)
        speakers, speech_verb = speech
        recoded = recode(pred, match, modality, speakers, speech_verb, self.lexicon, self.modality_words)
        code, rule, modality = recoded.code, recoded.rule, recoded.modality
        parties = self._parties(pred, match, recoded, actors, speakers, speech_verb)
        if parties is None:
            return []
        sources, targets = parties
        entry = self.ontology.get(code)
        trigger_tokens = pred.trigger_tokens
        doc = sentence.doc
        trigger_span = doc[trigger_tokens[0].i : trigger_tokens[-1].i + 1]
        trigger = Trigger(trigger_span.text, trigger_span.start_char, trigger_span.end_char, pred.lemma)
        date, precision = resolve_event_date(sentence, pred.trigger, day)
        value = modality.value
        if value == ASSERTED and _is_historical(date, precision, day, self.modality_words.historical_days):
            value = HISTORICAL
        actor_spans = [(a.start, a.end) for a in sources + [t for t in targets if t]]
        scene = scene_location(sentence, pred.trigger, self.gazetteer, actor_spans)
        location = scene or mentioned_location(sentence, pred.trigger, self.gazetteer, actor_spans)
        # only a place the text puts the event in says whose country its unnamed parties are
        sources, targets = place_parties(sources, targets, scene, sentence)
        events = []
        pairs = {}
        for source, target in product(sources, targets):
            if target is not None and _same_actor(source, target):
                target = None  # "the Pentagon placed US troops on alert": no other party
            pairs.setdefault((source.start, source.code, target.start if target else None), (source, target))
        for source, target in pairs.values():
            events.append(
                Event(
                    doc_id=document.id,
                    sentence_index=index,
                    sentence=sentence.text.strip(),
                    sentence_start=sentence.start_char,
                    source=source,
                    target=target,
                    **code_fields(entry),
                    trigger=trigger,
                    modality=value,
                    confidence=_confidence(match, pred, source, target),
                    date=date,
                    date_precision=precision,
                    location=location,
                    rule=rule + (f" <{modality.reason}>" if modality.reason else ""),
                    url=document.url,
                )
            )
        return events

    def _parties(
        self,
        pred: Predicate,
        match: Match,
        recoded: Recoded,
        actors: DocumentActors,
        speakers: list[Actor],
        speech_verb: Token | None,
    ) -> tuple[list[Actor], list[Actor | None]] | None:
        """Who acted and on whom; None when the text names no one who acted."""
        code = recoded.code
        speaker = speakers[0] if speakers else None
        sources = self._sources(pred, actors, speakers)
        reversed_targets: list[Actor] = []
        if match.source and pred.prep_objects(match.source):
            # "received weapons from the government": the government gave; the receiver is the target
            givers = [a for a in (actors.resolve(h, speaker) for h in pred.prep_objects(match.source)) if a]
            if givers:
                sources, reversed_targets = givers, sources
        # "ten soldiers were killed": the agent is unknown, but a known party suffered the action
        if (
            not sources
            and pred.pos == "verb"
            and pred.passive
            and self.ontology.get(code).quad_class in (2, 4)  # material acts: "killed", "arrested", "freed"
            and any(t.code for t in self._targets(pred, match, actors, speaker, []))
        ):
            sources = [_unknown_actor(pred)]
        if not sources:
            return None
        targets: list[Actor | None] = list(reversed_targets or self._targets(pred, match, actors, speaker, sources))
        if pred.passive and sources == speakers and code[:2] in VIOLENT_ROOTS:
            # "Israel said a mortar bomb was fired at it": who reports violence is seldom who did it
            sources = [_unknown_actor(pred)]
        if not targets and speech_verb is not None and sources == speakers:
            # "X told Iran there will be no easing": the one told is the target of what X says
            addressees = [c for c in speech_verb.children if c.dep_ in ("dobj", "dative")]
            targets = [a for a in (actors.resolve(h, speaker) for h in addressees) if a is not None]
        if recoded.requested:
            sources, targets = list(speakers), list(sources)  # the speaker asks it of the action's actor
        return sources, targets or [None]

    def _sources(self, pred: Predicate, actors: DocumentActors, speakers: list[Actor]) -> list[Actor]:
        subjects = self._document_authors(pred) or pred.subjects
        found = self._actors_among(subjects, pred, actors, speakers, pred.passive)
        if not found and pred.pos == "noun" and self._lends_subject(pred):
            # "the EU imposed sanctions": the support verb's subject did the noun's action
            support = pred.support_verb
            agents = [h for c in support.children if c.dep_ == "agent" for h in c.children if h.dep_ == "pobj"]
            heads = agents or [s for c in support.children if c.dep_ == "nsubj" for s in with_conjuncts(c)]
            heads = heads or inherited_subjects(support)
            passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in support.children)
            found = self._actors_among(heads, pred, actors, speakers, passive, via_support=True)
        if not found and pred.pos == "noun" and _existential(pred):
            found = list(speakers)  # "there will be no concessions", X said: X makes the refusal
        return found

    def _document_authors(self, pred: Predicate) -> list[Token]:
        """'passed a resolution criticizing X': the resolution's authors criticize."""
        trigger, document = pred.trigger, pred.trigger.head
        if trigger.dep_ != "acl" or trigger.tag_ != "VBG":
            return []
        if document.lemma_.lower() not in self.modality_words.document_nouns or document.dep_ not in ("dobj", "obj"):
            return []
        verb = document.head
        subjects = [s for c in verb.children if c.dep_ == "nsubj" for s in with_conjuncts(c)]
        return subjects or inherited_subjects(verb)

    def _actors_among(
        self,
        heads: list[Token],
        pred: Predicate,
        actors: DocumentActors,
        speakers: list[Actor],
        passive: bool,
        via_support: bool = False,
    ) -> list[Actor]:
        speaker = speakers[0] if speakers else None
        pairs = [(actors.resolve(h, speaker), h) for h in heads]
        # "military assistance" names no actor: a noun's modifier counts only as a known country or body.
        noun_modifiers = pred.pos == "noun" and not via_support
        resolved = [a for a, h in pairs if a is not None and (not noun_modifiers or a.code or h.dep_ == "poss")]
        if resolved:
            return resolved
        named = [h for h in heads if _may_stay_unresolved(h, pred, via_support)]
        if named:
            # Unknown to the knowledge base, but the text still says who acted.
            return [_unresolved(h) for h in named]
        if passive and reported_clause(clause_verb(pred)):
            return list(speakers)  # "aid had been sent", said Blinken: the reporting government acted
        return []

    def _targets(
        self, pred: Predicate, match: Match, actors: DocumentActors, speaker: Actor | None, sources: list[Actor]
    ) -> list[Actor]:
        """The first place in the parse that names a known actor, nearest the trigger first."""
        support = pred.support_verb if pred.pos == "noun" and self._lends_subject(pred) else None
        candidates = target_candidates(pred, match.target, support)
        own_codes = {a.code for a in sources if a.code}
        first: list[Actor] = []
        for heads in candidates:
            resolved = [a for a in (actors.resolve(h, speaker) for h in heads) if a is not None]
            resolved = resolved or self._agents_of_event_nouns(heads, actors, speaker)
            if not resolved:
                continue
            if any(not _sources_own(a, own_codes) for a in resolved):
                return resolved
            # "Syria offered its troops to Lebanon": the source's own people are seldom the target
            first = first or resolved
        if first:
            return first
        # Unknown to the knowledge base: still say to whom or what it was done ("sued the FBI").
        for heads in candidates:
            named = [h for h in heads if h.pos_ in ("PROPN", "NOUN") and h.ent_type_ not in NOT_ACTOR_ENTITIES]
            if named:
                return [_unresolved(h) for h in named]
        return []

    def _agents_of_event_nouns(self, heads: list[Token], actors: DocumentActors, speaker: Actor | None) -> list[Actor]:
        """'any such incursion would be met with ...': a threatened or condemned action points at its actor.

        The noun's own modifiers first ("Russian aggression"); for an anaphoric noun ("such incursion",
        "the attack") the actor of the nearest earlier event noun in the document.
        """
        nouns = self.lexicon.noun_lemmas
        for head in heads:
            if head.lemma_.lower() not in nouns:
                continue
            found = [a for m in noun_predicate(head).subjects if (a := actors.resolve(m, speaker)) and a.code]
            if found:
                return found
            if not any(c.dep_ in ("det", "amod") and c.lower_ in ANAPHORIC for c in head.children):
                continue
            doc = head.doc
            for earlier in reversed(doc[max(0, head.i - 80) : head.i]):
                if earlier.lemma_.lower() in nouns and earlier.pos_ == "NOUN":
                    found = [
                        a for m in noun_predicate(earlier).subjects if (a := actors.resolve(m, speaker)) and a.code
                    ]
                    if found:
                        return found
        return []

    def _lends_subject(self, pred: Predicate) -> bool:
        """'Russia launched an invasion': a support verb, or a verb the lexicon does not know
        governing the noun through a preposition ("troops were placed on alert")."""
        verb = pred.support_verb
        if verb is None:
            return False
        if self.lexicon.is_support_verb(verb):
            return True
        return (
            pred.trigger.dep_ == "pobj"
            and pred.trigger.head.lower_ in ("on", "under", "in", "into")
            and (verb.lemma_.lower(), "verb") not in self.lexicon.entries
        )

    def _speaker(self, sentence: Span, actors: DocumentActors) -> tuple[list[Actor], Token | None]:
        """Who is reported as speaking in this sentence (the subjects of its speech verb), and that verb."""
        speech = self.modality_words.speech_verbs
        for token in sentence:
            if token.pos_ != "VERB" or token.lemma_.lower() not in speech:
                continue
            subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
            if subject is None or subject.pos_ == "PRON" and subject.lower_ not in ("he", "she", "they"):
                continue
            found = []
            for head in with_conjuncts(subject):
                actor = actors.resolve(head)
                if actor is None and head.pos_ in ("PROPN", "NOUN"):
                    actor = _unresolved(head)
                if actor is not None and actor.sector != "MED":  # "the AP reports" reports, not acts
                    found.append(actor)
            if found:
                return found, token
        return [], None


def target_candidates(pred: Predicate, preferred: str | None, support: Token | None = None) -> list[list[Token]]:
    """Groups of head tokens where a target may stand, in the order they are tried.

    The entry's own slot first, then the object, then prepositional phrases (for an event noun also those
    of its support verb: "filed a lawsuit ... against X"); then one level down: the subject and object of
    a complement clause ("demanded that the US cancel", "urged Iran to stop"), and the possessor and
    phrases of the object or of a prepositional object ("rejected an offer from Kabul", "condemned
    Serbia's crackdown", "called for sanctions against Moscow").
    """
    groups: list[list[Token]] = []
    if preferred and preferred != "object":
        groups.append(pred.preps.get(preferred, []))
    if pred.pos == "verb":
        groups.append(pred.objects)
    groups += [pred.preps[p] for p in TARGET_PREPS if p in pred.preps]
    if support is not None:
        support_preps = _prep_objects(support)
        groups += [support_preps[p] for p in TARGET_PREPS if p in support_preps]
    for comp in pred.complements:
        groups.append([s for c in comp.children if c.dep_ in ("nsubj", "nsubjpass") for s in with_conjuncts(c)])
        comp_preps = _prep_objects(comp)  # "offered to send troops to Uganda"
        groups += [comp_preps[p] for p in TARGET_PREPS if p in comp_preps]
        groups.append([o for c in comp.children if c.dep_ in ("dobj", "dative") for o in with_conjuncts(c)])
    for clause in [clause_verb(pred), *pred.complements]:
        # "threatened to strike unless Israel withdrew": the one the condition is put to
        for cond in (c for c in clause.children if c.dep_ == "advcl" and any(m.dep_ == "mark" for m in c.children)):
            groups.append([s for c in cond.children if c.dep_ in ("nsubj", "nsubjpass") for s in with_conjuncts(c)])
    nested = (pred.objects if pred.pos == "verb" else []) + [o for p in TARGET_PREPS for o in pred.preps.get(p, [])]
    for head in nested:
        for child in head.children:
            if child.dep_ == "poss":
                groups.append(with_conjuncts(child))
            elif child.dep_ == "prep" and child.lower_ in NESTED_TARGET_PREPS:
                groups.append([o for c in child.children if c.dep_ == "pobj" for o in with_conjuncts(c)])
    return [g for g in groups if g]


def _prep_objects(verb: Token) -> dict[str, list[Token]]:
    found: dict[str, list[Token]] = {}
    for prep in (c for c in verb.children if c.dep_ == "prep"):
        found.setdefault(prep.lower_, []).extend(
            o for c in prep.children if c.dep_ == "pobj" for o in with_conjuncts(c)
        )
    return found


def _existential(pred: Predicate) -> bool:
    """'there will be no concessions': the noun is the attribute of an existential 'be'."""
    verb = pred.support_verb
    return verb is not None and verb.lemma_ == "be" and any(c.dep_ == "expl" for c in verb.children)


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
            if token.dep_ in ("dobj", "nsubjpass") and any(verb.i == token.head.i for verb, _ in verb_events):
                continue
        kept.append(event)
    return kept


def _unknown_actor(pred: Predicate) -> Actor:
    """A source the text does not name (an agentless passive), placed at the trigger."""
    return Actor("", None, None, None, None, pred.trigger.idx, pred.trigger.idx, "unknown")


def _sources_own(actor: Actor, source_codes: set[str]) -> bool:
    """'its troops', 'army reservists', the source itself: the source's own people or assets."""
    return actor.country is None or "+of:" in (actor.entry or "") or actor.code in source_codes


def _may_stay_unresolved(head: Token, pred: Predicate, via_support: bool = False) -> bool:
    """Whether an actor the knowledge base does not know is still worth an event.

    A verb's own subject is ("The NGO has denounced ..."); a noun's possessor is ("the group's attack");
    a noun modifier ("military assistance") or a noun a clause hangs from ("a demand to ban") is not.
    """
    if head.pos_ in ("PRON", "DET", "NUM", "ADJ"):
        return False
    if pred.pos == "noun" and not via_support:
        return head.dep_ == "poss" or head.dep_ == "pobj"  # "attack by the group"
    return head.dep_ in ("nsubj", "nsubjpass", "csubj", "pobj")


def _unresolved(head: Token) -> Actor:
    from eventwatch.coding.actors import phrase_tokens

    tokens = phrase_tokens(head)
    span = head.doc[tokens[0].i : tokens[-1].i + 1]
    return Actor(span.text, None, None, None, None, span.start_char, span.end_char, None)


def _same_actor(a: Actor, b: Actor) -> bool:
    """The same mention, or the same actor named the same way. Two parties of one country stay a dyad
    ("Sudan's government lifted the emergency in West Darfur": SDNGOV -> SDN)."""
    if a.start == b.start and a.end == b.end:
        return True
    return a.code is not None and a.code == b.code and a.text.lower() == b.text.lower()


def _is_historical(date: str | None, precision: str, day: dt.date | None, days: int) -> bool:
    if not date or day is None or precision in ("document", "unknown"):
        return False
    return (day - dt.date.fromisoformat(date)).days >= days


def _confidence(match: Match, pred: Predicate, source: Actor, target: Actor | None) -> float:
    score = match.confidence
    score += 0.1 if source.code else -0.15
    score += 0.05 if target is not None and target.code else 0.0
    if source.entry and source.entry.startswith("coref:"):
        score -= 0.05
    if pred.pos == "noun":
        score -= 0.05
    return max(0.05, min(0.99, score))
