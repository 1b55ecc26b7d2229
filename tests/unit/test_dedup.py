"""Deduplication, once per backend: one real event in several articles is one event - across actor
depth (SRB / SRBGOV) and across a day when the text dates it so; stable ids; a configurable rule."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from eventwatch.records import Document
from eventwatch.store import DedupConfig, Store
from eventwatch.store.dedup import event_id, most_specific
from fixtures.store.fake_coder import FakeCoder

OpenStore = Callable[..., Store]

THREE_REPORTS = [
    Document("Russia attacked Ukraine on Thursday. Kyiv met with NATO.", date="2022-02-24",
             url="https://wire-a.test/1", source="Wire A"),
    Document("Explosions in Kharkiv as Russia attacked Ukraine before dawn.", date="2022-02-24",
             url="https://wire-b.test/2", source="Wire B"),
    Document("Russia attacked Ukraine, officials said. Russia shelled Ukraine too.", date="2022-02-24",
             url="https://wire-b.test/3", source="Wire B"),
]  # fmt: skip

# One recall of an ambassador, reported by three outlets with the actors coded at three depths.
RECALL = [
    Document("Serbia recalled its ambassador from Albania after the border incident.", date="2023-05-10",
             url="https://wire-a.test/recall", source="Wire A"),
    Document("Belgrade recalled its ambassador from Tirana, the foreign ministry said.", date="2023-05-10",
             url="https://wire-b.test/recall", source="Wire B"),
    Document("In a sharp protest, Belgrade recalled its ambassador from Albania.", date="2023-05-10",
             url="https://wire-c.test/recall", source="Wire C"),
]  # fmt: skip


def records(store: Store, query: str) -> list[dict]:
    return store.sql(query, as_="records")


def test_same_event_in_three_articles_is_one_event(open_store: OpenStore) -> None:
    store = open_store()
    store.ingest(THREE_REPORTS, coder=FakeCoder())
    events = store.events(source="RUS", target="UKR", cameo="19", as_="records")
    assert len(events) == 1
    event = events[0]
    assert (event["num_mentions"], event["num_articles"], event["num_sources"]) == (4, 3, 2)
    assert event["cameo"] == "190"  # the code most mentions give, not the rarer 195
    assert event["location_name"] == "Kharkiv"
    assert event["source_url"] == "https://wire-a.test/1"
    assert len(store.mentions(event["event_id"], as_="records")) == 4


def test_reports_at_three_actor_depths_are_one_event_in_the_gdelt_export(
    open_store: OpenStore, tmp_path: Path
) -> None:
    store = open_store()
    store.ingest(RECALL, coder=FakeCoder())
    events = store.events(as_="records")
    assert len(events) == 1
    event = events[0]
    # the most specific codes the three mentions agree on: SRB ⊂ SRBGOV, ALB ⊂ ALBGOV
    assert (event["source_code"], event["target_code"], event["cameo"]) == ("SRBGOV", "ALBGOV", "161")
    assert (event["num_mentions"], event["num_articles"], event["num_sources"]) == (3, 3, 3)
    assert event["event_id"] == event_id(DedupConfig(), ["SRBGOV", "ALBGOV", "16"], date(2023, 5, 10))
    store.export("gdelt", tmp_path / "events.tsv")
    with (tmp_path / "events.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    assert len(rows) == 1
    row = rows[0]
    columns = ("Actor1Code", "Actor2Code", "NumArticles", "NumMentions")
    assert tuple(row[c] for c in columns) == ("SRBGOV", "ALBGOV", "3", "3")
    assert row["SQLDATE"] == "20230510" and row["GLOBALEVENTID"] == str(int(event["event_id"][:15], 16))


def test_event_ids_are_the_same_on_every_backend() -> None:
    # A literal: every backend's store tests above compare against this one function, and this pins it.
    assert event_id(DedupConfig(), ["SRBGOV", "ALBGOV", "16"], date(2023, 5, 10)) == "196e023edc2ff138"


def test_codes_that_disagree_at_depth_stay_apart_and_a_bare_report_joins_the_better_supported(
    open_store: OpenStore,
) -> None:
    store = open_store()
    store.ingest([
        Document("Belgrade recalled its ambassador from Albania.", date="2023-05-10", source="A"),
        Document("Belgrade recalled its ambassador from Albania, officials said.", date="2023-05-10", source="B"),
        Document("The Serbian opposition recalled its ambassador from Albania.", date="2023-05-10", source="C"),
        Document("Serbia recalled its ambassador from Albania.", date="2023-05-10", source="D"),
    ], coder=FakeCoder())  # fmt: skip
    found = {(e["source_code"], e["target_code"]): e["num_mentions"] for e in store.events(as_="records")}
    assert found == {("SRBGOV", "ALB"): 3, ("SRBOPP", "ALB"): 1}


def test_a_missing_actor_is_not_a_depth(open_store: OpenStore) -> None:
    store = open_store()
    store.ingest([
        Document("Serbia recalled its ambassador from Albania.", date="2023-05-10"),
        Document("Serbia recalled its ambassador from the region.", date="2023-05-10"),
    ], coder=FakeCoder())  # fmt: skip
    found = sorted((e["target_code"] or "", e["num_mentions"]) for e in store.events(as_="records"))
    assert found == [("", 1), ("ALB", 1)]


def test_an_undated_report_of_the_next_day_joins_the_event_the_text_dated(open_store: OpenStore) -> None:
    store = open_store()
    store.ingest([
        # published on the 11th, dated by its text to the 10th
        Document("Belgrade recalled its ambassador from Tirana yesterday.", date="2023-05-11", source="A"),
        # published on the 11th, no date in the text: the article's date only
        Document("Serbia recalled its ambassador from Albania.", date="2023-05-11", source="B"),
    ], coder=FakeCoder())  # fmt: skip
    events = store.events(as_="records")
    assert [(e["date"], e["num_mentions"]) for e in events] == [(date(2023, 5, 10), 2)]


def test_a_report_the_text_dates_to_its_own_day_stays_on_that_day(open_store: OpenStore) -> None:
    store = open_store()
    store.ingest([
        Document("Belgrade recalled its ambassador from Tirana yesterday.", date="2023-05-11", source="A"),
        Document("Belgrade recalled its ambassador from Tirana again today.", date="2023-05-11", source="B"),
        Document("Serbia recalled its ambassador from Albania.", date="2023-05-11", source="C"),
    ], coder=FakeCoder())  # fmt: skip
    # a text-dated report on the 11th: the undated one of the 11th stays there
    assert [(e["date"], e["num_mentions"]) for e in store.events(as_="records")] == [
        (date(2023, 5, 10), 1), (date(2023, 5, 11), 2)]  # fmt: skip


def test_event_ids_do_not_depend_on_arrival_order_or_backend(open_store: OpenStore, tmp_path: Path) -> None:
    docs = THREE_REPORTS + RECALL + [
        Document("Belgrade recalled its ambassador from Tirana yesterday.", date="2023-05-11", source="D"),
        Document("Serbia recalled its ambassador from Albania.", date="2023-05-11", source="E"),
        Document("Serbian opposition recalled its ambassador from Albania today.", date="2023-05-11", source="F"),
    ]
    one_by_one = open_store()
    for doc in reversed(docs):  # one at a time, in the other order
        one_by_one.ingest([Document(doc.text, date=doc.date, url=doc.url, source=doc.source)], coder=FakeCoder())
    together = Store(tmp_path / "together.duckdb")  # and all at once, in a DuckDB file: same ids everywhere
    together.ingest(docs, coder=FakeCoder())
    query = "SELECT event_id, date, source_code, target_code, num_mentions, num_articles FROM events ORDER BY event_id"
    assert records(one_by_one, query) == records(together, query)
    query = "SELECT mention_id, event_id FROM mentions ORDER BY mention_id"
    assert records(one_by_one, query) == records(together, query)


def test_other_days_are_other_events_unless_the_window_joins_them(open_store: OpenStore) -> None:
    days = ("2022-02-24", "2022-02-25", "2022-02-28")
    docs = [Document(f"On day {i}, Russia attacked Ukraine.", date=d) for i, d in enumerate(days)]
    same_day = open_store()
    same_day.ingest(docs, coder=FakeCoder())
    assert len(same_day.events(as_="records")) == 3
    windowed = open_store(dedup=DedupConfig(window_days=1))
    assert windowed.recluster() == 2
    assert [e["num_mentions"] for e in windowed.events(as_="records")] == [2, 1]


def test_changing_the_rule_reclusters_everything(open_store: OpenStore) -> None:
    docs = [Document("Russia attacked Ukraine. Russia shelled Ukraine.", date="2022-02-24")]
    open_store().ingest(docs, coder=FakeCoder())
    assert len(open_store().events(as_="records")) == 1  # same root 19
    by_code = open_store(dedup=DedupConfig(key=("source_code", "target_code", "cameo")))
    assert by_code.recluster() == 2
    assert sorted(e["cameo"] for e in by_code.events(as_="records")) == ["190", "195"]
    # the rule is remembered: ingesting under the old rule again rebuilds under it
    open_store().ingest([Document("Israel attacked Hamas.", date="2022-02-24")], coder=FakeCoder())
    assert len(open_store().events(as_="records")) == 2


def test_windows_link_mentions_at_most_the_window_apart(open_store: OpenStore) -> None:
    days = [f"2022-03-{d:02d}" for d in (1, 2, 3, 5, 6, 9, 10, 11)]
    docs = [Document(f"Dispatch {i}: Russia attacked Ukraine.", date=d) for i, d in enumerate(days)]
    rule = DedupConfig(window_days=1)
    together = open_store(dedup=rule)
    together.ingest(docs, coder=FakeCoder())
    query = "SELECT event_id, date, num_mentions FROM events ORDER BY date"
    # runs break where two dated mentions are more than a day apart: 1-3, 5-6, 9-11
    assert [e["num_mentions"] for e in records(together, query)] == [3, 2, 3]


def test_most_specific_code() -> None:
    assert most_specific(["SRB", "SRBGOV", None, "SRBGOV"]) == "SRBGOV"
    assert most_specific(["SRBGOV", "SRBOPP", "SRBGOV"]) == "SRBGOV"  # disagreeing: the most common
    assert most_specific([None, ""]) is None


def test_bad_rules_are_refused() -> None:
    with pytest.raises(ValueError, match="dedup key"):
        DedupConfig.parse("source_code,colour")
    with pytest.raises(ValueError, match="window"):
        DedupConfig(window_days=-1)
