"""The roles pass: who acted on whom, for each candidate event, looked up in the registry.

The source is the predicate's subject (or the agent of a passive, the subject a support verb lends an
event noun, the authors of a document that "criticizes"); the target is the first place in the parse
that names a known actor, nearest the trigger first (``target_candidates``). A giver in a "from"
phrase ("received weapons from X") is the source; an agentless passive with a known victim has an
unknown source; a reported request puts the speaker first. Parties named only by their kind take the
country of the place the event happens in or of the other party (``domestic.py``). A party is never
its own target. Every choice leaves a step in the trail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import product
from typing import ClassVar

from spacy.tokens import Doc, Span, Token

from eventwatch.coding.actors import NonActors, unresolved
from eventwatch.coding.classify import Candidate
from eventwatch.coding.domestic import place_parties
from eventwatch.coding.grammar import (
    ACTING_DEPS,
    ANAPHORIC,
    COMPANION_PREPS,
    DETERMINER_DEPS,
    DIRECT_OBJECT_DEPS,
    MODIFIER_CLAUSE_DEPS,
    NESTED_TARGET_PREPS,
    NOMINAL_POS,
    NOMINAL_SUBJECT_DEPS,
    NON_NAME_POS,
    NOT_ACTOR_ENTITIES,
    OBJECT_OR_DATIVE_DEPS,
    PARTY_ENTITIES,
    PASSIVE_MARK_DEPS,
    STATE_PREPS,
    TARGET_PREPS,
    VERBAL_POS,
)
from eventwatch.coding.knowledge import Knowledge
from eventwatch.coding.places import PlaceFinder
from eventwatch.coding.predicates import Predicate, inherited_subjects, noun_predicate, with_conjuncts
from eventwatch.coding.registry import Registry, Speaker
from eventwatch.coding.speech_acts import clause_verb, reported_clause
from eventwatch.coding.state import DocumentState
from eventwatch.records import Actor, Location

VIOLENT_ROOTS = frozenset({"17", "18", "19", "20"})
PRIVATE_SECTOR = "CVL"  # civilians: a party of their country, but alone no political actor
MATERIAL_QUAD_CLASSES = frozenset({2, 4})  # material acts: "killed", "arrested", "freed"
EARLIER_EVENT_WINDOW = 80  # tokens to look back for the event an anaphoric noun ("the attack") repeats


@dataclass(slots=True)
class Parties:
    """The parties of one candidate: (source, target) pairs, the scene, and the parties' spans."""

    pairs: list[tuple[Actor, Actor | None]]
    scene: Location | None
    actor_spans: list[tuple[int, int]] = field(default_factory=list)


