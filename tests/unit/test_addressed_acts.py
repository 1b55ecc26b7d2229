"""Issue 7, classes 2 and 3: a thing named as the object of an act addressed to a party is no party.

Statements, appeals, intentions, consultations, praise, demands, disapproval and threats (the CAMEO
roots listed as ``addressed_roots`` in data/actors/dyads.yaml) are aimed at someone. When their object
is a thing ("called for a regional solution", "warned that the alternative would be chaos"), the thing
used to take the source's own country and made a disguised self-dyad (CHLGOV -> CHL). It is no target;
acts done to a thing keep CAMEO's domestic convention ("lifted the curfew in Kandy" -> the country).
Our own sentences.
"""

import pytest


def events_by_trigger(coder, text, trigger):
    return [e for e in coder.code(text, date="2021-03-04") if e.trigger.text == trigger]


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("Chile's interior minister, Ana Soto, called for a regional solution to the migrant crisis.", "called"),
        ("The Kenyan president warned that the alternative would be chaos.", "warned"),
        ("Peru's finance minister urged patience from investors' perspective.", "urged"),
        ("The Danish government admitted the failure for the first time.", "admitted"),
    ],
)
def test_a_thing_addressed_takes_no_country_of_the_source(coder, text, trigger):
    found = events_by_trigger(coder, text, trigger)
    assert found, text
    for event in found:
        assert event.source is not None and event.source.code is not None
        if event.target is not None and event.target.code:
            assert event.target.code != event.source.code[:3], (text, event.target.text, event.target.code)


def test_the_document_may_name_the_party_addressed(coder):
    text = (
        "Ghana's foreign minister met her Nigerian counterpart in Accra on Tuesday. "
        "She later urged restraint along the border."
    )
    urged = events_by_trigger(coder, text, "urged")
    assert urged
    for event in urged:
        assert event.target is None or event.target.code is None or not event.target.code.startswith("GHA")


def test_an_act_on_a_thing_keeps_the_domestic_target(coder):
    text = "Sri Lanka's government lifted the curfew in Kandy on Sunday."
    lifted = events_by_trigger(coder, text, "lifted")
    assert lifted and lifted[0].target is not None and lifted[0].target.code == "LKA"
