"""Whose country: inferring the country of parties the text names only by their kind or place.

CAMEO coders give a party named only by its kind ("the rebels", "a candidate") the country of the other
party or of the place where the event happens, and treat the place's country as the target of a domestic
action on a thing ("lifted the state of emergency in West Darfur"). Each inference is marked in the
actor's ``entry`` (``+domestic:``, ``+located:``).
"""

from __future__ import annotations

from spacy.tokens import Span

from eventwatch.coding.actors import INTERNATIONAL, with_country
from eventwatch.coding.grammar import PARTY_ENTITIES
from eventwatch.records import Actor, Location


def place_parties(
    sources: list[Actor], targets: list[Actor | None], location: Location | None, sentence: Span
) -> tuple[list[Actor], list[Actor | None]]:
    """Sources and targets with the countries the place and the other party imply."""
    if location is not None and location.country:
        if all(t is None or is_thing(t, sentence) for t in targets):
            # "lifted the state of emergency in West Darfur": a domestic action's target is the place's country
            targets = [place_actor(location, sentence)]
        sources = [_located(a, location) for a in sources]
        targets = [_located(t, location) if t is not None else None for t in targets]
    return _domestic(sources, targets, sentence)


def _domestic(sources: list[Actor], targets: list[Actor | None], sentence: Span) -> tuple[list, list]:
    """A party named only by its kind ("the rebels", "a candidate") or a thing acted on ("a state of
    emergency") belongs to the country of the other party, as CAMEO coders assume for domestic news:
    "the Mozambique government accepted demands from the rebels" is MOZGOV -> MOZREB."""
    home = next((a.country for a in sources if a.country), None)
    if home:
        targets = [
            with_country(t, home, "domestic") if t is not None and _countryless(t, sentence) else t for t in targets
        ]
    away = next((t.country for t in targets if t is not None and t.country), None)
    if away:
        sources = [
            with_country(a, away, "domestic") if a.sector and not a.country and not a.code else a for a in sources
        ]
    return sources, targets


def _countryless(actor: Actor, sentence: Span) -> bool:
    if actor.country or actor.code or actor.entry == "unknown":
        return False
    return bool(actor.sector) and actor.sector not in INTERNATIONAL or is_thing(actor, sentence)


def _located(actor: Actor, location: Location) -> Actor:
    """'the opposition', 'a roadside bombing' in Samarra: an actor with no country is taken to be of the
    country where the event happens (marked in ``entry``). Unknown named parties ("Farc") are left alone."""
    if actor.country or actor.code or actor.sector in INTERNATIONAL or actor.entry == "unknown":
        return actor
    if actor.sector is None and _looks_named(actor.text):
        return actor
    return with_country(actor, location.country, "located")


def _looks_named(text: str) -> bool:
    words = text.split()
    return any(w[:1].isupper() for w in words[1:]) or (len(words) == 1 and words[0].isupper())


def is_thing(actor: Actor, sentence: Span) -> bool:
    """An unresolved target that names a thing, not a party: "a state of emergency", "roads"."""
    if actor.code is not None or actor.sector is not None:
        return False
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