class RolesPass:
    name: ClassVar[str] = "roles"
    reads: ClassVar[tuple[str, ...]] = ("sentences", "entities", "registry", "candidates")
    writes: ClassVar[tuple[str, ...]] = ("parties",)

    def __init__(self, knowledge: Knowledge):
        self.lexicon = knowledge.lexicon
        self.ontology = knowledge.ontology
        self.document_nouns = knowledge.modality.document_nouns
        self.non_actors = knowledge.actors.non_actors
        self.topics = self.non_actors.abstract | self.non_actors.topics  # what an act is about
        self.mutual_roots = knowledge.actors.mutual_roots
        self.addressed_roots = knowledge.actors.addressed_roots
        self.political_roots = knowledge.actors.political_roots
        self.places = PlaceFinder(knowledge.places, knowledge.gazetteer)

    def __call__(self, state: DocumentState) -> DocumentState:
        assert state.candidates is not None and state.registry is not None
        assert state.sentences is not None and state.entities is not None
        found: list[Parties | None] = []
        dyads = _RecentDyads()
        for candidate in state.candidates:
            finder = _PartyFinder(self, candidate, state.registry)
            parties = finder.parties()
            where = {"sentence": candidate.sentence, "about": candidate.about}
            for rule, detail in finder.notes:
                state.note(self.name, rule, detail, **where)
            if parties is None:
                state.note(self.name, "dropped", "the text names no one who acted", **where)
                found.append(None)
                continue
            placed = self._placed(state, candidate, *parties)
            private = candidate.code[:2] in self.political_roots and not any(
                _political(a, state.doc) for pair in placed.pairs for a in pair if a is not None
            )
            if private:
                detail = "no party is a political actor (no code, no sector, no organisation or group named)"
                state.note(self.name, "dropped", detail, **where)
                found.append(None)
                continue
            pairs = []
            for source, target in placed.pairs:
                if target is None and (target := dyads.counterpart(source, candidate.sentence)) is not None:
                    detail = f"{target.text!r}: the party {source.text!r} last acted on, a sentence or two before"
                    state.note(self.name, "target from the document", detail, **where)
                dyads.remember(source, target, candidate.sentence)
                pairs.append((source, target))
            placed.pairs = pairs
            found.append(placed)
        state.parties = found
        return state

    def _placed(
        self, state: DocumentState, candidate: Candidate, sources: list[Actor], targets: list[Actor | None]
    ) -> Parties:
        """The pairs, once the place of the event has said whose country the parties named by kind are."""
        sentence, entities = state.sentences[candidate.sentence], state.entities[candidate.sentence]  # type: ignore[index]
        where = {"sentence": candidate.sentence, "about": candidate.about}
        actor_spans = [(a.start, a.end) for a in sources + [t for t in targets if t]]
        scene = self.places.scene(sentence, entities, candidate.predicate.trigger, actor_spans)
        named_targets = targets
        addressed = candidate.code[:2] in self.addressed_roots
        place_of = partial(_own_place_of, self.places, sentence)
        sources, targets = place_parties(sources, targets, scene, sentence, self.topics, addressed, place_of)
        for before in named_targets if all(t is None for t in targets) else ():
            if before is not None:
                detail = f"{before.text!r} is what the act is about (an event or abstract noun); no target"
                state.note(self.name, "topic, no party", detail, **where)
        pairs: dict[tuple, tuple[Actor, Actor | None]] = {}
        dyads: list[tuple[Actor, Actor | None]] = list(product(sources, targets))
        own = {a.country or a.code for a in sources if a.code}
        # "Peru and Bolivia agreed to reopen their crossings": the target is one of them, or theirs
        together = all(t is None or (t.country or t.code) in own for t in targets)
        if candidate.code[:2] in self.mutual_roots and together and (mutual := _each_other(sources)):
            detail = "parties named together act with each other: " + ", ".join(a.text for a in sources)
            state.note(self.name, "each other", detail, **where)
            dyads = mutual
        for source, target in dyads:
            if target is not None and _same_actor(source, target):
                detail = f"{target.text!r} is the source or has its code; no target"
                state.note(self.name, "no self-dyad", detail, **where)
                target = None  # "the Pentagon placed US troops on alert": no other party
            pairs.setdefault((source.start, source.code, target.start if target else None), (source, target))
        noted: set[tuple] = set()
        for source, target in pairs.values():
            for role, actor in (("source", source), ("target", target)):
                key = (role, (actor.start, actor.end) if actor else None)
                if key not in noted:
                    noted.add(key)
                    state.note(self.name, role, describe(actor) if actor else "none", span=key[1], **where)
        return Parties(list(pairs.values()), scene, actor_spans)


def _own_place_of(places: PlaceFinder, sentence: Span, actor: Actor) -> Location | None:
    span = sentence.doc.char_span(actor.start, actor.end)
    return places.own_place(span) if span is not None else None


def _political(actor: Actor, doc: Doc) -> bool:
    """Whether a party can make an event political: a coded actor, a sector ("police", "rebels"), or a
    named person, organisation, nationality or country the knowledge base lacks ("Farc", "Gerald Ford").
    An unnamed private person of no known country ("a man", "my cousin", "a mother") and a thing ("the
    evidence") cannot (issue 7, class 4: a memory, a complaint to a landlord, a family's journey)."""
    if actor.code or (actor.entry or "").startswith("relation:"):
        return True  # a coded actor, or a party noun of one ("its rivals", "each side")
    if actor.sector and actor.sector != PRIVATE_SECTOR:
        return True  # "police", "rebels", "the ministry" (a country still unknown)
    span = doc.char_span(actor.start, actor.end, alignment_mode="expand")
    return span is not None and any(t.ent_type_ in PARTY_ENTITIES for t in span)


def _each_other(sources: list[Actor]) -> list[tuple[Actor, Actor | None]]:
    """Each coded source with each other one of another country as target; empty unless two countries."""
    coded = [a for a in sources if a.code]
    if len({a.country or a.code for a in coded}) < 2:
        return []
    return [(a, b) for a in coded for b in coded if (a.country or a.code) != (b.country or b.code)]


