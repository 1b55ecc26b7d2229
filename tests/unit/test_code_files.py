"""``eventwatch.coding.code``: a document that breaks the coder is one problem naming its file and line;
the documents around it are still coded."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from eventwatch.coding import code
from eventwatch.documents import InputProblem
from eventwatch.records import Document, Event


class BreaksOnPoison:
    """A coder that fails on any document mentioning 'poison' and codes nothing else."""

    def pipe_documents(self, documents: Iterable[Document]) -> Iterator[tuple[Document, list[Event]]]:
        for document in documents:
            if "poison" in document.text:
                raise ValueError("cannot parse this")
            yield document, []


def test_a_document_that_breaks_the_coder_is_named_and_the_rest_coded(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text('{"id": "a", "text": "fine"}\n{"id": "b", "text": "poison"}\n{"id": "c", "text": "fine too"}\n')
    problems: list[InputProblem] = []
    coded: list[str] = []
    list(code([str(path)], coder=BreaksOnPoison(), on_problem=problems.append,
              on_document=lambda doc, _: coded.append(doc.id)))  # fmt: skip
    assert [str(p) for p in problems] == [f"{path}:2: coder failed: cannot parse this"]
    assert coded == ["a", "c"]
