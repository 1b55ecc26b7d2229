"""Word senses the lexicon must not take for events (issue 7, class 2): evidence is no protest, a danger
is no threat. Our own sentences; the constraints live in the lexicon YAML."""

import pytest


def triggers(coder, text):
    return {e.trigger.text: e.cameo for e in coder.code(text, date="2022-03-01")}


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("The autopsy results demonstrate the exposure of the prisoners to tear gas.", "demonstrate"),
        ("Last week's border clashes demonstrated the weakness of the truce.", "demonstrated"),
        ("The drought threatens to become the worst famine in a decade.", "threatens"),
        ("The row over fishing rights threatens to derail the summit.", "threatens"),
        ("Rising inflation threatens the government's majority.", "threatens"),
        ("It demonstrates how little the junta cares for its own soldiers, the senator said.", "demonstrates"),
        ("Ballot boxes were sealed for delivery to the electoral commission in Accra.", "delivery"),
    ],
)
def test_no_event_in_these_senses(coder, text, trigger):
    assert trigger not in triggers(coder, text)


@pytest.mark.parametrize(
    ("text", "trigger", "root"),
    [
        ("Thousands of students demonstrated outside the parliament in Tbilisi.", "demonstrated", "14"),
        ("Armenia threatened to expel the Azerbaijani diplomats.", "threatened", "13"),
    ],
)
def test_the_event_senses_stay(coder, text, trigger, root):
    found = triggers(coder, text)
    assert found.get(trigger, "").startswith(root), found


@pytest.mark.parametrize(
    ("text", "trigger", "code"),
    [
        # suspending one's own protests or attacks is a concession, not reduced relations
        ("The miners' union suspended its protests for ten days.", "suspended", "082"),
        ("Students announced a suspension of the demonstrations in Dhaka.", "suspension", "082"),
        ("Opposition groups declared a freeze on street protests until the vote.", "freeze", "082"),
        ("The insurgents suspended attacks on army convoys during the holiday.", "suspended", "087"),
        # the other senses stay
        ("Ecuador suspended diplomatic relations with Mexico.", "suspended", "161"),
    ],
)
def test_suspended_protests_and_attacks_are_concessions(coder, text, trigger, code):
    found = triggers(coder, text)
    assert found.get(trigger) == code, found


def test_a_recollection_is_no_event_but_a_recalled_envoy_is(coder):
    assert "recalls" not in triggers(coder, "“The shelling went on all night,” recalls Amira, a nurse in Kherson.")
    assert triggers(coder, "Lithuania recalled its ambassador from Minsk.").get("recalled") == "161"


@pytest.mark.parametrize(
    "text",
    ["The Malian army declared a unilateral cease-fire on Sunday.", "Both militias announced a cease-fire in Tripoli."],
)
def test_a_hyphenated_cease_fire_is_a_truce(coder, text):
    assert "0871" in triggers(coder, text).values()


def test_other_fire_is_no_truce(coder):
    assert "0871" not in triggers(coder, "Troops opened fire on the crowd in Conakry.").values()
