import pytest

from eventwatch.coding.modality import trigger_modality
from eventwatch.records import ASSERTED, FUTURE, HYPOTHETICAL, NEGATED


@pytest.fixture(scope="module")
def words(knowledge):
    return knowledge.modality


def modality(nlp, words, text, trigger, pos="verb"):
    doc = nlp(text)
    token = next(t for t in doc if t.text == trigger)
    return trigger_modality(token, pos, words)


@pytest.mark.parametrize(
    ("text", "trigger", "pos", "value"),
    [
        ("Russian forces attacked the city.", "attacked", "verb", ASSERTED),
        ("Russian forces did not attack the city.", "attack", "verb", NEGATED),
        ("If Russia invades, the West will respond.", "invades", "verb", HYPOTHETICAL),
        ("Any invasion would be met with sanctions.", "invasion", "noun", HYPOTHETICAL),
        ("The army could strike within days.", "strike", "verb", HYPOTHETICAL),
        ("The ministers will meet in Geneva.", "meet", "verb", FUTURE),
        ("Iran threatened to close the strait.", "close", "verb", FUTURE),
        ("Officials said troops had withdrawn.", "withdrawn", "verb", ASSERTED),
        ("A deal that would allow Russia to withdraw the troops it has deployed.", "deployed", "verb", ASSERTED),
        ("A deal that would allow Russia to withdraw the troops it has deployed.", "withdraw", "verb", HYPOTHETICAL),
    ],
)
def test_modality(nlp, words, text, trigger, pos, value):
    assert modality(nlp, words, text, trigger, pos).value == value


def test_no_concessions_is_a_refusal(nlp, words):
    found = modality(nlp, words, "There will be no concessions.", "concessions", "noun")
    assert found.value == NEGATED and found.refusal


def test_refusing_verb_negates_its_complement(nlp, words):
    found = modality(nlp, words, "The government refused to release the prisoners.", "release")
    assert found.value == NEGATED and found.refusal


def test_plain_past_negation_is_not_a_refusal(nlp, words):
    assert not modality(nlp, words, "The rebels did not release the hostages.", "release").refusal
