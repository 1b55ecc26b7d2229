"""Deduplication: one real event in several articles is one event; stable ids; a configurable rule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from eventwatch.records import Document
from eventwatch.store import DedupConfig, Store
from eventwatch.store.dedup import ClusterInput, assign_events
from fixtures.store.fake_coder import FakeCoder

THREE_REPORTS = [
    Document("Russia attacked Ukraine on Thursday. Kyiv met with NATO.", date="2022-02-24",
             url="https://wire-a.test/1", source="Wire A"),
    Document("Explosions in Kharkiv as Russia attacked Ukraine before dawn.", date="2022-02-24",
             url="https://wire-b.test/2", source="Wire B"),
    Document("Russia attacked Ukraine, officials said. Russia shelled Ukraine too.", date="2022-02-24",
             url="https://wire-b.test/3", source="Wire B"),
]  # fmt: skip


def test_same_event_in_three_articles_is_one_event(tmp_path: Path) -> None:
    store = Store(tmp_path / "d.duckdb")
    store.ingest(THREE_REPORTS, coder=FakeCoder())
    events = store.events(source="RUS", target="UKR", cameo="19", as_="records")
    assert len(events) == 1
    event = events[0]
    assert (event["num_mentions"], event["num_articles"], event["num_sources"]) == (4, 3, 2)
    assert event["cameo"] == "190"  # the code most mentions give, not the rarer 195
    assert event["location_name"] == "Kharkiv"
    assert event["source_url"] == "https://wire-a.test/1"
    assert len(store.mentions(event["event_id"], as_="records")) == 4


def test_event_ids_do_not_depend_on_arrival_order(tmp_path: Path) -> None:
    one, two = Store(tmp_path / "1.duckdb"), Store(tmp_path / "2.duckdb")
    one.ingest(THREE_REPORTS, coder=FakeCoder())
    for doc in reversed(THREE_REPORTS):  # one at a time, other order
        two.ingest([Document(doc.text, date=doc.date, url=doc.url, source=doc.source)], coder=FakeCoder())
    query = "SELECT event_id, num_mentions, num_articles FROM events ORDER BY event_id"
    assert one.sql(query, as_="records") == two.sql(query, as_="records")
    assert one.sql("SELECT mention_id, event_id FROM mentions ORDER BY 1", as_="records") == two.sql(
        "SELECT mention_id, event_id FROM mentions ORDER BY 1", as_="records"
    )


def test_other_days_are_other_events_unless_the_window_joins_them(tmp_path: Path) -> None:
    days = ("2022-02-24", "2022-02-25", "2022-02-28")
    docs = [Document(f"On day {i}, Russia attacked Ukraine.", date=d) for i, d in enumerate(days)]
    same_day = Store(tmp_path / "a.duckdb")
    same_day.ingest(docs, coder=FakeCoder())
    assert len(same_day.events(as_="records")) == 3
    windowed = Store(tmp_path / "b.duckdb", dedup=DedupConfig(window_days=1))
    windowed.ingest(docs, coder=FakeCoder())
    assert [e["num_mentions"] for e in windowed.events(as_="records")] == [2, 1]


def test_changing_the_rule_reclusters_everything(tmp_path: Path) -> None:
    path = tmp_path / "r.duckdb"
    docs = [Document("Russia attacked Ukraine. Russia shelled Ukraine.", date="2022-02-24")]
    Store(path).ingest(docs, coder=FakeCoder())
    assert len(Store(path).events(as_="records")) == 1  # same root 19
    by_code = Store(path, dedup=DedupConfig(key=("source_code", "target_code", "cameo")))
    assert by_code.recluster() == 2
    assert sorted(e["cameo"] for e in by_code.events(as_="records")) == ["190", "195"]
    # the rule is remembered: ingesting under the old rule again rebuilds under it
    Store(path).ingest([Document("Israel attacked Hamas.", date="2022-02-24")], coder=FakeCoder())
    assert len(Store(path).events(as_="records")) == 2


def test_assign_events_windows_chain_from_the_first_date() -> None:
    key = ("RUS", "UKR", "19")
    days = [date(2022, 2, d) for d in (1, 2, 3, 4)]
    mentions = [ClusterInput(f"m{i}", key, d) for i, d in enumerate(days)]
    ids = assign_events(mentions, DedupConfig(window_days=1))
    assert ids["m0"] == ids["m1"] != ids["m2"] == ids["m3"]


def test_bad_rules_are_refused() -> None:
    with pytest.raises(ValueError, match="dedup key"):
        DedupConfig.parse("source_code,colour")
    with pytest.raises(ValueError, match="window"):
        DedupConfig(window_days=-1)


def test_windowed_clusters_do_not_depend_on_arrival_order(tmp_path: Path) -> None:
    days = [f"2022-03-{d:02d}" for d in (1, 2, 3, 5, 6, 9, 10, 11)]
    docs = [Document(f"Dispatch {i}: Russia attacked Ukraine.", date=d) for i, d in enumerate(days)]
    rule = DedupConfig(window_days=1)
    together = Store(tmp_path / "all.duckdb", dedup=rule)
    together.ingest(docs, coder=FakeCoder())
    one_by_one = Store(tmp_path / "each.duckdb", dedup=rule)
    for i in (5, 2, 7, 0, 3, 6, 1, 4):
        one_by_one.ingest([docs[i]], coder=FakeCoder())
    query = "SELECT event_id, date, num_mentions FROM events ORDER BY date"
    assert together.sql(query, as_="records") == one_by_one.sql(query, as_="records")
    assert [e["num_mentions"] for e in together.sql(query, as_="records")] == [2, 1, 2, 2, 1]
