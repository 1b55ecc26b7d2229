import pytest

from eventwatch.coding.lexicon import Lexicon, LexiconError, mapped_code
from eventwatch.coding.predicates import find_predicates


@pytest.fixture(scope="module")
def lexicon(knowledge):
    return knowledge.lexicon


def match(nlp, lexicon, text, trigger):
    doc = nlp(text)
    pred = next(p for p in find_predicates(doc[:], lexicon.noun_lemmas) if p.trigger.text == trigger)
    return lexicon.match(pred)


def test_bundled_lexicon_covers_all_twenty_roots(lexicon):
    roots = {e.code[:2] for entries in lexicon.entries.values() for e in entries if e.code}
    roots |= {p.code[:2] for entries in lexicon.entries.values() for e in entries for p in e.patterns}
    assert roots >= {f"{n:02d}" for n in range(1, 21)}


def test_pattern_refines_to_more_specific_code(nlp, lexicon):
    assert match(nlp, lexicon, "Washington sent weapons to Kyiv.", "sent").code == "072"
    found = match(nlp, lexicon, "Germany sent food and medicine to Gaza.", "sent")
    assert found.code == "073"


def test_rule_names_the_data_that_fired(nlp, lexicon):
    found = match(nlp, lexicon, "Washington sent weapons to Kyiv.", "sent")
    assert found.rule.startswith("07_aid:send")


def test_light_verb_with_preposition_pattern(nlp, lexicon):
    assert match(nlp, lexicon, "The army put its units on high alert.", "put").code == "152"
    assert match(nlp, lexicon, "The army put the plan on the table.", "put") is None


def test_refusal_codes_follow_the_refused_action():
    refusals = {"08": "124", "084": "1243"}
    assert mapped_code(refusals, "0841") == "1243"
    assert mapped_code(refusals, "080") == "124"
    assert mapped_code(refusals, "190") is None


def test_bad_entries_are_reported_with_file_and_entry(tmp_path, knowledge):
    (tmp_path / "x.yaml").write_text("- lemma: attack\n  code: '999'\n")
    with pytest.raises(LexiconError, match=r"x.yaml entry 1 \(attack\): unknown CAMEO code"):
        Lexicon.load(tmp_path, knowledge.ontology)
    (tmp_path / "x.yaml").write_text("- lemma: attack\n  code: '190'\n  colour: red\n")
    with pytest.raises(LexiconError, match="unknown keys"):
        Lexicon.load(tmp_path, knowledge.ontology)


def test_prep_requirement_is_met_by_a_phrase_on_the_object(nlp, lexicon):
    found = match(nlp, lexicon, "The rebels received assurances from the government.", "received")
    assert found is not None and found.code == "030" and found.source == "from"
