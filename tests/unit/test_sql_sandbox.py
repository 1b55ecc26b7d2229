"""`eventwatch sql` reads the store and nothing else (issue 9): each escape a hostile query tried is
refused with a one-line error, on a DuckDB file and on PostgreSQL, and a query that runs too long is
stopped."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest

from eventwatch import Store
from eventwatch.store.backends import QueryError
from eventwatch.store.budget import Watchdog
from eventwatch.store.sandbox import SqlLimits, confine

DUCKDB_ESCAPES = [
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM glob('/root/**')",
    "COPY events TO '{tmp}/stolen.csv'",
    "ATTACH '{tmp}/other.duckdb' (READ_WRITE)",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "SET memory_limit = '100GB'",
    "SELECT 1; SELECT 2",
    "EXPLAIN ANALYZE COPY events TO '{tmp}/stolen.csv'",
]


@pytest.fixture()
def store(store_location: str) -> Store:
    with Store(store_location) as store:
        with store.read():
            pass  # creates the empty tables
        yield store


@pytest.mark.parametrize("query", DUCKDB_ESCAPES)
def test_duckdb_escapes_are_refused(tmp_path: Path, query: str) -> None:
    with Store(tmp_path / "events.duckdb") as store:
        with store.read():
            pass
        with pytest.raises(QueryError) as refused:
            store.sql(query.format(tmp=tmp_path))
    assert "\n" not in str(refused.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.duckdb"]  # nothing written beside it


@pytest.mark.parametrize("query", [q for q in DUCKDB_ESCAPES if ";" not in q])
def test_a_confined_connection_refuses_them_even_unchecked(tmp_path: Path, query: str) -> None:
    """The second wall: DuckDB itself, were a statement to get past the statement check."""
    con = duckdb.connect(str(tmp_path / "events.duckdb"))
    con.execute("CREATE TABLE events (a INTEGER)")
    confine(con, SqlLimits(memory="500MB", threads=1))
    with pytest.raises(duckdb.Error):
        con.execute(query.format(tmp=tmp_path))
    assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0].startswith(("476", "500"))


def test_a_query_out_of_time_ends_with_one_line(store: Store) -> None:
    endless = (
        "SELECT count(*) FROM generate_series(1, 1000000000000)"
        if store.backend.dialect == "postgresql"
        else "SELECT count(*) FROM range(1e12::BIGINT)"
    )
    with pytest.raises(QueryError, match=r"more than 1 s and was stopped"):
        store.sql(endless, limits=SqlLimits(seconds=1))
    assert store.sql("SELECT count(*) AS n FROM events", as_="records") == [{"n": 0}]


def test_results_are_capped_in_rows(store: Store) -> None:
    with pytest.raises(QueryError, match="more than 10 rows"):
        store.sql("SELECT * FROM (VALUES (1),(2),(3),(4),(5),(6),(7),(8),(9),(10),(11),(12)) t(x)",
                  limits=SqlLimits(max_rows=10))  # fmt: skip


def test_postgres_file_functions_are_refused(store: Store) -> None:
    if store.backend.dialect != "postgresql":
        pytest.skip("PostgreSQL only")
    for query in ("SELECT pg_read_file('/etc/passwd')", "COPY events TO '/tmp/stolen.csv'",
                  "SELECT lo_import('/etc/passwd')"):  # fmt: skip
        with pytest.raises(QueryError):
            store.sql(query)


def test_watchdog_fires_only_when_not_disarmed() -> None:
    fired: list[str] = []
    dog = Watchdog()
    with dog.watch(0.05, lambda: fired.append("early")):
        pass
    late = dog.watch(0.05, lambda: fired.append("late"))
    for _ in range(100):
        if late.fired:
            break
        time.sleep(0.02)
    assert fired == ["late"] and late.fired
