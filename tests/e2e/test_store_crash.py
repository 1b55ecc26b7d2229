"""Crash safety: an ingest killed with SIGKILL at any point, then run again, ends with exactly the rows
of a clean run - no article lost, none twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

EVENTWATCH = str(Path(sys.executable).with_name("eventwatch"))
FIXTURES = Path(__file__).parents[1] / "fixtures" / "store"
pytestmark = pytest.mark.slow
ACTORS = ("Russia", "Ukraine", "Moscow", "Kyiv", "NATO", "Israel", "Hamas", "Washington")
VERBS = ("attacked", "condemned", "met with", "sanctioned", "shelled")
N_ARTICLES = 240

# Tables compared after the runs; times of ingestion differ between runs and are left out.
SNAPSHOT = {
    "articles": "SELECT * EXCLUDE (ingested_at) FROM articles ORDER BY article_id",
    "mentions": "SELECT * FROM mentions ORDER BY mention_id",
    "events": "SELECT * EXCLUDE (first_seen, last_seen, source_url) FROM events ORDER BY event_id",
    "actors": "SELECT * FROM actors ORDER BY code",
}


def corpus(path: Path) -> Path:
    """Articles reporting overlapping events (so clusters span batches), one per line."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(N_ARTICLES):
            a, b = ACTORS[i % 8], ACTORS[(i * 3 + 1) % 8]
            verb = VERBS[i % 5]
            text = (f"Report {i}: {a} {verb} {b} near Kharkiv. {b} condemned {a}. "
                    f"{a} would not say whether {a} attacked {b}.")  # fmt: skip
            day = f"2022-03-{1 + i % 7:02d}"
            record = {"id": f"r{i}", "text": text, "date": day, "source": f"Wire {i % 4}"}
            out.write(json.dumps(record) + "\n")
    return path


def ingest(db: Path, source: Path, delay: float) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(FIXTURES), FAKE_CODER_DELAY=str(delay))
    return subprocess.Popen(
        [EVENTWATCH, "ingest", str(source), "--db", str(db), "--coder", "fake_coder:make_coder",
         "--batch", "16"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def snapshot(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: con.execute(sql).fetchall() for name, sql in SNAPSHOT.items()}
    finally:
        con.close()


def count_articles(db: Path) -> int:
    if not db.exists():
        return 0
    for _ in range(100):  # the killed writer's lock goes with it, but allow for the OS to release it
        try:
            con = duckdb.connect(str(db), read_only=True)
        except duckdb.IOException:
            time.sleep(0.05)
            continue
        try:
            return con.execute("SELECT count(*) FROM articles").fetchone()[0]
        except duckdb.CatalogException:
            return 0  # killed before the schema was committed
        finally:
            con.close()
    raise AssertionError("database stayed locked")


def test_kill_and_restart_gives_the_rows_of_a_clean_run(tmp_path: Path) -> None:
    source = corpus(tmp_path / "corpus.jsonl")
    clean_db = tmp_path / "clean.duckdb"
    clean = ingest(clean_db, source, 0.0)
    assert clean.wait(timeout=120) == 0, clean.stderr.read()
    expected = snapshot(clean_db)
    assert len(expected["articles"]) == N_ARTICLES and expected["events"]

    db = tmp_path / "killed.duckdb"
    seen: list[int] = []
    # Each run is killed once more articles than before are committed, a moment after (mid-coding or
    # mid-write): how long a run takes to get there depends on how busy the machine is, so poll.
    for target, extra in ((1, 0.0), (60, 0.05), (120, 0.15), (180, 0.3)):
        proc = ingest(db, source, 0.01)
        deadline = time.monotonic() + 120
        while count_articles(db) < target and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(extra)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        seen.append(count_articles(db))
    print("articles committed at each kill:", seen)
    # The kills landed mid-run: some articles were committed, not all.
    assert any(0 < n < N_ARTICLES for n in seen), seen
    assert seen == sorted(seen)

    final = ingest(db, source, 0.0)
    assert final.wait(timeout=120) == 0, final.stderr.read()
    assert snapshot(db) == expected
