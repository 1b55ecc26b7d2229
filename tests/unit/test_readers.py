"""The readers against hostile input: the fixed corpus in tests/fixtures/hostile (small files), inputs
too large to keep in the repository built here, and the guards that keep a batch going.

Each case says what must come out: the documents (by id) and the problems (line, error or warning, and
the start of the message). Nothing may raise, and every problem is one line.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from eventwatch import documents
from eventwatch.decoding import binary_kind, clean_text, decode
from eventwatch.documents import Document, InputProblem, document_from_record, read_path, read_stdin
from eventwatch.ingest.sources import files_in
from eventwatch.isolation import ReaderFailed, code_safely, guarded
from eventwatch.records import content_hash
from fixtures.store.fake_coder import FakeCoder

HOSTILE = Path(__file__).parents[1] / "fixtures" / "hostile"
E, W = "error", "warning"

CORPUS = {
    "lone_surrogate.jsonl": (["after"], [(1, E, "1 lone surrogate(s)")]),
    "bare_cr.csv": (["after"], [(2, E, "a bare carriage return (\\r) inside an unquoted field; line 2 not read")]),
    "unclosed_quote.csv": (["before"], [(3, E, "a quote opened here is never closed; lines 3-5 not read")]),
    "undoubled_quote.csv": (["after"], [(2, E, "a quote inside a quoted field is not doubled")]),
    "unquoted_comma.csv": (["after"], [(2, E, "row has 3 fields but the header has 2")]),
    "cr_only.csv": (["one", "two"], []),
    "header_only.csv": ([], [(1, E, "input is empty: a header row and no records")]),
    "stray_byte.txt": (["stray_byte"], [(None, W, "1 byte(s) not valid utf-8 replaced with U+FFFD")]),
    "legacy_cp1252.txt": (["legacy_cp1252"], []),
    "nul_bytes.jsonl": (["raw", "escaped", "after"], []),
    "line_separators.jsonl": (["seps", "after"], []),
    "mixed_encodings.jsonl": (["utf8", "cp1252", "stray"], [(3, W, "1 byte(s) not valid utf-8")]),
    "utf16_bom.jsonl": (["u16", "after"], []),
    "pdf_named_txt.txt": ([], [(None, E, "input looks like a PDF document, not text")]),
    "not_records.jsonl": (
        ["a4ac50192ed26b09", "after"],
        [(1, E, "expected a JSON object, got list"), (3, E, "expected a JSON object, got int"),
         (4, E, "expected a JSON object, got NoneType"), (5, E, "record has no text (got int)"),
         (6, E, "record has no text"), (7, W, "record's text is empty"), (8, E, "bad date 'last Tuesday'"),
         (9, E, "not a readable JSON record (Exceeds the limit (4300 digits)")],
    ),  # fmt: skip
}


def outcome(items: list) -> tuple[list[str], list[tuple[int | None, str, str]]]:
    docs = [i.id for i in items if isinstance(i, Document)]
    problems = [(p.line, E if p.fatal else W, p.message) for p in items if isinstance(p, InputProblem)]
    return docs, problems


def assert_clean(items: list) -> None:
    """What every reader promises whatever the input: documents whose text every later stage accepts,
    problems of one printable line."""
    for item in items:
        if isinstance(item, Document):
            item.text.encode("utf-8")  # no lone surrogates
            assert item.text.strip() and content_hash(item.text) and item.origin
        else:
            assert isinstance(item, InputProblem) and "\n" not in str(item) and str(item).isprintable()


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_corpus(name: str) -> None:
    items = list(read_path(HOSTILE / name))
    assert_clean(items)
    docs, problems = outcome(items)
    want_docs, want_problems = CORPUS[name]
    assert docs == want_docs
    assert len(problems) == len(want_problems), problems
    for (line, kind, message), (want_line, want_kind, start) in zip(problems, want_problems, strict=True):
        assert (line, kind) == (want_line, want_kind) and message.startswith(start), (line, kind, message)


def test_the_corpus_is_read_as_written() -> None:
    """Not just no crash: the text of each repaired or legacy document is what its author wrote."""
    texts = {d.id: d.text for f in HOSTILE.iterdir() for d in read_path(f) if isinstance(d, Document)}
    assert texts["legacy_cp1252"].startswith("Kyiv’s mayor said Russian forces shelled the café district — “a")
    assert texts["stray_byte"].startswith("Kyiv’s mayor") and "Caf\ufffd owners" in texts["stray_byte"]
    assert texts["cp1252"] == texts["utf8"] == "Kyiv’s mayor condemned Russia."
    separated = "Russia attacked Ukraine.\u2028NATO condemned Russia.\u2029Moscow met Kyiv.\u0085Israel attacked Hamas."
    assert texts["seps"] == separated
    assert texts["raw"] == "Russia attacked   Ukraine." and texts["escaped"] == "Russia attacked Ukraine."
    assert "cut" not in texts  # a lone surrogate: refused, not repaired
    assert texts["two"] == "NATO condemned\nRussia."


def test_json_nested_200000_deep_is_one_problem_and_the_file_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    good = json.dumps({"id": "after", "text": "NATO condemned Russia."})
    deep = '{"text": "x", "nested": ' + "[" * 200_000 + "]" * 200_000 + "}"
    path.write_text(f"{deep}\n{good}\n" + "[" * 200_000 + "\n" + good.replace("after", "last") + "\n")
    docs, problems = outcome(list(read_path(path)))
    assert docs == ["after", "last"]
    assert problems == [(1, E, "not a readable JSON record (JSON nested deeper than 32 levels)"),
                        (3, E, "not a readable JSON record (JSON nested deeper than 32 levels)")]  # fmt: skip
    assert documents.load_json('{"text": "[[[[" , "a": [[[1]]]}')["a"] == [[[1]]]  # brackets in strings


def test_csv_fields_longer_than_128_kib_are_read(tmp_path: Path) -> None:
    text = "Russia attacked Ukraine near Kharkiv. " * 5000  # 190 KB
    (tmp_path / "long.csv").write_text(f'id,text\nlong,"{text}"\nshort,NATO condemned Russia.\n')
    items = list(read_path(tmp_path / "long.csv"))
    assert [(d.id, len(d.text)) for d in items] == [("long", len(text)), ("short", 22)]


def test_a_line_over_the_record_cap_is_skipped_not_held(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_TEXT_BYTES", 1000)
    path = tmp_path / "big.jsonl"
    huge = json.dumps({"id": "huge", "text": "x " * 5000})
    path.write_text(f"{huge}\n" + json.dumps({"id": "after", "text": "NATO condemned Russia."}) + "\n")
    assert outcome(list(read_path(path))) == (["after"], [(1, E, "line is over the 0 MiB limit; skipped")])


def test_a_jsonl_file_bigger_than_one_record_cap_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_TEXT_BYTES", 1000)
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps({"id": str(i), "text": "Russia attacked Ukraine."}) + "\n" for i in range(200)))
    assert len(outcome(list(read_path(path)))[0]) == 200


def test_binary_is_told_by_signature_or_share_of_control_bytes() -> None:
    assert binary_kind(b"\x89PNG\r\n\x1a\n" + bytes(100)) == "a PNG image"
    assert binary_kind(os.urandom(4096)) is not None
    assert binary_kind(b'{"text": "one NUL \x00 in a line of JSON"}\n' * 100) is None
    assert binary_kind("Kyiv".encode("utf-16")) is None


def test_decoding_is_per_document() -> None:
    assert decode("Kyiv’s café".encode()).encoding == "utf-8"
    assert decode("Kyiv’s café".encode("cp1252")).text == "Kyiv’s café"
    one_bad = decode("Kyiv’s “café” \xff".encode() + b"\xff")
    assert (one_bad.encoding, one_bad.replaced) == ("utf-8", 1) and one_bad.text.endswith("\ufffd")
    assert clean_text("a\ud800b\x00c\td") == ("a\ufffdb c\td", 1)


def test_stdin_jsonl_and_text() -> None:
    def stdin(data: bytes) -> list:
        return list(read_stdin("2022-02-24", io.BufferedReader(io.BytesIO(data))))

    docs = stdin(b'{"text": "Russia attacked Ukraine."}\n{bad\n')
    assert docs[0].date == "2022-02-24" and str(docs[1]) == "<stdin>:2: not valid JSON (Expecting property name " \
        "enclosed in double quotes at column 2)"  # fmt: skip
    assert [d.id for d in stdin("Kyiv’s mayor \xe9".encode())] == ["stdin"]
    assert str(stdin(b"")[0]) == "<stdin>: input is empty"


def test_records_from_elsewhere_follow_the_same_rules() -> None:
    """document_from_record is what the Spark job and the API use: the same checks and cleaning."""
    doc = document_from_record({"text": "Moscow met\x00Kyiv.", "id": 7, "url": "u\ud800"}, "part-0", 12)
    assert isinstance(doc, Document) and doc.text == "Moscow met Kyiv." and doc.url == "u\ufffd"
    assert (doc.id, doc.origin) == ("7", "part-0:12")
    refused = document_from_record({"text": "Moscow\ud800 met Kyiv."}, "part-0", 14)
    assert isinstance(refused, InputProblem) and refused.fatal and str(refused).startswith("part-0:14: 1 lone")
    assert str(document_from_record({"text": None}, "part-0", 13)) == "part-0:13: record has no text"
    assert content_hash("half \ud800 a character")  # hashing accepts any str


def test_problem_lines_are_printable_whatever_the_file_name() -> None:
    problem = InputProblem("evil\nname\udcff.txt", "line one\nline two")
    assert str(problem) == "evil\\nname\\udcff.txt: line one line two"


def test_unreadable_sub_folders_are_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.txt").write_text("Russia attacked Ukraine.")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.txt").write_text("NATO condemned Russia.")
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike = ".") -> object:  # as without read permission (tests may run as root)
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = [str(f) for f in files_in(tmp_path)]
    assert found == [f"{tmp_path}/locked: cannot read folder: Permission denied", f"{tmp_path}/ok/a.txt"]


def test_a_failing_reader_loses_its_own_input_only() -> None:
    def reader(fail_after: int):
        for i in range(3):
            if i == fail_after:
                raise RecursionError("maximum recursion depth exceeded")
            yield Document(f"Russia attacked Ukraine, take {i}.")

    items = [*guarded("a.jsonl", reader(1)), *guarded("b.jsonl", reader(9))]
    assert [type(i).__name__ for i in items] == ["Document", "InputProblem", "Document", "Document", "Document"]
    assert str(items[1]) == "a.jsonl: reading stopped (RecursionError: maximum recursion depth exceeded)"


def test_a_reader_exception_is_never_taken_for_a_coder_failure() -> None:
    """The bug behind 'batch silently truncated with exit 0': the retry loop restarted the coder on the
    exhausted generator of a reader that had raised, and ended as if the batch were done."""

    def documents_then_fault():
        yield Document("Russia attacked Ukraine.")
        yield Document("CRASH THE CODER now")
        raise ValueError("reader fault")

    results = []
    with pytest.raises(ReaderFailed, match="reader fault"):
        for doc, events in code_safely(FakeCoder(), documents_then_fault()):
            results.append((doc.text, type(events).__name__))
    assert results == [("Russia attacked Ukraine.", "list"), ("CRASH THE CODER now", "RuntimeError")]


def test_ingest_names_a_document_that_breaks_the_coder_by_file_and_line(tmp_path: Path) -> None:
    """It used to be named by its content hash, which says nothing about where to look."""
    from eventwatch.store import Store

    path = tmp_path / "articles.jsonl"
    lines = ["Russia attacked Ukraine.", "CRASH THE CODER here", "Israel attacked Hamas."]
    path.write_text("".join(json.dumps({"text": text}) + "\n" for text in lines))
    report = Store(tmp_path / "s.duckdb").ingest([str(path)], coder=FakeCoder())
    assert report.articles == 2
    assert [str(p) for p in report.problems] == [f"{path}:2: coder failed: fake coder crashed"]


def test_compressed_record_files_are_read_as_they_inflate(tmp_path: Path) -> None:
    import bz2
    import gzip
    import lzma

    record = json.dumps({"id": "z", "text": "Russia attacked Ukraine near Kharkiv.", "date": "2022-03-01"}) + "\n"
    for suffix, compress in ((".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress)):
        (tmp_path / f"news.jsonl{suffix}").write_bytes(compress(record.encode()))
    (tmp_path / "news.csv.gz").write_bytes(gzip.compress(b'id,text\nc,"Moscow met Kyiv."\n'))
    (tmp_path / "notes.txt.gz").write_bytes(gzip.compress(b"not read: only record files are inflated"))
    names = sorted(p.name for p in files_in(tmp_path) if isinstance(p, Path))
    assert names == ["news.csv.gz", "news.jsonl.bz2", "news.jsonl.gz", "news.jsonl.xz"]
    for name in names:
        assert outcome(list(read_path(tmp_path / name)))[0] in (["z"], ["c"]), name


def test_a_compression_bomb_is_stopped_in_bounded_memory_and_keeps_what_came_before(tmp_path: Path) -> None:
    import gzip
    import resource

    bomb = tmp_path / "bomb.jsonl.gz"
    before = json.dumps({"id": "kept", "text": "Israel attacked Hamas near Gaza."}) + "\n"
    # 200 MB of one endless line in about 200 KB (a real bomb inflates to gigabytes the same way).
    bomb.write_bytes(gzip.compress(before.encode() + b"{" * 200 * 2**20, compresslevel=9))
    truncated = tmp_path / "truncated.jsonl.gz"
    truncated.write_bytes(gzip.compress(before.encode() * 3)[:-12])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    items = list(read_path(bomb))
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak) / 1024 < 100  # MB: not 200 MB held
    assert_clean(items)
    docs, problems = outcome(items)
    assert docs == ["kept"] and len(problems) == 1
    assert problems[0][2].startswith("inflates more than 100-fold") and "compression bomb" in problems[0][2]
    docs, problems = outcome(list(read_path(truncated)))
    assert problems and problems[-1][2].startswith("cannot decompress (EOFError")