def _counterpart_to(source: Actor, target: Actor) -> bool:
    """Whether the target may be the source's counterpart later in the document: a party of another
    country, or another sector of its own (its police and its protesters); never its own country as a
    whole or a thing of it ("US taxpayer money" after the US government)."""
    if target.code == source.code:
        return False
    if (target.country or target.code) != (source.country or source.code):
        return True
    return bool(target.sector) and target.sector != source.sector


_COUNTERPART_SENTENCES = 2  # how far back a party's counterpart in the document is remembered


class _RecentDyads:
    """The party each source last acted on, for an event whose sentence names no target: "Jordan
    summoned Iran's ambassador. It later cut ties." - Jordan cut ties with Iran, not with itself."""

    def __init__(self) -> None:
        self.last: dict[str, tuple[Actor, int]] = {}

    def remember(self, source: Actor, target: Actor | None, sentence: int) -> None:
        if source.code and target is not None and target.code and _counterpart_to(source, target):
            self.last[source.code] = (target, sentence)

    def counterpart(self, source: Actor, sentence: int) -> Actor | None:
        found = self.last.get(source.code or "")
        if found is None or not 0 <= sentence - found[1] <= _COUNTERPART_SENTENCES:
            return None
        target = found[0]
        return replace(target, entry=f"{target.entry or ''}+counterpart-in-document:{found[1]}")


# How the parts of an actor's ``entry`` read in the trail: the path that resolved it.
_ENTRY_PATHS = {
    "country": "knowledge base: country {}",
    "adjective": "knowledge base: adjective of {}",
    "capital": "knowledge base: capital of {}",
    "org": "knowledge base: organisation {}",
    "leader": "knowledge base: office holder {}",
    "sector": "sector word {}",
    "in": "country of its place phrase {}",
    "of": "country of its possessor {}",
    "domestic": "country of the other party {}",
    "located": "country of the place of the event {}",
    "location": "the place of the event {}",
    "place": "country of the place it names {}",
}


def describe(actor: Actor) -> str:
    """How an actor was resolved, in words, from its ``entry`` (the knowledge that resolved it)."""
    code = actor.code or "no code"
    entry = actor.entry or ""
    if entry == "unknown":
        return "unknown (the text does not name who acted)"
    if not entry:
        return f"{actor.text!r} -> {code}: not in the knowledge base"
    paths = []
    if entry.startswith("coref:"):
        link, _, entry = entry[len("coref:") :].partition("->")
        paths.append(f"'{link}' linked to an earlier mention" if entry else f"surname '{link}' of an earlier mention")
    for part in (p for p in entry.split("+") if p):
        kind, _, value = part.partition(":")
        paths.append(_ENTRY_PATHS[kind].format(value) if kind in _ENTRY_PATHS else part)
    return f"{actor.text!r} -> {code}: " + "; ".join(paths)


