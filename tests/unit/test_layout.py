"""Headline, dateline and body kept apart, and the document's focus country, on texts of our own."""

from __future__ import annotations

from eventwatch.coding.layout import find_layout
from eventwatch.coding.state import DocumentState
from eventwatch.records import Document

HEADLINED = "Court jails protest leaders\n\nA court in Bamako jailed five opposition leaders on Monday."
DATELINED = "GAO, Mali (Wire) - Soldiers clashed with rebels near the town on Monday, the army said."


def state_of(coder, text, **fields):
    return coder.pipe_states([DocumentState(Document(text=text, **fields))])[0]


def test_a_headline_is_its_own_sentence(coder):
    layout = find_layout(HEADLINED)
    assert layout.headline == (0, len("Court jails protest leaders"))
    state = state_of(coder, HEADLINED, date="2021-06-08")
    assert [s.text.strip() for s in state.sentences][0] == "Court jails protest leaders"
    assert all("Court jails" not in e.sentence for e in state.events if "Bamako" in e.sentence)


def test_a_dateline_is_context_not_text_to_code(coder):
    layout = find_layout(DATELINED)
    assert layout.dateline is not None
    assert (layout.dateline.city, layout.dateline.area, layout.dateline.agency) == ("GAO", ("Mali",), "Wire")
    assert DATELINED[layout.body_start :].startswith("Soldiers clashed")
    state = state_of(coder, DATELINED, date="2021-06-08")
    assert state.events and all(not e.sentence.startswith("GAO") for e in state.events)
    assert all(e.source.start >= layout.body_start for e in state.events)


def test_the_dateline_gives_the_focus_country(coder):
    state = state_of(coder, DATELINED, date="2021-06-08")
    assert (state.registry.focus.country, state.registry.focus.how) == ("MLI", "dateline")


def test_the_title_gives_the_focus_country_when_there_is_no_dateline(coder):
    state = state_of(coder, "Troops clashed with rebels near the border.", title="Clashes in northern Niger")
    assert (state.registry.focus.country, state.registry.focus.how) == ("NER", "title")


def test_the_most_mentioned_country_is_the_focus_otherwise(coder):
    text = "Peru recalled its envoy. Peru's congress met on Monday. Chile said nothing. Peru closed a border post."
    state = state_of(coder, text)
    assert (state.registry.focus.country, state.registry.focus.how) == ("PER", "most mentioned")


def test_hard_wrapped_text_has_no_headline():
    text = "Russian forces shelled the city of Kharkiv on Monday, killing\nthree civilians, officials said."
    assert find_layout(text).headline is None
    text = "Rebels attacked the garrison of the town\nAnd the army said it repelled them on Monday.\n"
    assert find_layout(text).headline is None


def test_a_paragraph_break_ends_a_sentence(coder):
    text = "Protesters marched in Lima on Sunday\n\nPolice arrested twelve of them."
    state = state_of(coder, text, date="2022-03-07")
    assert [s.text.strip() for s in state.sentences] == [
        "Protesters marched in Lima on Sunday",
        "Police arrested twelve of them.",
    ]
