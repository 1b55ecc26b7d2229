"""Issue 7, classes 2 and 3: only parties are parties, and a party does not act on itself (our own
sentences). Days, abstract nouns and numbers are no source or target; one code is never on both sides."""

import pytest


def events_of(coder, text, date="2019-05-01"):
    return coder.code(text, date=date)


def test_a_day_is_no_party(coder):
    events = events_of(coder, "On Saturday, riot police dispersed protesters in Khartoum.")
    assert events, "the dispersal is an event"
    for event in events:
        assert "Saturday" not in event.source.text
        assert event.target is None or "Saturday" not in event.target.text


def test_an_abstract_noun_is_no_source(coder):
    for event in events_of(coder, "The civil war has killed thousands of people in Yemen."):
        assert "war" not in event.source.text


def test_the_people_counted_are_the_party(coder):
    event = events_of(coder, "Members of Boko Haram abducted dozens of schoolgirls in northern Nigeria.")[0]
    assert event.target is not None and event.target.code == "NGACVL"


@pytest.mark.parametrize(
    "text",
    [
        "Norway pledged $5m in flood relief.",
        "Venezuela condemned the decision.",
        "Cairo's police chief warned that police will not tolerate more rallies.",
        "Chile announced a state of emergency.",
    ],
)
def test_one_code_is_never_on_both_sides(coder, text):
    for event in events_of(coder, text):
        assert event.target is None or event.target.code != event.source.code


def test_two_sectors_of_one_country_stay_a_dyad(coder):
    event = events_of(coder, "Sudanese police arrested dozens of opposition activists in Khartoum.")[0]
    assert (event.source.code, event.target.code) == ("SDNCOP", "SDNOPP")


def test_without_a_target_in_the_parse_the_only_other_party_of_the_sentence(coder):
    text = "The Iraqi government's offensive against Isis fighters near Mosul continued."
    event = next(e for e in events_of(coder, text) if e.trigger.text == "offensive")
    assert event.target is not None and event.target.code == "IMGMUSISI"


def test_head_of_an_organisation_is_the_organisation(coder):
    event = events_of(coder, "UN Secretary-General Antonio Guterres urged Israel to show restraint.")[0]
    assert event.source.code == "IGOUNO"


def test_two_named_officials_of_one_government_stay_a_dyad(coder):
    text = "Lithuania's prime minister rejected a plan by the Lithuanian defence minister to buy new tanks."
    event = next(e for e in events_of(coder, text) if e.trigger.text == "rejected")
    assert event.target is not None and event.target.code is not None
