"""Whose country: inferring the country of parties the text names only by their kind or place.

CAMEO coders give a party named only by its kind ("the rebels", "a candidate") the country of the other
party or of the place where the event happens, and treat the place's country as the target of a domestic
action on a thing ("lifted the state of emergency in West Darfur"). Each inference is marked in the
actor's ``entry`` (``+domestic:``, ``+located:``).
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Span

from eventwatch.coding.actors import INTERNATIONAL, PAIR_OF_PARTIES, with_country
from eventwatch.coding.grammar import NAMED_OWNER_DEPS, PARTY_ENTITIES
from eventwatch.records import Actor, Location


def place_parties(
    sources: list[Actor],
    targets: list[Actor | None],
    location: Location | None,
    sentence: Span,
    topics: frozenset[str] = frozenset(),
    addressed: bool = False,
    place_of: Callable[[Actor], Location | None] | None = None,
) -> tuple[list[Actor], list[Actor | None]]:
    """Sources and targets with the countries the place and the other party imply.

    ``topics`` are head lemmas of things that are what an act is about, never a party to it: event nouns
    ("praised the talks", "condemned the attack") and abstract nouns ("appealed for calm"). Such a target
    takes no country from the other party — "Biden praised the talks" is no USAGOV -> USA event — and,
    left without a code, is no target at all.

    ``addressed`` acts (statements, appeals, threats ...) are aimed at a party: a thing named as their
    object ("called for a European solution") gets no country from the other party and is no target:
    the document may still name the party addressed (the roles pass looks there).

    ``place_of`` gives the place a target's own phrase names: a thing acted on that names a place ("said
    it will not let Idlib province fall", "the outskirts of Raqqa") is of the place's country, not of the
    other party's."""
    if location is not None and location.country:
        if all(t is None or is_thing(t, sentence) for t in targets):
            # "lifted the state of emergency in West Darfur": a domestic action's target is the place's country
            targets = [place_actor(location, sentence)]
        sources = [_located(a, location) for a in sources]
        targets = [_located(t, location) if t is not None else None for t in targets]
    targets = [None if t is not None and _is_topic(t, sentence, topics) else t for t in targets]
    if addressed:
        targets = [None if t is not None and not t.code and is_thing(t, sentence) else t for t in targets]
    if place_of is not None:
        targets = [_in_own_place(t, place_of) for t in targets]
    return _domestic(sources, targets, sentence, things_too=not addressed)


def _in_own_place(target: Actor | None, place_of: Callable[[Actor], Location | None]) -> Actor | None:
    if target is None or target.code or target.country or target.sector:
        return target
    place = place_of(target)
    return with_country(target, place.country, "place") if place is not None and place.country else target


def _is_topic(actor: Actor, sentence: Span, topics: frozenset[str]) -> bool:
    """What the act is about or done with: a topic of no named party ("military communications": the
    sector word modifies no party) or a weapon as the object ("firing rockets": the rockets are no
    target)."""
    entry = actor.entry or ""
    if entry.startswith("relation:weapon"):
        return True
    if actor.code and not any(f"+{how}:" in entry for how in ("located", "domestic", "in")):
        return False  # "Russia's demands", "a meeting of the Security Council": the text names whose
    span = sentence.doc.char_span(actor.start, actor.end)
    if span is None or span.root.pos_ == "PROPN" or span.root.ent_type_ in PARTY_ENTITIES:
        return False
    if any(c.dep_ in NAMED_OWNER_DEPS and c.pos_ == "PROPN" for c in span.root.children):
        return False  # "the OGA's attempt", "Colombia´s actions": a named owner, known or not, is the party
    return span.root.lemma_.lower() in topics or span.root.lower_ in topics


def _domestic(
    sources: list[Actor], targets: list[Actor | None], sentence: Span, things_too: bool = True
) -> tuple[list, list]:
    """A party named only by its kind ("the rebels", "a candidate") or a thing acted on ("a state of
    emergency") belongs to the country of the other party, as CAMEO coders assume for domestic news:
    "the Mozambique government accepted demands from the rebels" is MOZGOV -> MOZREB."""
    home = next((a.country for a in sources if a.country), None)
    if home:
        targets = [
            with_country(t, home, "domestic") if t is not None and _countryless(t, sentence, things_too) else t
            for t in targets
        ]
    away = next((t.country for t in targets if t is not None and t.country), None)
    if away:
        sources = [
            with_country(a, away, "domestic") if a.sector and not a.country and not a.code else a for a in sources
        ]
    return sources, targets


def _countryless(actor: Actor, sentence: Span, things_too: bool) -> bool:
    if actor.country or actor.code or actor.entry == "unknown":
        return False
    return bool(actor.sector) and actor.sector not in INTERNATIONAL or things_too and is_thing(actor, sentence)


def _located(actor: Actor, location: Location) -> Actor:
    """'the opposition', 'a roadside bombing' in Samarra: an actor with no country is taken to be of the
    country where the event happens (marked in ``entry``). Unknown named parties ("Farc") are left alone."""
    if actor.country or actor.code or actor.sector in INTERNATIONAL or actor.entry in ("unknown", PAIR_OF_PARTIES):
        return actor
    if actor.sector is None and _looks_named(actor.text):
        return actor
    return with_country(actor, location.country, "located")


def _looks_named(text: str) -> bool:
    words = text.split()
    return any(w[:1].isupper() for w in words[1:]) or (len(words) == 1 and words[0].isupper())


def is_thing(actor: Actor, sentence: Span) -> bool:
    """An unresolved target that names a thing, not a party: "a state of emergency", "roads"."""
    if actor.code is not None or actor.sector is not None or (actor.entry or "").startswith("relation:"):
        return False  # "enemies", "its allies" are parties, not of the other party's country
    span = sentence.doc.char_span(actor.start, actor.end)
    if span is None:
        return False
    return span.root.pos_ != "PROPN" and span.root.ent_type_ not in PARTY_ENTITIES


def place_actor(location: Location, sentence: Span) -> Actor:
    found = sentence.text.find(location.name)
    start = sentence.start_char + max(found, 0)
    end = start + (len(location.name) if found >= 0 else 0)
    return Actor(
        location.name, location.country, location.country, None, location.name, start, end, f"location:{location.name}"
    )
