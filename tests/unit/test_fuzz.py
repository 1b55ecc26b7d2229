"""Property-based fuzzing (hypothesis) of the readers and the coder.

Each property runs a few hundred generated inputs in the normal suite; the ``slow`` run gives the main
reader property 10,000 inputs, the round trip 5,000, the record checks 2,000 and the coder 800 batches
of 1-8 documents (about 3,600 documents: parsing is the cost). The properties:

- readers never raise, on any bytes, whatever the suffix; every document they give is text every later
  stage accepts and every problem is one printable line;
- nothing is lost silently: every non-blank line of a JSON Lines input ends as a document or a problem
  naming that line;
- well-formed JSON Lines and CSV - any text, with quotes, commas, CR, U+2028, emoji - read back exactly;
- the coder never raises, and every offset it reports points at the text it quotes.
"""

from __future__ import annotations

import csv
import io
import json
from contextlib import suppress

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from eventwatch.decoding import BINARY_SNIFF_BYTES, byte_order_mark, clean_text, decode
from eventwatch.documents import (
    Document,
    InputProblem,
    document_from_bytes,
    document_from_record,
    iter_csv,
    iter_jsonl,
    load_json,
)
from eventwatch.records import MODALITIES, content_hash


def counts(fast: int, slow: int) -> list:
    """Examples in the normal suite and in the slow run."""
    return [fast, pytest.param(slow, marks=pytest.mark.slow)]


def fuzz(examples: int):  # noqa: ANN201 - a hypothesis settings decorator
    return settings(
        max_examples=examples, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )  # fmt: skip


def stream(data: bytes) -> io.BufferedReader:
    return io.BufferedReader(io.BytesIO(data))


def check_items(items: list) -> None:
    for item in items:
        if isinstance(item, Document):
            item.text.encode("utf-8")
            assert item.text.strip() and len(content_hash(item.text)) == 64 and item.origin
            for value in (item.id, item.url, item.title, item.source):
                assert value is None or isinstance(value, str) and value.encode("utf-8")
        else:
            assert isinstance(item, InputProblem)
            assert "\n" not in str(item) and str(item).isprintable() and str(item).encode("utf-8")


# Hostile ingredients: what broke the readers before, spliced into otherwise plausible input.
HOSTILE_BYTES = [
    b"\x00", b"\r", b"\r\n", b'"', b'""', b",", b"\\", b"\\ud800", b"\\udfff\\ud800", b"\xff", b"\xe9", b"\xc3",
    b"\xe2\x80", "\u2028".encode(), "\u0085".encode(), b"\xef\xbb\xbf", b"\xff\xfe", b"[" * 50, b"{" * 50,
    b'{"text": ', b"}", b"\n", b"%PDF", b"9" * 5000, b"\x1f\x8b", b"\t", "😀".encode(), "é".encode("cp1252"),
]  # fmt: skip
HOSTILE = st.sampled_from(HOSTILE_BYTES)
ANY_TEXT_BYTES = st.text(max_size=40).map(lambda t: t.encode("utf-8", "surrogatepass"))
CHUNKS = st.one_of(HOSTILE, st.binary(max_size=40), ANY_TEXT_BYTES)
SPLICED = st.lists(CHUNKS, max_size=30).map(b"".join)
RECORD_LINE = st.fixed_dictionaries(
    {"text": st.text(max_size=60)}, optional={"id": st.text(max_size=5), "date": st.text(max_size=12)}
).map(lambda r: json.dumps(r).encode())
JSONL_BYTES = st.lists(st.one_of(RECORD_LINE, SPLICED), max_size=12).map(b"\n".join)
ANY_BYTES = st.one_of(st.binary(max_size=300), SPLICED, JSONL_BYTES)


def physical_lines(data: bytes) -> list[str]:
    """The lines of an input as the readers define them: split on \\n, each decoded on its own; or, for
    UTF-16/32 with a byte-order mark and for CR-only line ends, decoded whole and split."""
    head = data[:BINARY_SNIFF_BYTES]
    if byte_order_mark(head) not in (None, "utf-8-sig") or (b"\r" in head and b"\n" not in head):
        text = decode(data).text
        return (text if "\n" in text else text.replace("\r", "\n")).split("\n")
    return [decode(raw, bom=False).text for raw in data.removeprefix(b"\xef\xbb\xbf").split(b"\n")]


@pytest.mark.parametrize("examples", counts(300, 10_000))
def test_readers_never_raise_and_lose_no_line(examples: int) -> None:
    @fuzz(examples)
    @given(data=ANY_BYTES)
    @example(data=b"\n\xfe\xff\n")  # found by this test: a byte-order mark inside a file is not one
    @example(data=b"\xff\xfe\r\x00" + bytes(14) + b"\n")  # found by this test: UTF-16 with CR line ends
    def run(data: bytes) -> None:
        jsonl = list(iter_jsonl(stream(data), "f.jsonl"))
        check_items(jsonl)
        check_items(list(iter_csv(stream(b"id,text\n" + data), "f.csv")))
        check_items(list(document_from_bytes(data, "f.txt")))
        if any(isinstance(i, InputProblem) and i.line is None and i.fatal for i in jsonl):
            return  # the whole input was refused (binary, UTF-16 over the cap): one problem says so
        accounted = {int(i.origin.rsplit(":", 1)[1]) for i in jsonl if isinstance(i, Document)}
        accounted |= {i.line for i in jsonl if isinstance(i, InputProblem) and (i.fatal or "empty" in i.message)}
        lines = physical_lines(data)
        blank = {n for n, line in enumerate(lines, start=1) if not line.strip()}
        assert accounted == set(range(1, len(lines) + 1)) - blank

    run()


