"""Issue 7: a party's own phrase says its country, and beats the article's focus and the event's place.

"Police in Melbourne" in an article about Syria are Australian police; "the parents, who live in Leeds"
are British. Cities and regions resolve through the gazetteer, not only countries. (Our own sentences.)
"""

import pytest

from eventwatch.coding.places import own_place

# An article whose focus (dateline) is Syria; each test adds one sentence about parties from elsewhere.
SYRIA = "DAMASCUS - Syrian government forces shelled rebel positions near Idlib on Monday. "


def event_by_trigger(coder, text, trigger):
    return next(e for e in coder.code(text, date="2019-10-10") if e.trigger.text == trigger)


@pytest.mark.parametrize(
    ("sentence", "trigger", "country"),
    [
        ("Police in Sydney arrested a teenager on Friday.", "arrested", "AUS"),  # an in-phrase
        ("Manchester police raided a house on Friday.", "raided", "GBR"),  # a city before the sector noun
        ("The Leeds-based family urged ministers to act.", "urged", "GBR"),  # a "based" compound
        ("The grandparents, who live in Glasgow, urged ministers to bring the children home.", "urged", "GBR"),
        ("The police arrested a journalist on Thursday.", "arrested", "SYR"),  # no place: the focus country
    ],
)
def test_the_party_phrase_gives_its_country_before_the_focus(coder, sentence, trigger, country):
    assert event_by_trigger(coder, SYRIA + sentence, trigger).source.country == country


def test_a_clause_that_does_not_say_home_gives_no_country(coder):
    # troops stationed somewhere are not that place's troops
    gazetteer, words = coder.knowledge.gazetteer, coder.knowledge.places
    doc = coder.nlp("Soldiers stationed in Baghdad left.")
    assert own_place(doc[0], gazetteer, words) is None
    doc = coder.nlp("US-backed fighters advanced.")
    assert own_place(next(t for t in doc if t.text == "fighters"), gazetteer, words) is None


def test_own_place_reads_the_phrase_not_the_sentence(coder):
    gazetteer, words = coder.knowledge.gazetteer, coder.knowledge.places
    doc = coder.nlp("Protesters from Berlin marched on the embassy.")
    assert own_place(doc[0], gazetteer, words).country == "DEU"
    doc = coder.nlp("Protesters marched on the embassy.")
    assert own_place(doc[0], gazetteer, words) is None


def test_a_place_acted_on_is_of_its_own_country_not_the_actors(coder):
    text = "ANKARA - Turkish artillery pounded the outskirts of Aleppo on Sunday."
    pounded = event_by_trigger(coder, text, "pounded")
    assert pounded.source.code == "TURMIL"
    assert pounded.target is not None and pounded.target.country == "SYR"


def test_a_province_named_as_the_object_takes_its_country(coder):
    text = "Iraqi aircraft bombed Idlib province on Tuesday."
    bombed = event_by_trigger(coder, text, "bombed")
    assert bombed.target is not None and bombed.target.country == "SYR"


def test_the_two_men_after_leaders_of_two_countries_are_no_third_party(coder):
    text = (
        "PARIS - Spain's prime minister met the Italian president in Paris on Monday. The two men condemned the attack."
    )
    condemned = event_by_trigger(coder, text, "condemned")
    assert condemned.source.code is None  # not the focus country's civilians


def test_both_leaders_of_one_country_are_that_country(coder):
    text = (
        "The Dutch prime minister and the Dutch foreign minister visited Kyiv on Monday. "
        "Both leaders praised Ukraine's army."
    )
    praised = event_by_trigger(coder, text, "praised")
    assert praised.source.code == "NLDGOV"


def test_two_men_not_named_before_are_new_people(coder):
    arrested = event_by_trigger(coder, SYRIA + "Two men attacked a checkpoint on Friday.", "attacked")
    assert arrested.source.entry != "relation:pair"


def test_sea_and_border_forces_with_a_nationality_are_its_military(coder):
    for text, trigger in (
        ("The Greek coastguard detained a boat of smugglers.", "detained"),
        ("Libyan air forces bombed a convoy.", "bombed"),
    ):
        event = event_by_trigger(coder, text, trigger)
        assert event.source.code in ("GRCMIL", "LBYMIL"), text


def test_the_own_country_is_no_counterpart_for_a_later_act(coder):
    # the government acted on a thing of its own country; its later act without a target is not against it
    text = "Bahrain's government cut Bahrain's aid budget on Monday. The ministry later cut ties."
    cut = [e for e in coder.code(text, date="2019-10-10") if e.trigger.text == "cut"][-1]
    assert cut.target is None or cut.target.country != "BHR"


def test_two_groups_are_no_pair_of_persons(coder):
    text = SYRIA + "The two main rebel factions attacked an army base on Friday."
    attacked = event_by_trigger(coder, text, "attacked")
    assert attacked.source.code == "SYRREB"
