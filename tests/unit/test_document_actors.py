"""Issue 7, class 1: people and bodies resolved by reading the whole document (our own sentences).

A person introduced with a role keeps it for the surname and "the minister" later; a sector noun in an
article about one country belongs to that country; "the group" stands for the group named before;
"her counterpart" is the same office of the country named.
"""

import pytest

from eventwatch.coding.state import DocumentState
from eventwatch.records import Document


def events_of(coder, text, date="2019-05-01"):
    return coder.code(text, date=date)


def event_by_trigger(coder, text, trigger):
    return next(e for e in events_of(coder, text) if e.trigger.text == trigger)


def test_role_given_by_apposition_stays_with_the_surname(coder):
    text = (
        "Zambia's opposition leader, Grace Mwale, condemned the election result. "
        "Mwale accused the ruling party of fraud."
    )
    later = event_by_trigger(coder, text, "accused")
    assert later.source.code == "ZMBOPP"


def test_the_minister_later_is_the_minister_introduced_before(coder):
    text = (
        "Ecuador's foreign minister Lucia Paredes arrived in Bogota. "
        "The minister met her Colombian counterpart on Tuesday."
    )
    met = event_by_trigger(coder, text, "met")
    assert met.source.code == "ECUGOV"
    assert met.target is not None and met.target.code == "COLGOV"


@pytest.mark.parametrize(
    ("text", "source", "target"),
    [
        ("NAIROBI (Wire) - Police fired tear gas at protesters outside parliament.", "KENCOP", "KENCVL"),
        ("ABUJA (Wire) - Troops attacked a rebel camp on Saturday.", "NGAMIL", None),
    ],
)
def test_sector_nouns_belong_to_the_dateline_country(coder, text, source, target):
    event = events_of(coder, text)[0]
    assert event.source.code == source
    if target:
        assert event.target is not None and event.target.code == target


def test_a_sentence_about_another_country_keeps_its_own_parties(coder):
    # the focus country is Kenya, but this sentence is about Uganda: its police are not Kenya's
    text = "NAIROBI (Wire) - Ugandan police arrested two Kenyan journalists in Kampala."
    event = events_of(coder, text)[0]
    assert event.source.code == "UGACOP"


def test_the_group_stands_for_the_group_named_before(coder):
    text = "Boko Haram kidnapped two aid workers. The group demanded a ransom from the government of Chad."
    state = coder.pipe_states([DocumentState(Document(text=text, date="2019-05-01"))])[0]
    group = next(t for t in state.doc if t.text == "group")
    actor = state.registry.actor(group)
    assert actor is not None and actor.code == "NGAREB"


def test_members_of_a_named_group_are_the_group(coder):
    event = events_of(coder, "Members of Boko Haram attacked a police station in Maiduguri.")[0]
    assert event.source.code == "NGAREB"


def test_critics_of_a_country_are_not_that_country(coder):
    event = events_of(coder, "Rwanda's critics accused Kigali of backing the rebels.")[0]
    assert event.source.code is None
    assert event.target is not None and event.target.code == "RWAGOV"


def test_a_missile_of_a_country_is_its_military(coder):
    event = events_of(coder, "A Russian missile struck a school in Kharkiv.")[0]
    assert event.source.code == "RUSMIL"


def test_a_possessive_does_not_hide_the_office_holder(coder):
    # the parser's person entity takes in the curly possessive ("Donald Trump’s")
    event = next(
        e
        for e in events_of(coder, "Donald Trump\u2019s withdrawal of US troops from Syria surprised Ankara.")
        if e.trigger.text == "withdrawal"
    )
    assert event.source.code == "USAGOV"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Awa Keita, the foreign minister of Mali, condemned France.", "MLIGOV"),
        ("Omar Said, a spokesman for the Syrian Democratic Forces, accused Turkey of shelling.", "SYRREB"),
        ("Ana Ruiz, an official in the Bolivian interior ministry, accused Chile of spying.", "BOLGOV"),
    ],
)
def test_role_given_by_an_apposition_with_a_preposition(coder, text, code):
    event = events_of(coder, text)[0]
    assert event.source.code == code


def test_the_apposition_role_stays_with_the_surname(coder):
    text = "Awa Keita, the foreign minister of Mali, arrived in Dakar. Keita condemned France."
    event = event_by_trigger(coder, text, "condemned")
    assert event.source.code == "MLIGOV"
