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
