import pytest

from eventwatch.coding.modality import trigger_modality
from eventwatch.records import ASSERTED, FUTURE, GENERIC, HISTORICAL, HYPOTHETICAL, NEGATED


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


@pytest.mark.parametrize(
    ("text", "trigger", "pos", "value"),
    [
        # habitual or generic: no one event
        ("Every summer, hundreds of activists march through the old town.", "march", "verb", GENERIC),
        ("Border guards routinely detain migrants near the river.", "detain", "verb", GENERIC),
        ("The agency is delivering food aid every week to the camps.", "delivering", "verb", ASSERTED),
        ("Moldova has long accused Moscow of meddling.", "accused", "verb", ASSERTED),
        # background since a year, or marked as former
        ("The two militias have fought repeatedly since 2016.", "fought", "verb", GENERIC),
        ("The junta had formerly expelled the French envoy.", "expelled", "verb", HISTORICAL),
        ("The rebels gave in to demands that they leave the port.", "leave", "verb", HYPOTHETICAL),
        # the past perfect is often this week's news
        ("Finland had summoned the Russian envoy on Tuesday.", "summoned", "verb", ASSERTED),
        # negation stops at a contrast, and a refusal that is negated leaves a possibility
        ("Police gave no casualty figures but blamed the separatists.", "blamed", "verb", ASSERTED),
        ("The ministry did not name the dead but accused the rebels.", "accused", "verb", ASSERTED),
        ("The army did not shell or bomb the town.", "bomb", "verb", NEGATED),
        ("Ankara has not ruled out sending troops to Idlib.", "sending", "verb", HYPOTHETICAL),
        # a document's own act is no one's wish
        ("The assembly passed a motion condemning the coup.", "condemning", "verb", ASSERTED),
        # negated by an adverb that is itself negated
        ("Opposition parties no longer boycott the parliament.", "boycott", "verb", NEGATED),
        # an act that was averted did not happen
        ("The capital was spared a rocket attack on Sunday.", "attack", "noun", NEGATED),
        ("Police foiled a bombing at the stadium.", "bombing", "noun", NEGATED),
        # the infinitive of a noun of intent is not done yet
        ("The rebels renewed their threat to storm the airport.", "storm", "verb", FUTURE),
        ("Lawmakers backed the government's plan to expel the diplomats.", "expel", "verb", FUTURE),
        ("The envoys are due to meet in Doha on Thursday.", "meet", "verb", FUTURE),
        ("Peace talks between the two sides are due to resume in Geneva.", "talks", "noun", FUTURE),
        ("A new round of negotiations is expected to begin next week.", "negotiations", "noun", FUTURE),
        # a prediction is no one's announcement
        ("Observers think the army will seize the port.", "seize", "verb", HYPOTHETICAL),
        # reported news stays real
        ("Officials said the army seized the port.", "seized", "verb", ASSERTED),
        ("Earlier on Monday, the army seized the port.", "seized", "verb", ASSERTED),
    ],
)
def test_generic_background_averted_and_intended(nlp, words, text, trigger, pos, value):
    found = modality(nlp, words, text, trigger, pos)
    assert found.value == value, found


@pytest.mark.parametrize(
    ("text", "trigger", "pos"),
    [
        ("An attempt to kidnap the mayor was thwarted by his guards.", "kidnap", "verb"),
        ("The court upheld the right of the police to search the offices.", "search", "verb"),
    ],
)
def test_attempts_and_rights_do_not_make_an_act_intended(nlp, words, text, trigger, pos):
    assert modality(nlp, words, text, trigger, pos).value != FUTURE


def test_as_long_as_is_no_habit(nlp, words):
    text = "Cyprus urged its partners to refuse talks as long as the troops stay."
    assert modality(nlp, words, text, "refuse").value != GENERIC