class _PartyFinder:
    """The parties of one candidate: its own small object so that each choice can be noted."""

    def __init__(self, roles: RolesPass, candidate: Candidate, registry: Registry):
        self.roles = roles
        self.candidate = candidate
        self.pred = candidate.predicate
        self.registry = registry
        self.speaker: Speaker = registry.speakers[candidate.sentence]
        self.notes: list[tuple[str, str]] = []

    def note(self, rule: str, detail: str = "") -> None:
        self.notes.append((rule, detail))

    def actor(self, head: Token) -> Actor | None:
        return self.registry.actor(head)

    def parties(self) -> tuple[list[Actor], list[Actor | None]] | None:
        """Who acted and on whom; None when the text names no one who acted."""
        pred, match, code = self.pred, self.candidate.match, self.candidate.code
        speakers = list(self.speaker.actors)
        sources = self._sources()
        reversed_targets: list[Actor] = []
        if match.source and pred.prep_objects(match.source):
            # "received weapons from the government": the government gave; the receiver is the target
            givers = [a for a in (self.actor(h) for h in pred.prep_objects(match.source)) if a]
            if givers:
                sources, reversed_targets = givers, sources
                self.note("source from the giver", f"the '{match.source}' phrase names who gave")
        # "ten soldiers were killed": the agent is unknown, but a known party suffered the action
        if (
            not sources
            and pred.pos == "verb"
            and pred.passive
            and self.roles.ontology.get(code).quad_class in MATERIAL_QUAD_CLASSES
            and any(t.code for t in self._targets([]))
        ):
            sources = [_unknown_actor(pred)]
            self.note("unknown source", "an agentless passive with a known victim")
        if not sources:
            return None
        targets: list[Actor | None] = list(reversed_targets or self._targets(sources))
        if pred.passive and sources == speakers and code[:2] in VIOLENT_ROOTS:
            # "Israel said a mortar bomb was fired at it": who reports violence is seldom who did it
            sources = [_unknown_actor(pred)]
            self.note("unknown source", "who reports violence is seldom who did it")
        if not targets and self.speaker.verb is not None and sources == speakers:
            # "X told Iran there will be no easing": the one told is the target of what X says
            addressees = [c for c in self.speaker.verb.children if c.dep_ in OBJECT_OR_DATIVE_DEPS]
            targets = [a for a in (self.actor(h) for h in addressees) if a is not None]
            if targets:
                self.note("target is the one told", f"object of '{self.speaker.verb.text}'")
        if not targets:
            targets = self._only_other_party(sources)
        if self.candidate.requested:
            sources, targets = list(speakers), list(sources)  # the speaker asks it of the action's actor
            self.note("speaker asks", "the speaker is the source, the action's actor the target")
        return sources, targets or [None]

    def _only_other_party(self, sources: list[Actor]) -> list[Actor]:
        """'Turkey's offensive against a Kurdish enclave in northern Syria': with no target in the parse,
        the one other party the sentence names (none when it names several), and not a party of a clause
        apart from the trigger's: "images released by a company showed that ships had deployed" - the
        company is no party of the deployment. Never the source again."""
        sentence = self.pred.trigger.sent
        trigger = self.pred.trigger
        own = {a.code for a in sources} | {a.country for a in sources}
        spans = [(a.start, a.end) for a in sources]
        others: dict[str, Actor] = {}
        for i in self.registry.antecedents:
            if not sentence.start <= i < sentence.end:
                continue
            actor = self.registry.actor(sentence.doc[i])
            if actor is None or not actor.code or actor.code in own or actor.country in own:
                continue
            if any(start <= actor.start < end for start, end in spans):
                continue  # a name inside the source's own phrase ("Syria's Assad")
            if _in_other_clause(sentence.doc[i], trigger) or _companion(sentence.doc[i], trigger):
                continue
            others.setdefault(actor.country or actor.code, actor)  # "Syria" and "the Syrian army": one party
        if len(others) != 1:
            return []
        other = next(iter(others.values()))
        self.note("target is the sentence's other party", f"{other.text!r}: the only other party named")
        return [other]

    def _sources(self) -> list[Actor]:
        pred = self.pred
        authors = self._document_authors()
        if authors:
            self.note("source from the document's authors", f"'{pred.trigger.head.text}' acts through its authors")
        found = self._actors_among(authors or pred.subjects, pred.passive)
        if not found and pred.pos == "noun" and self._lends_subject():
            # "the EU imposed sanctions": the support verb's subject did the noun's action
            support = pred.support_verb
            assert support is not None
            agents = [h for c in support.children if c.dep_ == "agent" for h in c.children if h.dep_ == "pobj"]
            heads = agents or [s for c in support.children if c.dep_ == "nsubj" for s in with_conjuncts(c)]
            heads = heads or inherited_subjects(support)
            passive = any(c.dep_ in PASSIVE_MARK_DEPS for c in support.children)
            found = self._actors_among(heads, passive, via_support=True)
            if found:
                self.note("source from the support verb", f"the subject of '{support.text}'")
        if not found and pred.pos == "noun" and _existential(pred):
            found = list(self.speaker.actors)  # "there will be no concessions", X said: X makes the refusal
            if found:
                self.note("source is the speaker", "an existential 'there will be no ...'")
        return found

    def _document_authors(self) -> list[Token]:
        """'passed a resolution criticizing X': the resolution's authors criticize."""
        trigger, document = self.pred.trigger, self.pred.trigger.head
        if trigger.dep_ != "acl" or trigger.tag_ != "VBG":
            return []
        if document.lemma_.lower() not in self.roles.document_nouns or document.dep_ not in DIRECT_OBJECT_DEPS:
            return []
        verb = document.head
        subjects = [s for c in verb.children if c.dep_ == "nsubj" for s in with_conjuncts(c)]
        return subjects or inherited_subjects(verb)

    def _actors_among(self, heads: list[Token], passive: bool, via_support: bool = False) -> list[Actor]:
        pred = self.pred
        pairs = [(self.actor(h), h) for h in heads]
        # "military assistance" names no actor: a noun's modifier counts only as a known country or body.
        noun_modifiers = pred.pos == "noun" and not via_support
        resolved = [a for a, h in pairs if a is not None and (not noun_modifiers or a.code or h.dep_ == "poss")]
        if resolved:
            for head in heads:
                found = self.registry.resolution(head)
                if found is not None and found.how != "knowledge base":
                    self.note("registry link", f"{head.text!r}: {found.how}")
            return resolved
        named = [h for h in heads if _may_stay_unresolved(h, pred, self.roles.non_actors, via_support)]
        if named:
            # Unknown to the knowledge base, but the text still says who acted.
            return [unresolved(h) for h in named]
        if passive and reported_clause(clause_verb(pred)):
            self.note("source is the speaker", "an agentless passive in reported speech")
            return list(self.speaker.actors)  # "aid had been sent", said Blinken: the reporting government acted
        return []

    def _targets(self, sources: list[Actor]) -> list[Actor]:
        """The first place in the parse that names a known actor, nearest the trigger first."""
        pred = self.pred
        support = pred.support_verb if pred.pos == "noun" and self._lends_subject() else None
        candidates = target_candidates(pred, self.candidate.match.target, support)
        own_codes = {a.code for a in sources if a.code}
        first: list[Actor] = []
        for heads in candidates:
            resolved = [a for a in (self.actor(h) for h in heads) if a is not None]
            resolved = resolved or self._agents_of_event_nouns(heads)
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
            named = [h for h in heads if h.pos_ in NOMINAL_POS and h.ent_type_ not in NOT_ACTOR_ENTITIES]
            if named:
                return [unresolved(h) for h in named]
        if sources:
            tried = ", ".join(repr(h.text) for heads in candidates for h in heads) or "no object or phrase"
            self.note("no target", f"none of the places a target stands names a party (tried {tried})")
        return []

    def _agents_of_event_nouns(self, heads: list[Token]) -> list[Actor]:
        """'any such incursion would be met with ...': a threatened or condemned action points at its actor.

        The noun's own modifiers first ("Russian aggression"); for an anaphoric noun ("such incursion",
        "the attack") the actor of the nearest earlier event noun in the document.
        """
        nouns = self.roles.lexicon.noun_lemmas
        for head in heads:
            if head.lemma_.lower() not in nouns:
                continue
            found = [a for m in noun_predicate(head).subjects if (a := self.actor(m)) and a.code]
            if found:
                return found
            if not any(c.dep_ in DETERMINER_DEPS and c.lower_ in ANAPHORIC for c in head.children):
                continue
            doc = head.doc
            for earlier in reversed(doc[max(0, head.i - EARLIER_EVENT_WINDOW) : head.i]):
                if earlier.lemma_.lower() in nouns and earlier.pos_ == "NOUN":
                    found = [a for m in noun_predicate(earlier).subjects if (a := self.actor(m)) and a.code]
                    if found:
                        self.note("target from an earlier event", f"{head.text!r} repeats {earlier.text!r}")
                        return found
        return []

    def _lends_subject(self) -> bool:
        """'Russia launched an invasion': a support verb, or a verb the lexicon does not know
        governing the noun through a preposition ("troops were placed on alert")."""
        pred, lexicon = self.pred, self.roles.lexicon
        verb = pred.support_verb
        if verb is None:
            return False
        if lexicon.is_support_verb(verb):
            return True
        return (
            pred.trigger.dep_ == "pobj"
            and pred.trigger.head.lower_ in STATE_PREPS
            and (verb.lemma_.lower(), "verb") not in lexicon.entries
        )


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
        groups.append([s for c in comp.children if c.dep_ in NOMINAL_SUBJECT_DEPS for s in with_conjuncts(c)])
        comp_preps = _prep_objects(comp)  # "offered to send troops to Uganda"
        groups += [comp_preps[p] for p in TARGET_PREPS if p in comp_preps]
        groups.append([o for c in comp.children if c.dep_ in OBJECT_OR_DATIVE_DEPS for o in with_conjuncts(c)])
    for clause in [clause_verb(pred), *pred.complements]:
        # "threatened to strike unless Israel withdrew": the one the condition is put to
        for cond in (c for c in clause.children if c.dep_ == "advcl" and any(m.dep_ == "mark" for m in c.children)):
            groups.append([s for c in cond.children if c.dep_ in NOMINAL_SUBJECT_DEPS for s in with_conjuncts(c)])
    nested = (pred.objects if pred.pos == "verb" else []) + [o for p in TARGET_PREPS for o in pred.preps.get(p, [])]
    for head in nested:
        for child in head.children:
            if child.dep_ == "poss":
                groups.append(with_conjuncts(child))
            elif child.dep_ == "prep" and child.lower_ in NESTED_TARGET_PREPS:
                groups.append([o for c in child.children if c.dep_ == "pobj" for o in with_conjuncts(c)])
    return [g for g in groups if g]


