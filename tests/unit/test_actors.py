"""Actors resolved by the registry pass, on our own sentences: names, sectors, leaders by date, links."""

import pytest

from eventwatch.coding.state import DocumentState
from eventwatch.records import Document


def registry_of(coder, text, date=None):
    state = coder.pipe_states([DocumentState(Document(text=text, date=date))])[0]
    return state, state.registry


def resolve(coder, text, word, date=None):
    state, registry = registry_of(coder, text, date)
    token = next(t for t in state.doc if t.text == word)
    return registry.actor(token)


@pytest.mark.parametrize(
    ("text", "word", "code"),
    [
        ("The U.S. warned Iran.", "U.S.", "USA"),
        ("Russian troops shelled the town.", "troops", "RUSMIL"),
        ("Moscow rejected the offer.", "Moscow", "RUSGOV"),
        ("The Iranian foreign minister met reporters.", "minister", "IRNGOV"),
        ("NATO expanded eastward.", "NATO", "IGOWSTNAT"),
        ("Ukrainian police detained two men.", "police", "UKRCOP"),
    ],
)
def test_names_adjectives_capitals_and_sectors(coder, text, word, code):
    actor = resolve(coder, text, word)
    assert actor is not None and actor.code == code


def test_lower_case_us_is_not_the_united_states(coder):
    assert resolve(coder, "They told us nothing.", "us") is None


def test_leaders_resolve_by_date(coder):
    actor = resolve(coder, "Blinken met Wang Yi.", "Blinken", "2022-01-27")
    assert actor is not None and actor.code == "USAGOV"
    assert actor.entry.startswith("leader:")


def test_pronoun_resolves_to_the_person_named_before(coder):
    actor = resolve(coder, "Putin spoke for an hour. Then he left Minsk.", "he", "2022-02-01")
    assert actor is not None and actor.country == "RUS"
    assert actor.entry.startswith("coref:")


def test_offsets_point_at_the_text(coder):
    text = "Yesterday the Chinese army held drills."
    actor = resolve(coder, text, "army")
    assert text[actor.start : actor.end] in ("Chinese army", "the Chinese army")


def test_it_prefers_the_subject_of_its_sentence_to_a_nearer_place(coder):
    text = "Kenya refused to send police officers to Haiti and urged its citizens to stay away."
    actor = resolve(coder, text, "its")
    assert actor is not None and actor.country == "KEN"


def test_he_does_not_stand_for_a_plural_subject(coder):
    text = "Chadian rebel leaders said they would meet the envoy Ana Ruiz of the UN if she gave them guarantees."
    assert resolve(coder, text, "they").country == "TCD"
    assert resolve(coder, text, "she") is None or resolve(coder, text, "she").country != "TCD"


def test_we_without_a_speaker_stays_unresolved(coder):
    text = "Bolivia recalled its ambassador. We had breakfast at eight."
    assert resolve(coder, text, "We") is None


def test_surname_links_to_the_person_named_before(coder):
    text = "The Brazilian foreign minister, Carlos Mendes, arrived in Lima. Mendes met officials."
    state, registry = registry_of(coder, text, "2023-05-02")
    token = [t for t in state.doc if t.text == "Mendes"][-1]
    found = registry.resolution(token)
    if found is not None:  # only when the first mention resolved (Brazil's minister)
        assert found.actor.country == "BRA" and found.how.startswith("surname")


def test_an_object_pronoun_does_not_stand_for_its_own_subject(coder):
    text = "The Chilean envoy arrived on Monday. Lula met him in Brasilia."
    actor = resolve(coder, text, "him", "2023-05-02")
    assert actor is not None and actor.country == "CHL"
