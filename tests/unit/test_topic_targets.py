"""Issue 7, class 3: what an act is about is no party to it (our own sentences).

An event noun ("the talks", "the bombing"), an abstract noun ("calm", "stability") or a weapon fired
("shells") as the object took the country of the other party and made a domestic dyad (USAGOV -> USA).
They are no target: the event has none, or the party the source acted on just before.
"""

import pytest


def event_by_trigger(coder, text, trigger):
    return next(e for e in coder.code(text, date="2021-03-04") if e.trigger.text == trigger)


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("The Kenyan president praised the negotiations as a turning point.", "praised"),
        ("Chile's foreign minister condemned the bombing.", "condemned"),
        ("The Indonesian government appealed for calm after the riots.", "appealed"),
        ("Norway's prime minister welcomed the stability of the region.", "welcomed"),
    ],
)
def test_a_topic_is_no_target(coder, text, trigger):
    event = event_by_trigger(coder, text, trigger)
    assert event.source is not None and event.source.code is not None
    assert event.target is None or event.target.code is None


def test_a_sector_word_inside_a_topic_names_no_party(coder):
    text = "Japan and Vietnam agreed to expand naval cooperation."
    for event in coder.code(text, date="2021-03-04"):
        assert event.target is None or event.target.code != "JPNNAV" and event.target.code != "VNMNAV"


def test_a_weapon_fired_is_no_target(coder):
    text = "Rebel fighters attacked Mozambique's army in Palma on Monday, firing mortar shells at its base."
    fired = event_by_trigger(coder, text, "firing")
    assert fired.target is None or fired.target.country != fired.source.country or fired.target.code == "MOZMIL"


def test_a_named_party_after_a_topic_word_stays_a_target(coder):
    event = event_by_trigger(coder, "Ghana's president praised Nigeria for its mediation.", "praised")
    assert event.target is not None and event.target.code == "NGA"


@pytest.mark.parametrize(
    "text",
    [
        "Peru and Bolivia agreed on Friday to reopen their shared border crossings.",
        "Kazakhstan and Uzbekistan signed a water-sharing accord.",
    ],
)
def test_parties_named_together_cooperate_with_each_other(coder, text):
    events = coder.code(text, date="2021-03-04")
    dyads = {(e.source.country, e.target.country) for e in events if e.source and e.target}
    countries = {e.source.country for e in events if e.source and e.source.country}
    assert len(countries) == 2
    a, b = sorted(countries)
    assert (a, b) in dyads and (b, a) in dyads


def test_parties_attacking_together_do_not_attack_each_other(coder):
    events = coder.code("Chadian and Nigerien troops attacked the insurgents' camps.", date="2021-03-04")
    for event in events:
        assert not (event.target and event.source and {event.source.country, event.target.country} == {"TCD", "NER"})


def test_two_heads_of_state_who_met_are_a_dyad(coder):
    events = coder.code("The presidents of Ghana and Togo met in Lome to discuss maritime security.", date="2021-03-04")
    assert any({e.source.country, e.target.country} == {"GHA", "TGO"} for e in events if e.source and e.target)


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("The findings were welcomed by the Dutch foreign minister.", "welcomed"),
        ("Sweden's defence minister backed military intervention in Mali.", "backed"),
    ],
)
def test_findings_and_interventions_are_no_targets(coder, text, trigger):
    event = event_by_trigger(coder, text, trigger)
    assert event.target is None or event.target.code is None


def test_a_named_owner_of_a_topic_stays_the_target(coder):
    event = event_by_trigger(coder, "The Kenyan president praised Uganda's efforts.", "praised")
    assert event.target is not None and event.target.country == "UGA"


def test_no_other_party_from_a_clause_about_another_noun(coder):
    text = "Photos released by a Turkish company showed that Russian warships had deployed."
    deployed = event_by_trigger(coder, text, "deployed")
    assert deployed.target is None or deployed.target.code is None
