"""The offline gazetteer and event places, on made-up sentences."""

from __future__ import annotations

import pytest

from eventwatch.coding.layout import find_layout
from eventwatch.coding.places import Gazetteer, PlaceFinder, normalize
from eventwatch.coding.places import dateline_location as place_of_dateline


@pytest.fixture(scope="module")
def gazetteer(knowledge) -> Gazetteer:
    return knowledge.gazetteer


@pytest.fixture(scope="module")
def finder(knowledge) -> PlaceFinder:
    return PlaceFinder(knowledge.places, knowledge.gazetteer)


def _place(nlp, finder, text: str, trigger: str, actor_spans=()):
    doc = nlp(text)
    sentence = next(doc.sents)
    token = next(t for t in sentence if t.text == trigger)
    return finder.event_location(sentence, list(sentence.ents), token, list(actor_spans))


def dateline_location(text: str, gazetteer: Gazetteer):
    dateline = find_layout(text).dateline
    return place_of_dateline(dateline.city, dateline.area, gazetteer) if dateline else None


@pytest.mark.parametrize(
    ("name", "expected_name", "country", "feature"),
    [
        ("Ukraine", "Ukraine", "UKR", "country"),
        ("the United States", "United States", "USA", "country"),
        ("U.S.", "United States", "USA", "country"),
        ("Britain", "United Kingdom", "GBR", "country"),
        ("Georgia", "Georgia", "GEO", "country"),
        ("Kyiv", "Kyiv", "UKR", "city"),
        ("Kiev", "Kyiv", "UKR", "city"),
        ("Moscow", "Moscow", "RUS", "city"),
        ("Washington", "Washington", "USA", "city"),
        ("Paris", "Paris", "FRA", "city"),
        ("New York", "New York City", "USA", "city"),
        ("Texas", "Texas", "USA", "region"),
        ("Bombay", "Mumbai", "IND", "city"),
    ],
)
def test_lookup(gazetteer, name, expected_name, country, feature):
    location = gazetteer.lookup(name)
    assert location is not None
    assert (location.name, location.country, location.feature) == (expected_name, country, feature)


def test_country_has_capital_coordinates(gazetteer):
    ukraine = gazetteer.lookup("Ukraine")
    kyiv = gazetteer.lookup("Kyiv")
    assert ukraine is not None and kyiv is not None
    assert (ukraine.lat, ukraine.lon) == (kyiv.lat, kyiv.lon)
    assert kyiv.lat == pytest.approx(50.45, abs=0.1)


@pytest.mark.parametrize(
    ("name", "expected_name", "feature"),
    [
        ("the city of Mariupol", "Mariupol", "city"),
        ("Donetsk region", "Donetsk", "city"),
        ("Washington state", "Washington", "region"),
    ],
)
def test_lookup_without_generic_words(gazetteer, name, expected_name, feature):
    location = gazetteer.lookup(name)
    assert location is not None and (location.name, location.feature) == (expected_name, feature)


def test_lookup_misses(gazetteer):
    assert gazetteer.lookup("us") is None  # the pronoun, not the country
    assert gazetteer.lookup("Qwertyville") is None
    assert gazetteer.lookup("White House") is None  # a translated other name of Casablanca
    assert gazetteer.lookup("Union") is None  # a town, but in the news a common word
    assert gazetteer.lookup("  ") is None


def test_lookup_with_country(gazetteer):
    paris = gazetteer.lookup("Paris", country="USA")
    assert paris is not None and paris.country == "USA"


def test_normalize():
    assert normalize("the  United States") == "united states"
    assert normalize("Ukraine's") == "ukraine"


def test_locative_phrase(nlp, finder):
    place = _place(nlp, finder, "Riot police dispersed protesters in Tbilisi on Sunday.", "dispersed")
    assert place is not None and place.name == "Tbilisi"


def test_possessive_inside_locative_phrase(nlp, finder):
    place = _place(
        nlp, finder, "Belarus moved tanks near Poland's border, officials in Vilnius said.", "moved"
    )
    assert place is not None and place.country == "POL"


def test_locative_phrase_of_a_noun_trigger(nlp, finder):
    place = _place(nlp, finder, "The bombing in Aleppo killed nine people.", "bombing")
    assert place is not None and place.name == "Aleppo"


def test_actor_span_is_not_a_place(nlp, finder):
    text = "Moscow said it would expel two diplomats."
    assert _place(nlp, finder, text, "expel", [(0, 6)]) is None


def test_sentence_fallback(nlp, finder):
    text = "Moscow said it would hold new talks with the delegation from Oslo."
    place = _place(nlp, finder, text, "hold", [(0, 6)])
    assert place is not None and place.name == "Oslo"


def test_object_of_non_locative_preposition_is_not_a_place(nlp, finder):
    text = "Lawmakers debated new sanctions against Minsk on Tuesday."
    assert _place(nlp, finder, text, "debated") is None


def test_subject_is_not_a_place(nlp, finder):
    assert _place(nlp, finder, "France condemned the strike.", "condemned") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KYIV, Ukraine (AP) — Officials said on Thursday", ("Kyiv", "UKR")),
        ("MOSCOW -- The Kremlin said", ("Moscow", "RUS")),
        ("PARIS (AFP) - The French government", ("Paris", "FRA")),
        ("WASHINGTON, Jan 27 (Reuters) - The White House", ("Washington", "USA")),
    ],
)
def test_dateline(gazetteer, text, expected):
    location = dateline_location(text, gazetteer)
    assert location is not None and (location.name, location.country) == expected


def test_dateline_after_a_title(gazetteer):
    text = "Talks stall as troops mass\n\nMOSCOW (Reuters) - The Kremlin said on Thursday"
    location = dateline_location(text, gazetteer)
    assert location is not None and location.name == "Moscow"


def test_dateline_country_picks_the_city(gazetteer):
    location = dateline_location("PARIS, Texas (AP) — Local officials", gazetteer)
    assert location is not None and (location.name, location.country) == ("Paris", "USA")


def test_no_dateline(gazetteer):
    assert dateline_location("Officials met -- briefly -- on Monday.", gazetteer) is None


def test_lookup_returns_a_copy(gazetteer):
    first = gazetteer.lookup("Kyiv")
    assert first is not None
    first.name = "changed by a caller"
    again = gazetteer.lookup("Kyiv")
    assert again is not None and again.name == "Kyiv"
