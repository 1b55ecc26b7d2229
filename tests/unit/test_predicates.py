from eventwatch.coding.predicates import find_predicates


def preds(nlp, text, nouns=frozenset({"invasion", "sanction", "attack"})):
    doc = nlp(text)
    return {p.trigger.text: p for p in find_predicates(doc[:], nouns)}


def test_coordinated_subjects_and_object(nlp):
    p = preds(nlp, "The US and NATO rejected the proposal.")["rejected"]
    assert [t.text for t in p.subjects] == ["US", "NATO"]
    assert [t.text for t in p.objects] == ["proposal"]


def test_passive_agent_is_subject_and_patient_is_object(nlp):
    p = preds(nlp, "The convoy was attacked by rebels near the town.")["attacked"]
    assert p.passive
    assert [t.text for t in p.subjects] == ["rebels"]
    assert [t.text for t in p.objects] == ["convoy"]


def test_conjoined_verb_inherits_subject(nlp):
    p = preds(nlp, "Iran condemned the strike and recalled its ambassador.")["recalled"]
    assert [t.text for t in p.subjects] == ["Iran"]


def test_relative_pronoun_subject_is_the_modified_noun(nlp):
    p = preds(nlp, "Troops that crossed the border attacked a village.")["crossed"]
    assert [t.text for t in p.subjects] == ["Troops"]


def test_event_noun_with_possessor_and_of_phrase(nlp):
    p = preds(nlp, "Moscow's invasion of Georgia shocked Europe.")["invasion"]
    assert p.pos == "noun"
    assert [t.text for t in p.subjects] == ["Moscow"]
    assert [t.text for t in p.preps["of"]] == ["Georgia"]


def test_phrasal_particle(nlp):
    p = preds(nlp, "The union called off the strike.")["called"]
    assert p.particle == "off"
