"""The Python side of the Spark job, without Spark: per-record checks, coding into store rows, event
summaries, and how `load` pairs articles with their mentions. (The job itself: tests/e2e/test_spark.py.)"""

from __future__ import annotations

from datetime import date, datetime

import pyarrow as pa

from eventwatch.documents import InputProblem
from eventwatch.spark import worker
from eventwatch.spark.inputs import RAW_SCHEMA, format_of
from eventwatch.spark.load import _batches
from eventwatch.spark.session import with_task_retries
from eventwatch.store.dedup import summarise_event
from fixtures.store.fake_coder import make_coder

RAW = pa.schema([("input", pa.string()), ("line", pa.int64()), ("record", pa.string()), ("problem", pa.string())])


def raw(*records: tuple[str | None, str | None]) -> pa.RecordBatch:
    rows = [{"input": "news.jsonl", "line": n, "record": r, "problem": p} for n, (r, p) in enumerate(records, 1)]
    return pa.RecordBatch.from_pylist(rows, schema=RAW)


def test_raw_schema_matches_the_readers():
    assert [f.name for f in RAW] == [part.split()[0] for part in RAW_SCHEMA.split(", ")]


def test_records_are_checked_by_the_rules_of_ingest():
    batch = raw(
        ('{"text": "Russia attacked Ukraine.", "date": "2022-02-24", "url": "https://x.test/1"}', None),
        ("not json", None),
        ('{"id": 3}', None),
        ('{"text": ""}', None),
        ('{"text": "x", "date": "someday"}', None),
        ('{"text": "a,b"}', "malformed CSV record"),
        ('{"text": ' + "[" * 40 + "]" * 40 + "}", None),
        ('{"text": "Kyiv \\ud800 said"}', None),
    )
    rows = next(worker.check_batches([batch])).to_pylist()
    good, *bad = rows
    assert good["text"] == "Russia attacked Ukraine." and good["date"] == "2022-02-24" and good["reject"] is None
    assert len(good["content_hash"]) == 64
    reasons = [(r["reject"]["line"], r["reject"]["severity"], r["reject"]["reason"]) for r in bad]
    assert reasons == [
        (2, "error", "not valid JSON (Expecting value at column 1)"),
        (3, "error", "record has no text"),
        (4, "warning", "record's text is empty; nothing to code"),
        (5, "error", "bad date 'someday' (expected YYYY-MM-DD)"),
        (6, "error", "malformed CSV record"),
        (7, "error", "not a readable JSON record (JSON nested deeper than 32 levels)"),
        (8, "error", "1 lone surrogate(s) (half a character, not valid Unicode) in the text; record not read"),
    ]
    assert bad[0]["reject"]["record"] == "not json" and bad[0]["reject"]["input"] == "news.jsonl"


def test_a_record_over_the_size_limit_is_rejected_as_ingest_rejects_a_long_line(monkeypatch):
    from eventwatch import documents

    monkeypatch.setattr(documents, "MAX_TEXT_BYTES", 1000)
    big = '{"text": "' + "Kyiv said. " * 200 + '"}'
    (row,) = next(worker.check_batches([raw((big, None))])).to_pylist()
    assert row["reject"]["reason"] == "record is over the 0 MiB limit; skipped"
    assert len(row["reject"]["record"]) <= worker.REJECTED_RECORD_CHARS


def test_coding_gives_store_rows_and_rejects_what_the_coder_cannot_code():
    checked = next(worker.check_batches([raw(
        ('{"text": "Russia attacked Ukraine. Moscow would not say whether Russia shelled Kyiv.", '
         '"date": "2022-02-24", "source": "Wire"}', None),
        ('{"text": "CRASH THE CODER now."}', None),
    )]))  # fmt: skip
    worker._CODERS["fixtures.store.fake_coder:make_coder"] = make_coder()
    when = datetime(2026, 1, 2, 3, 4, 5)
    coded = next(worker.code_batches(when, "fixtures.store.fake_coder:make_coder")([checked])).to_pylist()
    article, failed = coded
    assert article["article"]["article_id"] == checked.to_pylist()[0]["content_hash"][:16]
    assert article["article"]["ingested_at"] == when and article["article"]["n_events"] == 2
    assert [(m["source_code"], m["cameo"], m["modality"]) for m in article["mentions"]] == [
        ("RUS", "190", "asserted"),
        ("RUS", "195", "hypothetical"),
    ]
    assert failed["article"] is None and failed["reject"]["reason"] == "coder failed: fake coder crashed"
    assert failed["reject"]["line"] == 2


def test_event_summaries_are_the_stores_even_across_batch_boundaries():
    def mention(event_id: str, n: int, cameo: str) -> dict:
        row = {c: None for c in worker.SUMMARY_INPUT}
        return row | {
            "event_id": event_id, "mention_id": f"m{n}", "article_id": f"a{n}", "date": date(2022, 2, 24),
            "source_code": "RUS", "target_code": "UKR", "cameo": cameo, "goldstein": -10.0, "quad_class": 4,
            "confidence": 0.5 + n / 100, "ingested_at": datetime(2026, 1, 1), "article_source": f"Wire {n % 2}",
            "first_date": date(2022, 2, 23),
        }  # fmt: skip

    rows = [mention("e1", 1, "190"), mention("e1", 2, "193"), mention("e1", 3, "193"), mention("e2", 4, "111")]
    schema = worker.arrow_schema(worker.SUMMARY_INPUT)
    batches = [pa.RecordBatch.from_pylist(rows[:2], schema), pa.RecordBatch.from_pylist(rows[2:], schema)]
    events = [row for batch in worker.summarise_batches(batches) for row in batch.to_pylist()]
    day = date(2022, 2, 23)
    expected = [summarise_event("e1", rows[:3], day), summarise_event("e2", rows[3:], day)]
    assert events == expected and events[0]["cameo"] == "193" and events[0]["num_mentions"] == 3
    assert events[0]["date"] == day


def test_load_pairs_each_article_batch_with_its_mentions():
    articles = iter([{"article_id": a} for a in ("a", "b", "c", "d", "e")])
    mentions = iter([{"article_id": a, "n": n} for n, a in enumerate("aacdde")])
    batches = [([a["article_id"] for a in arts], [m["n"] for m in ms]) for arts, ms in _batches(articles, mentions, 2)]
    assert batches == [(["a", "b"], [0, 1]), (["c", "d"], [2, 3, 4]), (["e"], [5])]


def test_formats_by_name_and_local_runs_retry_tasks():
    assert format_of("s3a://bucket/news/2024-01.jsonl.gz") == "jsonl"
    assert format_of("/data/articles.csv") == "csv" and format_of("part-0001.snappy.parquet") == "parquet"
    assert format_of("/data/articles/") is None
    assert with_task_retries("local[2]") == "local[2,4]" and with_task_retries("local") == "local[1,4]"
    assert with_task_retries("local[*]") == "local[*,4]" and with_task_retries("yarn") == "yarn"
    assert with_task_retries("local[2,8]") == "local[2,8]"


def test_rejects_name_input_and_line():
    row = worker.reject(InputProblem("a.csv", "record has no text", 7), "x" * 20_000)
    assert row["input"] == "a.csv" and row["line"] == 7 and len(row["record"]) == worker.REJECTED_RECORD_CHARS