TEXT = st.text(
    st.characters(blacklist_categories=["Cs", "Cc"]) | st.sampled_from('\r\n\t",\u2028\u2029\u0085😀'), max_size=80
).filter(lambda t: t.strip())


@pytest.mark.parametrize("examples", counts(300, 5_000))
def test_well_formed_records_read_back_exactly(examples: int) -> None:
    @fuzz(examples)
    @given(texts=st.lists(TEXT, min_size=1, max_size=8), ascii_json=st.booleans(), bom=st.booleans())
    def run(texts: list[str], ascii_json: bool, bom: bool) -> None:
        prefix = b"\xef\xbb\xbf" if bom else b""
        records = (json.dumps({"id": str(i), "text": t}, ensure_ascii=ascii_json) for i, t in enumerate(texts))
        lines = "".join(f"{record}\n" for record in records)
        read = list(iter_jsonl(stream(prefix + lines.encode()), "r.jsonl"))
        assert [d.text for d in read] == [clean_text(t)[0] for t in texts]
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["id", "text"])
        writer.writerows([str(i), t] for i, t in enumerate(texts))
        read = list(iter_csv(stream(prefix + buffer.getvalue().encode()), "r.csv"))
        assert [d.text for d in read] == texts

    run()


KEYS = st.sampled_from(["text", "id", "date", "url", "x"])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=10,
)


@pytest.mark.parametrize("examples", counts(200, 2_000))
def test_any_json_value_is_a_document_or_a_problem(examples: int) -> None:
    @fuzz(examples)
    @given(value=JSON_VALUES, text=st.text(max_size=200))
    def run(value: object, text: str) -> None:
        item = document_from_record(value, "v", 1)
        assert isinstance(item, Document | InputProblem)
        check_items([item])
        with suppress(ValueError):  # a RecursionError or anything else fails the test
            load_json(text)

    run()


# -- the coder -----------------------------------------------------------------------------------------

ACTORS = ["Russia", "Ukraine", "NATO", "Moscow", "Kyiv", "the United Nations", "President Biden", "Hamas",
          "Israel", "Chinese troops", "the European Union", "Iran's foreign minister", "protesters", "Zelensky",
          "he"]  # fmt: skip
VERBS = ["attacked", "condemned", "met with", "will send troops to", "did not attack", "threatened to invade",
         "accused", "signed an agreement with", "would impose sanctions on", "refused to meet", "praised",
         "shelled", "urged", "may attack", "has not condemned", "killed"]  # fmt: skip
TAILS = ["", " on Thursday", " near Kharkiv", " in 2022", " yesterday, officials said", " after talks in Geneva",
         ", according to Reuters", " on 24 February 2022"]  # fmt: skip
SENTENCE = st.builds(
    lambda a, v, b, tail, end: f"{a} {v} {b}{tail}{end}",
    st.sampled_from(ACTORS), st.sampled_from(VERBS), st.sampled_from(ACTORS), st.sampled_from(TAILS),
    st.sampled_from([".", "!", "?", "", ".”", "...", ";"]),
)  # fmt: skip
NOISE = st.one_of(
    st.text(max_size=30), st.sampled_from(["\u2028", "\n\n", "  ", "“", "”", "—", "\u200b", "🇺🇦", "عربى", "e\u0301",
                                           "\ufffd", "x" * 300, "(", ")", "[1]", "U.S.", "Mr.", "\t"]),
)  # fmt: skip
DOCUMENT = st.lists(st.one_of(SENTENCE, SENTENCE, NOISE), min_size=1, max_size=12).map(" ".join)


@pytest.mark.parametrize("examples", counts(60, 800))
def test_the_coder_never_raises_and_its_offsets_point_at_the_text(coder, examples: int) -> None:
    @fuzz(examples)
    @given(texts=st.lists(DOCUMENT, min_size=1, max_size=8), date=st.sampled_from([None, "2022-02-24"]))
    def run(texts: list[str], date: str | None) -> None:
        docs = []
        for i, text in enumerate(texts):
            item = document_from_record({"id": f"d{i}", "text": text, "date": date}, "fuzz")
            if isinstance(item, Document):
                docs.append(item)
        assume(docs)
        coded = list(coder.pipe_documents(docs))
        assert [d.id for d, _ in coded] == [d.id for d in docs]
        for document, events in coded:
            text = document.text
            for event in events:
                assert event.doc_id == document.id and event.modality in MODALITIES
                assert 0 <= event.confidence <= 1
                assert text[event.trigger.start : event.trigger.end] == event.trigger.text
                # Exactly at sentence_start but for leading whitespace: see the xfail test below.
                assert text[event.sentence_start :].lstrip().startswith(event.sentence)
                for actor in (event.source, event.target):
                    if actor is not None:
                        assert text[actor.start : actor.end] == actor.text
                json.dumps(event.to_dict(), ensure_ascii=False).encode("utf-8")

    run()


@pytest.mark.xfail(strict=True, reason="coder: sentence_start counts a leading space the sentence text drops "
                   "(found by the fuzz test above; the coder's own modules are being reworked)")
def test_sentence_offsets_are_exact_after_leading_space(coder) -> None:
    text = " NATO condemned Russia."
    (event,) = coder.code(text)
    assert text[event.sentence_start : event.sentence_start + len(event.sentence)] == event.sentence


def test_the_fuzz_ingredients_include_the_issue_9_inputs() -> None:
    """So that a later edit of the strategies cannot silently drop what broke the readers before."""
    for needed in (b"\x00", b"\r", b"\\ud800", b"\xff", "\u2028".encode(), b"[" * 50, b'"', b"9" * 5000):
        assert needed in HOSTILE_BYTES
