"""Several writers and a server on one store, once per backend, run as a user would: two ``eventwatch
ingest`` processes write overlapping corpora while ``eventwatch serve`` answers requests, and the result
is exactly the rows of one clean run - no article lost, duplicated or half-written.

On PostgreSQL the writers share the database directly; on DuckDB the server holds the file and the two
ingests hand their batches to it (and ``summary`` its query) instead of waiting for the lock."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from eventwatch.store import Store

EVENTWATCH = str(Path(sys.executable).with_name("eventwatch"))
FIXTURES = Path(__file__).parents[1] / "fixtures" / "store"
pytestmark = pytest.mark.slow
ACTORS = ("Russia", "Ukraine", "Moscow", "Kyiv", "NATO", "Serbia", "Belgrade", "Albania", "Tirana")
VERBS = ("attacked", "condemned", "met with", "sanctioned", "recalled its ambassador from")
N_ARTICLES = 240
SNAPSHOT = {
    "articles": "SELECT article_id, content_hash, url, source, date, n_events FROM articles ORDER BY article_id",
    "mentions": "SELECT mention_id, article_id, event_id, modality FROM mentions ORDER BY mention_id",
    "events": "SELECT event_id, date, source_code, target_code, cameo, num_mentions, num_articles, num_sources "
    "FROM events ORDER BY event_id",
    "actors": "SELECT code, name, n_mentions, first_date, last_date FROM actors ORDER BY code",
}


def write_corpus(path: Path, numbers: range) -> Path:
    """Articles reporting overlapping events at several actor depths and days, one per line."""
    with path.open("w", encoding="utf-8") as out:
        for i in numbers:
            a, b = ACTORS[i % 9], ACTORS[(i * 4 + 1) % 9]
            when = "yesterday" if i % 3 == 0 else "on the record"
            text = f"Report {i}: {a} {VERBS[i % 5]} {b} {when}. {b} condemned {a}. {a} would not say more."
            record = {"id": f"r{i}", "text": text, "date": f"2022-03-{1 + i % 6:02d}", "source": f"Wire {i % 4}",
                      "url": f"https://wire.test/{i}"}  # fmt: skip
            out.write(json.dumps(record) + "\n")
    return path


def ingest(location: str, source: Path, delay: float = 0.0) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(FIXTURES), FAKE_CODER_DELAY=str(delay))
    return subprocess.Popen(
        [EVENTWATCH, "ingest", str(source), "--db", location, "--coder", "fake_coder:make_coder", "--batch", "8"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(location: str, port: int, *options: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [EVENTWATCH, "serve", "--db", location, "--port", str(port), *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_for_health(server: subprocess.Popen[str], port: int, ready=lambda health: True, timeout: float = 120) -> None:
    """Until the server's /health answers and satisfies ``ready``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if ready(httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).json()):
                return
        except (httpx.TransportError, ValueError):
            pass
        assert time.monotonic() < deadline and server.poll() is None, "the server did not get ready"
        time.sleep(0.2)


def snapshot(location: str) -> dict[str, list[dict]]:
    with Store(location, read_only=True) as store:
        return {name: store.sql(sql, as_="records") for name, sql in SNAPSHOT.items()}


def test_two_ingests_and_a_server_at_once_store_what_one_clean_run_does(store_location: str, tmp_path: Path) -> None:
    first = write_corpus(tmp_path / "first.jsonl", range(0, 160))
    second = write_corpus(tmp_path / "second.jsonl", range(80, N_ARTICLES))  # 80 articles in both
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(store_location, port)
    try:
        wait_for_health(server, port)

        writers = [ingest(store_location, first, 0.01), ingest(store_location, second, 0.01)]
        statuses, articles_seen = [], []
        with httpx.Client(base_url=base, timeout=10) as client:
            while any(w.poll() is None for w in writers):
                statuses.append(client.get("/events", params={"limit": 20}).status_code)
                articles_seen.append(client.get("/health").json()["articles"])
                time.sleep(0.05)
        outputs = [w.communicate(timeout=120) for w in writers]
        for writer, (_, err) in zip(writers, outputs, strict=True):
            assert writer.returncode == 0, err
            assert "lock" not in err.lower() and "in use" not in err.lower(), err
        assert statuses and set(statuses) == {200}
        assert articles_seen == sorted(articles_seen)  # readers saw whole batches arrive, never a rollback

        # Queries from another process work while the server runs (on DuckDB: through the server).
        summary = subprocess.run(
            [EVENTWATCH, "summary", "--db", store_location, "--format", "json"], capture_output=True, text=True,
            timeout=60,
        )  # fmt: skip
        assert summary.returncode == 0, summary.stderr
        assert json.loads(summary.stdout)["articles"] == N_ARTICLES
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    clean_db = str(tmp_path / "clean.duckdb")
    clean = ingest(clean_db, write_corpus(tmp_path / "all.jsonl", range(N_ARTICLES)))
    assert clean.wait(timeout=120) == 0, clean.stderr.read() if clean.stderr else ""
    expected, found = snapshot(clean_db), snapshot(store_location)
    assert len(found["articles"]) == N_ARTICLES and expected["events"]
    for table in SNAPSHOT:
        assert found[table] == expected[table], table
    assert not Path(f"{store_location}.serve.json").exists()  # the server's note is gone with it


def test_serve_watches_feeds_itself_and_queries_go_through_it(tmp_path: Path) -> None:
    from fixtures.store.local_server import LocalServer, page, rss

    db = tmp_path / "watched.duckdb"
    port = free_port()
    with LocalServer() as feeds:
        feeds.routes["/a/1"] = (200, "text/html", page("One", ["Russia attacked Ukraine near Kharkiv on Monday."]))
        feeds.routes["/feed"] = (200, "application/rss+xml", rss("Wire", [
            ("One", feeds.url("/a/1"), "Mon, 07 Mar 2022 08:00:00 GMT")]))  # fmt: skip
        server = serve(str(db), port, "--watch", feeds.url("/feed"), "--every", "5s", "--allow-private")
        try:
            wait_for_health(server, port, lambda health: health["articles"] == 1)
            assert Path(f"{db}.serve.json").exists()
            events = subprocess.run([EVENTWATCH, "events", "--db", str(db), "--format", "jsonl"],
                                    capture_output=True, text=True, timeout=60)  # fmt: skip
            assert events.returncode == 0, events.stderr
            assert [json.loads(line)["cameo"] for line in events.stdout.splitlines()] == ["190"]
        finally:
            server.send_signal(signal.SIGINT)
            _, log = server.communicate(timeout=60)
    assert "poll 1" in log and "1 new article(s)" in log
    assert not Path(f"{db}.serve.json").exists()
