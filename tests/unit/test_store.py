"""The store contract, once per backend (DuckDB file, PostgreSQL): schema, idempotent ingest, unreal
mentions kept, queries, read-only SQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from eventwatch.records import Document
from eventwatch.store import QueryError, Store, StoreError
from eventwatch.store.backends import open_backend
from eventwatch.store.schema import LATEST, migrate
from fixtures.store.fake_coder import FakeCoder

DOCS = [
    Document("Russia attacked Ukraine near Kharkiv. Washington condemned Russia.", date="2022-02-24",
             url="https://a.test/1", source="Wire A"),
    Document("Overnight, Russia attacked Ukraine. NATO condemned Russia.", date="2022-02-24",
             url="https://b.test/1", source="Wire B"),
    Document("Russia would not say whether Russia attacked Ukraine again. Kyiv met with NATO.",
             date="2022-02-25", source="Wire C"),
]  # fmt: skip


@pytest.fixture
def store(open_store: Callable[..., Store]) -> Store:
    s = open_store()
    s.ingest(DOCS, coder=FakeCoder())
    return s


def test_schema_has_the_contract_tables_and_version(store: Store) -> None:
    listed = store.sql("SELECT table_name FROM information_schema.tables", as_="records")
    tables = {r["table_name"] for r in listed}
    assert {"articles", "mentions", "events", "actors", "schema_version"} <= tables
    assert store.sql("SELECT max(version) v FROM schema_version", as_="records") == [{"v": LATEST}]
    columns = {r["column_name"] for r in store.sql(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'mentions'", as_="records")}
    assert {"trigger_start", "source_code", "plover_context", "event_id", "lat", "rule"} <= columns


def test_migrate_is_idempotent(store_location: str) -> None:
    backend = open_backend(store_location)
    try:
        with backend.write() as con:  # migrates on first use
            assert migrate(con) == LATEST
            assert migrate(con) == LATEST
            assert con.scalar("SELECT count(*) FROM schema_version") == LATEST
    finally:
        backend.close()


def test_ingest_stores_articles_mentions_and_events(store: Store) -> None:
    counts = store.sql(
        "SELECT (SELECT count(*) FROM articles) a, (SELECT count(*) FROM mentions) m, "
        "(SELECT count(*) FROM events) e",
        as_="records",
    )[0]
    assert counts == {"a": 3, "m": 6, "e": 4}


def test_same_articles_again_is_a_no_op(store: Store) -> None:
    before = store.sql("SELECT * FROM mentions ORDER BY mention_id", as_="records")
    report = store.ingest(DOCS, coder=FakeCoder())
    assert (report.articles, report.skipped) == (0, 3)
    # Same text re-wrapped, or same URL with other text, is the same article.
    again = store.ingest([Document("Russia attacked   Ukraine near Kharkiv.\nWashington condemned Russia.",
                                   date="2022-02-24"),
                          Document("Updated: Russia attacked Ukraine.", url="https://b.test/1")],
                         coder=FakeCoder())  # fmt: skip
    assert (again.articles, again.skipped) == (0, 2)
    assert store.sql("SELECT * FROM mentions ORDER BY mention_id", as_="records") == before


def test_unreal_mentions_are_kept_without_an_event(store: Store) -> None:
    rows = store.sql("SELECT modality, event_id FROM mentions WHERE modality <> 'asserted'", as_="records")
    assert rows and all(r["event_id"] is None for r in rows)


def test_events_filters(store: Store) -> None:
    assert len(store.events(as_="records")) == 4
    assert len(store.events(source="RUS", target="UKR", cameo="19", as_="records")) == 1
    assert len(store.events(source="USA", as_="records")) == 1  # prefix: USAGOV
    assert len(store.events(plover="accuse", as_="records")) == 2
    assert len(store.events(date_from="2022-02-25", as_="records")) == 1
    assert len(store.events(country="UKR", date_to="2022-02-24", as_="records")) == 1
    assert len(store.events(limit=2, as_="records")) == 2
    frame = store.events(as_="polars")
    assert frame.height == 4
    assert store.events().shape[0] == 4  # pandas by default
    with pytest.raises(ValueError, match="bad date"):
        store.events(date_from="yesterday")


def test_mentions_and_article_lookups(store: Store) -> None:
    event = store.events(cameo="190", as_="records")[0]
    mentions = store.mentions(event["event_id"], as_="records")
    assert len(mentions) == event["num_mentions"] == 2
    article = store.article(mentions[0]["article_id"])
    assert article is not None and "Russia attacked Ukraine" in article["text"]
    text = article["text"]
    m = mentions[0]
    assert text[m["trigger_start"]:m["trigger_end"]] == "attacked"
    assert text[m["source_start"]:m["source_end"]] == "Russia"
    assert store.article("nope") is None


def test_actors_table(store: Store) -> None:
    rows = {r["code"]: r for r in store.sql("SELECT * FROM actors", as_="records")}
    assert rows["RUS"]["n_mentions"] == 5
    assert rows["USAGOV"]["sector"] == "GOV" and rows["USAGOV"]["country"] == "USA"


def test_sql_is_read_only(store: Store) -> None:
    with pytest.raises(QueryError, match="read-only"):
        store.sql("DELETE FROM events")
    with pytest.raises(QueryError):
        store.sql("SELECT no_such_column FROM events")
    assert len(store.events(as_="records")) == 4


def test_reading_a_missing_database_is_a_clear_error(open_store: Callable[..., Store]) -> None:
    with pytest.raises(StoreError, match="no database here|no eventwatch tables"):
        open_store(read_only=True).events()


def test_summary(store: Store) -> None:
    info = store.summary()
    assert info["articles"] == 3 and info["events"] == 4
    assert info["top_dyads"][0]["source"] == "RUS" and info["top_dyads"][0]["target"] == "UKR"


def test_coder_failure_names_the_document_and_the_batch_goes_on(open_store: Callable[..., Store]) -> None:
    store = open_store()
    docs = [Document("Russia attacked Ukraine.", date="2022-03-01"),
            Document("CRASH THE CODER please", url="https://bad.test/x"),
            Document("Israel attacked Hamas.", date="2022-03-01")]  # fmt: skip
    report = store.ingest(docs, coder=FakeCoder())
    assert report.articles == 2
    assert [str(p) for p in report.problems] == ["https://bad.test/x: coder failed: fake coder crashed"]