def _companion(token: Token, trigger: Token) -> bool:
    """'fought alongside US forces': the party acts with the trigger's subject, it is no target."""
    for ancestor in token.ancestors:
        if ancestor.i == trigger.i:
            return False
        if ancestor.dep_ == "prep" and ancestor.lower_ in COMPANION_PREPS:
            return True
    return False


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


def _unknown_actor(pred: Predicate) -> Actor:
    """A source the text does not name (an agentless passive), placed at the trigger."""
    return Actor("", None, None, None, None, pred.trigger.idx, pred.trigger.idx, "unknown")


def _sources_own(actor: Actor, source_codes: set[str]) -> bool:
    """'its troops', 'army reservists', the source itself: the source's own people or assets."""
    return actor.country is None or "+of:" in (actor.entry or "") or actor.code in source_codes


def _in_other_clause(token: Token, trigger: Token) -> bool:
    """Whether ``token`` is a party of a relative or participial clause beside the trigger (neither above
    nor below it): "images released by a company", "the rebels who were defeated"."""
    verb = token.head
    for _ in range(8):
        if verb.pos_ in VERBAL_POS or verb.head.i == verb.i:
            break
        verb = verb.head
    if verb.pos_ not in VERBAL_POS or verb.i == trigger.i or verb.dep_ not in MODIFIER_CLAUSE_DEPS:
        return False
    return not (verb.is_ancestor(trigger) or trigger.is_ancestor(verb))


