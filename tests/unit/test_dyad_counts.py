"""The dyad-day counts writers keep for series (``store.counts``), once per backend: after ingest, a
re-ingest, dedup merges that move an event to other codes or another day, a re-cluster under a new rule
and a schema migration of an older store, they equal a scan of the events and mentions, and a series
read from them is the series a scan gives. (``eventwatch load``: tests/e2e/test_spark.py.)"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from eventwatch.monitor.browse import EventFilters, list_events
from eventwatch.monitor.db import UncountedStore
from eventwatch.monitor.series import series
from eventwatch.records import Document
from eventwatch.store import DedupConfig, Store
from eventwatch.store.backends import open_backend
from fixtures.store.counts_check import assert_counts_match_a_scan
from fixtures.store.fake_coder import FakeCoder

OpenStore = Callable[..., Store]

REPORTS = [
    Document("Russia attacked Ukraine near Kharkiv. Washington condemned Russia.", date="2022-02-24", source="A"),
    Document("Overnight, Russia attacked Ukraine. NATO condemned Russia.", date="2022-02-25", source="B"),
    Document("Russia would not say whether Russia attacked Ukraine again.", date="2022-02-26", source="C"),
    Document("Serbia recalled its ambassador from Albania.", date="2023-05-10", source="A"),
]
# Each of these changes an event already stored: a deeper code for the recall (SRB -> SRBGOV), and a
# report dated by its text to the day before, which moves an undated report of its day onto that day.
MERGES = [
    Document("Belgrade recalled its ambassador from Tirana, the ministry said.", date="2023-05-10", source="B"),
    Document("Serbia recalled its ambassador from Albania again.", date="2023-05-12", source="D"),
    Document("Belgrade recalled its ambassador from Tirana yesterday.", date="2023-05-12", source="E"),
]


def series_points(store: Store, unit: str) -> list[dict]:
    return [series(store, "RUS", "UKR", period="day", unit=unit).to_dict()["points"]] + [
        series(store, "SRB", "ALB", period="week", unit=unit).to_dict()["points"]
    ]


def test_counts_follow_ingest_reingest_and_merges(open_store: OpenStore) -> None:
    store = open_store()
    store.ingest(REPORTS, coder=FakeCoder())
    assert_counts_match_a_scan(store)
    store.ingest(REPORTS, coder=FakeCoder())  # all stored already: nothing changes
    assert_counts_match_a_scan(store)
    before = len(store.events(as_="records"))
    for doc in MERGES:
        store.ingest([doc], coder=FakeCoder())
        assert_counts_match_a_scan(store)
    assert len(store.events(as_="records")) < before + len(MERGES)  # some reports merged into stored events
    recall = store.events(source="SRB", as_="records")
    assert sum(e["num_mentions"] for e in recall) == 4


def test_counts_follow_a_recluster_under_a_new_rule(open_store: OpenStore) -> None:
    open_store().ingest(REPORTS + MERGES, coder=FakeCoder())
    windowed = open_store(dedup=DedupConfig(window_days=1))
    windowed.recluster()
    assert_counts_match_a_scan(windowed)
    by_code = open_store(dedup=DedupConfig(key=("source_code", "target_code", "cameo")))
    by_code.recluster()
    assert_counts_match_a_scan(by_code)


def test_series_from_counts_is_the_series_of_a_scan(open_store: OpenStore) -> None:
    store = open_store()
    store.ingest(REPORTS + MERGES, coder=FakeCoder())
    kept = {unit: series_points(store, unit) for unit in ("events", "mentions")}
    with store.backend.write() as con:  # recount from a scan of the tables, as the migration does
        from eventwatch.store.counts import rebuild

        rebuild(con)
    assert {unit: series_points(store, unit) for unit in ("events", "mentions")} == kept
    assert kept["events"][0] and any(p["count"] for p in kept["events"][0])


def test_the_migration_counts_an_older_stores_events(open_store: OpenStore) -> None:
    store = open_store()
    store.ingest(REPORTS + MERGES, coder=FakeCoder())
    with store.backend.write() as con:  # back to schema 3, the counts gone, as a store before them
        con.execute("DROP TABLE dyad_days")
        con.execute("DROP TABLE dyads")
        con.execute("DELETE FROM schema_version WHERE version >= 4")
    backend = open_backend(store.backend.location)
    try:
        with backend.write():  # opened for writing by a new process: migrated
            pass
    finally:
        backend.close()
    assert_counts_match_a_scan(store)


def test_a_store_before_the_counts_says_how_to_add_them(open_store: OpenStore) -> None:
    store = open_store()
    store.ingest(REPORTS, coder=FakeCoder())
    with store.backend.write() as con:  # as a store of schema 3, read by this eventwatch before any write
        con.execute("DROP TABLE dyad_days")
        con.execute("DROP TABLE dyads")
        con.execute("DELETE FROM schema_version WHERE version >= 4")
    location = store.backend.location
    with pytest.raises(UncountedStore, match="open it for writing once"):
        series(location, "RUS", "UKR")
    page = list_events(location, EventFilters(source="RUS", target="UKR"))  # read back without the counts
    assert len(page.items) == len(store.events(source="RUS", target="UKR", as_="records")) > 0
