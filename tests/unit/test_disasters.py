"""Disasters and accidents are no political event (issue 7, item 7): natural or accidental causes as
the doer, violence without a doer put down to an accident, and the sentence after an accident report.
Our own sentences."""

import pytest

from eventwatch.coding.violence import load_violence_words


def violent(coder, text):
    """The events of CAMEO roots 17-20 (real or not) in ``text``."""
    return [e for e in coder.code(text, date="2020-08-11") if e.cameo_root in {"17", "18", "19", "20"}]


@pytest.mark.parametrize(
    "text",
    [
        # a natural or accidental cause as the doer
        "A powerful earthquake killed at least 300 people in western Nepal.",
        "Monsoon floods hit the southern state of Kerala on Tuesday.",
        "A fire at a garment factory in Karachi killed 17 workers.",
        "Cholera has killed more than 200 people in the camps this year.",
        "A lightning strike killed four farmers in Bihar.",
        "A gas explosion in a residential block injured eleven residents in Kyiv.",
        # a vehicle as the doer: a traffic accident
        "A speeding lorry hit a crowded minibus near Kampala.",
        # violence with no doer, put down to an accident
        "Nineteen pilgrims were killed when their coach plunged off a mountain road.",
        "Six miners were killed in a methane explosion at a colliery in Shanxi.",
        "Two trawlers sank in a storm off the coast, killing eleven fishermen.",
        "A cargo ship capsized near Lagos, killing seven crew members.",
        # the sentence after an accident report
        "A military transport plane crashed near the airport. All 40 people on board were killed.",
    ],
)
def test_disasters_and_accidents_are_no_violent_event(coder, text):
    found = violent(coder, text)
    assert not found, [(e.cameo, e.trigger.text, e.rule) for e in found]


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("Israeli fire killed two Palestinian protesters near the fence.", "killed"),
        ("A car bomb killed twelve soldiers at a checkpoint in Baghdad.", "killed"),
        ("Troops opened fire on the crowd, killing 12 demonstrators.", "killing"),
        ("The navy sank a smuggling boat off the coast, killing five men.", "killing"),
        ("Soldiers stormed the compound, killing six militants.", "killing"),
        # a cause word naming the means of an attack ("a fire attack") is no disaster
        ("Rioters carried out a fire attack on a mosque in Kaduna.", "attack"),
        # an accident and an attack in one sentence: the attack stays
        ("After the bus crashed, gunmen attacked the passengers.", "attacked"),
    ],
)
def test_attacks_stay_violent(coder, text, trigger):
    found = [e for e in coder.code(text, date="2020-08-11") if e.trigger.text == trigger]
    assert found and all(e.cameo_root in {"18", "19", "20"} for e in found), [(e.cameo, e.rule) for e in found]


def test_the_trail_says_why(coder):
    events = coder.code("A speeding lorry hit a crowded minibus near Kampala.", date="2020-08-11", doc_id="x")
    assert not events
    from eventwatch.coding.state import DocumentState
    from eventwatch.records import Document

    state = coder.pipe_states([DocumentState(Document(text="A speeding lorry hit a crowded minibus near Kampala."))])[0]
    assert any(step.rule == "no event: disaster or accident" for step in state.trail)


def test_a_lexicon_folder_without_the_violence_file_has_no_rules(tmp_path):
    words = load_violence_words(tmp_path / "violence.yaml")
    assert not words.causes and words.test_code is None


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        # a cause that only describes something else reports no accident
        ("Kenyan police have arrested two doctors for selling fake malaria tests.", "arrested"),
        ("Riot police have detained the flood relief coordinator in Sindh.", "detained"),
    ],
)
def test_a_cause_as_a_modifier_reports_no_accident(coder, text, trigger):
    found = [e for e in coder.code(text, date="2020-08-11") if e.trigger.text == trigger]
    assert found and found[0].cameo_root == "17", [(e.cameo, e.rule) for e in found]