def _may_stay_unresolved(head: Token, pred: Predicate, non_actors: NonActors, via_support: bool = False) -> bool:
    """Whether an actor the knowledge base does not know is still worth an event.

    A verb's own subject is ("The NGO has denounced ..."); a noun's possessor is ("the group's attack");
    a noun modifier ("military assistance") or a noun a clause hangs from ("a demand to ban") is not.
    A day or a date never is, in any position: "Saturday's attack" names when, not who.
    """
    if head.pos_ in NON_NAME_POS:
        return False
    if head.ent_type_ in non_actors.entity_labels or head.text in non_actors.words:
        return False
    if head.lower_ in non_actors.abstract or head.lemma_.lower() in non_actors.abstract:
        return False  # "the civil war has killed thousands": an abstract noun names no party
    if pred.pos == "noun" and not via_support:
        return head.dep_ == "poss" or head.dep_ == "pobj"  # "attack by the group"
    return head.dep_ in ACTING_DEPS


_BORROWED_COUNTRY = re.compile(r"\+(?:domestic|located|focus):")  # a country taken from another party


def _same_actor(a: Actor, b: Actor) -> bool:
    """The same mention, or the source once more under the target's name. A country does not act on
    itself: with one code on both sides the target is dropped when it borrowed its country ("Norway
    pledged $5m": the money is no Norwegian party), stands for an earlier party ("it", a surname), or both
    name only the country ("Iran" and "Iranian"). Two parties of one country stay a dyad when sectors
    differ ("Sudan's government lifted the emergency in West Darfur": SDNGOV -> SDN) or both are named
    ("Prime Minister X rejected a bid by Minister Y")."""
    if a.start == b.start and a.end == b.end:
        return True
    if a.code is None or a.code != b.code:
        return False
    entry = b.entry or ""
    return (
        a.text.lower() == b.text.lower()
        or bool(_BORROWED_COUNTRY.search(entry))
        or entry.startswith("coref:")
        or not (a.sector or b.sector)
    )
