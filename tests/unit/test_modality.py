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
        # an infinitive of purpose after a verb of going or a noun of an arrangement: intended, not done
        ("The volunteer travelled to Iraq to fight the militants.", "fight", "verb", HYPOTHETICAL),
        ("The sides agreed a ceasefire to evacuate the wounded.", "evacuate", "verb", HYPOTHETICAL),
        ("Monitors are due to arrive in Kinshasa to observe the vote.", "observe", "verb", HYPOTHETICAL),
        ("His task was to negotiate the release of the hostages.", "negotiate", "verb", HYPOTHETICAL),
        # ... but after other verbs the purpose is done with the act (CAMEO codes it), and a fact stays
        ("The mediators telephoned both leaders to discuss the border dispute.", "discuss", "verb", ASSERTED),
        ("Students blocked the highway to press their demands.", "press", "verb", ASSERTED),
        ("Peru was the first country to recognise the new government.", "recognise", "verb", ASSERTED),
        ("An attempt to assassinate the governor was thwarted.", "assassinate", "verb", ASSERTED),
        # expected, planned, past and repeated event nouns
        ("Ankara prepared for the expected spring offensive by the rebels.", "offensive", "noun", HYPOTHETICAL),
        ("Shipping firms braced for an anticipated naval blockade of the port.", "blockade", "noun", HYPOTHETICAL),
        ("Voters remember the senator's past support for the invasion.", "support", "noun", HISTORICAL),
        ("Her former campaign against corruption made her famous.", "campaign", "noun", HISTORICAL),
        ("The bombing was the latest in repeated attacks by the militia.", "attacks", "noun", GENERIC),
        # the past and habits as phrases; beliefs held as adjectives; wishes and pleas
        ("Belgrade has issued similar warnings in the past.", "issued", "verb", HISTORICAL),
        ("Activists were arrested on a daily basis for criticising the junta.", "arrested", "verb", GENERIC),
        ("Analysts are sceptical that Colombia will sign the accord.", "sign", "verb", HYPOTHETICAL),
        ("Let them negotiate with the rebels.", "negotiate", "verb", HYPOTHETICAL),
        ("The detainee begged to be allowed to go home to Ghana.", "allowed", "verb", HYPOTHETICAL),
        # not yet done, neither ... nor, no decision; the background a period is measured from
        ("Turkey is yet to offer a safe haven to the refugees.", "offer", "verb", NEGATED),
        ("The ministry has yet to release the prisoners.", "release", "verb", NEGATED),
        ("We will neither watch from the sidelines nor participate in such a war.", "participate", "verb", NEGATED),
        ("The cabinet has not made any decision to send troops abroad.", "send", "verb", NEGATED),
        ("It is more than four years since Russia annexed the peninsula.", "annexed", "verb", HISTORICAL),
        ("Spain and France had previously backed the rebels.", "backed", "verb", HISTORICAL),
        ("Putin had earlier rejected the calls for a ceasefire.", "rejected", "verb", ASSERTED),
        ("Police have arrested 40 people since Monday.", "arrested", "verb", ASSERTED),
        ("Western threats to carry out strikes on Syria were criticised.", "strikes", "noun", FUTURE),
        ("Officials criticised the government's move to expel the diplomats.", "expel", "verb", FUTURE),
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



# A lead of our own (over 400 characters) before the sentence under test: past it, a story is being told.
LEAD = (
    "Fighting resumed on Thursday along the northern front line after a week of relative calm, officials in "
    "the regional capital said, as aid convoys waited at the border crossing and negotiators in a neutral city "
    "struggled to agree an agenda for the next round of talks. Residents of three villages said artillery fire "
    "had kept them in basements through the night, and a hospital reported dozens of wounded civilians. "
)


@pytest.mark.parametrize(
    ("sentence", "trigger", "value"),
    [
        # past the lead, a main clause in the past perfect is background unless a date or a news adverb
        # anchors it; under a verb of saying it is the report's news
        ("Turkey had armed and supported the rebel militias.", "supported", HISTORICAL),
        ("Ankara had promised to disarm the militants.", "promised", HISTORICAL),
        ("The rebels had seized the airport by Monday evening.", "seized", ASSERTED),
        ("The government had reportedly detained two reporters.", "detained", ASSERTED),
        ("The ministry said it had struck rebel positions.", "struck", ASSERTED),
    ],
)
def test_past_perfect_after_the_lead_is_background(nlp, words, sentence, trigger, value):
    assert modality(nlp, words, LEAD + sentence, trigger).value == value


def test_past_perfect_in_the_lead_is_news(nlp, words):
    assert modality(nlp, words, "Turkey had armed the rebel militias.", "armed").value == ASSERTED


@pytest.mark.parametrize(
    ("text", "trigger", "value"),
    [
        # a yes/no question asks whether it happens; it reports nothing
        ("Will Turkey invade northern Syria?", "invade", "hypothetical"),
        ("Did the army shell the hospital in Idlib?", "shell", "hypothetical"),
        # a negated or refused intent is no intent
        ("Ankara denied it planned to attack Kurdish fighters.", "attack", "negated"),
        ("Moscow did not plan to expel the British diplomats.", "expel", "negated"),
    ],
)
def test_questions_and_negated_intents_are_not_real(coder, text, trigger, value):
    found = [e for e in coder.code(text, date="2019-03-20") if e.trigger.text == trigger]
    assert found and found[0].modality == value, [(e.trigger.text, e.modality) for e in found]


def test_a_wh_question_takes_its_act_as_given(coder):
    found = [e for e in coder.code("Why did police arrest the journalist in Minsk?", date="2019-03-20")]
    assert all(e.modality != "hypothetical" for e in found if e.trigger.text == "arrest")
