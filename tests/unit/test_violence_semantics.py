"""Violence semantics (issue 7, item 7): unconventional violence is CAMEO 18, combat by armed forces 19,
and a weapons test is a show of force (150), not an attack. Our own sentences."""

import pytest


def codes(coder, text, trigger):
    """The CAMEO codes of the events on ``trigger`` (real or not)."""
    return {e.cameo for e in coder.code(text, date="2021-05-04") if e.trigger.text == trigger}


@pytest.mark.parametrize(
    ("sentence", "trigger", "root"),
    [
        # bombings, IEDs, abductions, assassinations and shootings by gunmen: unconventional violence
        ("A roadside bomb struck a police convoy outside Mosul.", "struck", "18"),
        ("An improvised explosive device hit a border patrol near Kandahar.", "hit", "18"),
        ("Masked gunmen shot three customs officers at a checkpoint in Benghazi.", "shot", "18"),
        ("Gunmen killed nine villagers in an overnight raid in Zamfara.", "killed", "18"),
        ("Kidnappers abducted a French engineer from a mining site in Niger.", "abducted", "18"),
        ("Insurgents assassinated the district police chief in Kunduz.", "assassinated", "18"),
        # clashes, shelling and air strikes by armed forces: conventional military force
        ("Sudanese troops clashed with rebel fighters near El Fasher.", "clashed", "19"),
        ("Artillery units shelled opposition positions east of Donetsk.", "shelled", "19"),
        ("Russian warplanes struck a hospital in southern Idlib.", "struck", "19"),
    ],
)
def test_unconventional_and_conventional_violence(coder, sentence, trigger, root):
    found = codes(coder, sentence, trigger)
    assert found and all(code.startswith(root) for code in found), found


@pytest.mark.parametrize(
    ("sentence", "trigger"),
    [
        ("North Korea tested a new intercontinental ballistic missile on Friday.", "tested"),
        ("Pakistan fired a nuclear-capable cruise missile in a test over the Arabian Sea.", "fired"),
        ("The Iranian navy launched two anti-ship missiles during a test in the Gulf.", "launched"),
    ],
)
def test_weapons_tests_are_a_show_of_force(coder, sentence, trigger):
    assert codes(coder, sentence, trigger) == {"150"}


def test_a_missile_fired_at_a_city_is_still_an_attack(coder):
    found = codes(coder, "Houthi rebels fired a ballistic missile at Riyadh.", "fired")
    assert found and all(code.startswith("19") for code in found)


def test_the_explain_trail_says_it_was_a_test(coder):
    events = coder.code("Pakistan fired a nuclear-capable cruise missile in a test.", date="2021-05-04")
    rules = [step.rule for e in events for step in e.trail]
    assert "weapons test" in rules


@pytest.mark.parametrize(
    ("sentence", "trigger", "root"),
    [
        # a present-tense verb the small model reads as a plural noun ("explodes", "clashes")
        ("The Malian army clashes with jihadist fighters near Gao.", "clashes", "19"),
        ("A suicide bomber injures at least 25 soldiers in Khujand.", "injures", "18"),
    ],
)
def test_headline_verbs_read_as_nouns_are_coded(coder, sentence, trigger, root):
    found = codes(coder, sentence, trigger)
    assert found and all(code.startswith(root) for code in found), found


def test_plural_noun_headings_stay_nouns(nlp, knowledge):
    from eventwatch.coding.predicates import find_predicates

    doc = nlp("Drone attacks in Pakistan:")
    predicates = find_predicates(doc[:], knowledge.lexicon.noun_lemmas, knowledge.lexicon.verbs)
    assert [p.pos for p in predicates if p.trigger.text == "attacks"] == ["noun"]
