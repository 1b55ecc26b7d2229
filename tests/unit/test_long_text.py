"""A text longer than the parser takes at once is parsed in chunks, never rejected; offsets stay true."""

from __future__ import annotations

import pytest

from eventwatch.coding.parse import chunk_spans
from eventwatch.coding.state import DocumentState
from eventwatch.records import Document

PARAGRAPHS = [
    "Kenyan police arrested fourteen protesters in Nairobi on Tuesday. The interior ministry said the march "
    "had not been allowed.",
    "Ethiopia accused Eritrea of shelling a border town. Eritrea denied the charge and urged the African "
    "Union to send observers.",
    "The European Union imposed new sanctions on Belarus. Minsk condemned the decision as hostile.",
]
TEXT = "\n\n".join(PARAGRAPHS * 2)  # about 700 characters


def test_chunks_cover_the_text_and_end_at_sentence_or_paragraph_ends():
    spans = chunk_spans(TEXT, 300)
    assert spans[0][0] == 0 and spans[-1][1] == len(TEXT)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert all(end - start <= 300 for start, end in spans)
    for _, end in spans[:-1]:
        assert TEXT[:end].rstrip()[-1] == "." and TEXT[end - 1].isspace()


def test_a_word_longer_than_a_chunk_is_cut_inside_it():
    assert chunk_spans("x" * 25, 10) == [(0, 10), (10, 20), (20, 25)]


@pytest.fixture(scope="module")
def small_coder():
    from eventwatch.coding import Coder

    return Coder(include_unreal=True, max_length=300)


def test_a_text_over_the_maximum_length_is_coded_with_true_offsets(small_coder, coder):
    events = small_coder.code(TEXT, date="2021-11-02", doc_id="long")
    assert events
    for e in events:
        assert TEXT[e.trigger.start : e.trigger.end] == e.trigger.text
        assert TEXT[e.source.start : e.source.end] == e.source.text
        assert e.target is None or TEXT[e.target.start : e.target.end] == e.target.text
        assert TEXT[e.sentence_start :].startswith(e.sentence)
    whole = coder.code(TEXT, date="2021-11-02", doc_id="long")
    assert {(e.trigger.start, e.cameo) for e in events} == {(e.trigger.start, e.cameo) for e in whole}
    [state] = small_coder.pipe_states([DocumentState(Document(text=TEXT))])
    assert any(step.rule == "chunked" for step in state.trail)
    assert state.doc.text == TEXT
