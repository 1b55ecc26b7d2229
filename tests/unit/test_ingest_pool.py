"""Ingest with coding workers: the workers build the Coder; the process that writes the store does not."""

from __future__ import annotations

import pytest

from eventwatch.coding import Coder
from eventwatch.ingest.pipeline import make_coder
from eventwatch.records import Document

# Texts of our own wording: an attack, a statement, a hypothetical threat, nothing to code.
TEXTS = [
    "Russian forces shelled the Ukrainian city of Kharkiv on Tuesday, the regional governor said.",
    "France condemned the coup in Niger and called for the release of the president.",
    "Iran could strike Israeli targets if the talks fail, an official warned.",
    "The weather in Lisbon was mild for the season.",
]


def events_of(coder, documents: list[Document]) -> list[list[dict]]:
    return [[event.to_dict() for event in events] for _, events in coder.pipe_documents(documents)]


@pytest.mark.slow
def test_workers_code_as_the_coder_does(coder: Coder) -> None:
    pool = make_coder(workers=2)
    assert "nlp" not in vars(pool) and "passes" not in vars(pool)  # no model loaded here: only the workers use one
    documents = [Document(text=text, date="2023-08-01", id=f"doc{i}") for i, text in enumerate(TEXTS)]
    assert events_of(pool, documents) == events_of(coder, documents)
