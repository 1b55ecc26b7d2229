"""The coder as passes over a document: their order, the state they leave, the knowledge they are built from."""

from __future__ import annotations

import shutil
from typing import ClassVar

import pytest

from eventwatch.coding.knowledge import package_data
from eventwatch.coding.passes import PassFailed, run, unmet_requirements
from eventwatch.coding.state import LAYERS, DocumentState
from eventwatch.records import Document


def test_every_pass_reads_only_what_an_earlier_pass_wrote(coder):
    assert unmet_requirements(coder.passes) == []
    written = {layer for p in coder.passes for layer in p.writes}
    assert written | {"document", "trail"} == set(LAYERS)  # every layer has a pass that writes it


def test_a_pass_moved_before_its_input_is_caught(coder):
    passes = list(coder.passes)
    passes[2], passes[4] = passes[4], passes[2]  # classify before the registry it reads
    problems = unmet_requirements(passes)
    assert any("classify reads 'registry'" in p for p in problems)


class _Broken:
    name: ClassVar[str] = "broken"
    reads: ClassVar[tuple[str, ...]] = ()
    writes: ClassVar[tuple[str, ...]] = ()

    def __call__(self, state):
        raise ValueError("boom")


def test_a_failing_pass_is_named_with_the_document():
    with pytest.raises(PassFailed, match=r"the broken pass failed on document 'doc-7'"):
        run(_Broken(), DocumentState(Document(text="x", id="doc-7")))


def test_each_pass_adds_its_layer(coder):
    document = Document(text="Chile recalled its ambassador from Peru.", id="d", date="2023-04-05")
    state = coder.pipe_states([DocumentState(document)])[0]
    for layer in LAYERS:
        assert getattr(state, layer) is not None, layer
    assert [e.cameo_root for e in state.events] and state.events[0].trail


def test_the_trail_of_an_event_names_each_stage(coder):
    [event] = [e for e in coder.code("Chile recalled its ambassador from Peru.") if e.cameo.startswith("16")]
    passes = {step.pass_name for step in event.trail}
    assert {"classify", "time", "roles"} <= passes
    assert any(step.rule.startswith("lexicon ") for step in event.trail)
    assert event.to_dict()["trail"][0]["pass"] == "classify"


def test_the_knowledge_folders_really_swap_what_the_coder_knows(tmp_path):
    """A words folder whose modality list lacks 'would' makes a conditional real: the passes use the bundle."""
    from eventwatch.coding import Coder

    words = tmp_path / "words"
    words.mkdir()
    for name in ("dates.yaml", "time.yaml", "places.yaml", "attribution.yaml", "modality.yaml"):
        shutil.copy(package_data(name), words / name)
    modality = (words / "modality.yaml").read_text(encoding="utf-8")
    (words / "modality.yaml").write_text(
        modality.replace("hypothetical_modals: [would, ", "hypothetical_modals: ["), encoding="utf-8"
    )
    text = "Turkey would send troops to Libya."
    usual = Coder(include_unreal=True).code(text)
    swapped = Coder(include_unreal=True, words_dir=words).code(text)
    assert all(e.modality != "asserted" for e in usual if e.trigger.text == "send")
    assert any(e.modality == "asserted" for e in swapped if e.trigger.text == "send")


def test_code_parsed_gives_the_events_of_code(coder):
    text = "Chile recalled its ambassador from Peru. Peru protested."
    document = Document(text=text, id="p", date="2023-04-05")
    parsed = coder.code_parsed(document, coder.nlp(text))
    coded = coder.code(text, date="2023-04-05", doc_id="p")
    assert [e.to_dict() for e in parsed] == [e.to_dict() for e in coded]
