"""``eventwatch watch``: polls a local feed, ingests only new entries, serves queries meanwhile, and stops
cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fixtures.store.local_server import LocalServer, page, rss

EVENTWATCH = str(Path(sys.executable).with_name("eventwatch"))
FIXTURES = Path(__file__).parents[1] / "fixtures" / "store"
pytestmark = pytest.mark.slow


def query(db: Path) -> list[dict]:
    result = subprocess.run(
        [EVENTWATCH, "sql", "SELECT url FROM articles ORDER BY url", "--db", str(db), "--format", "jsonl"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError("timed out waiting")


def test_watch_ingests_new_entries_and_stops_on_sigterm(tmp_path: Path) -> None:
    db = tmp_path / "watch.duckdb"
    with LocalServer() as server:
        items = [("One", server.url("/a/1"), "Mon, 07 Mar 2022 08:00:00 GMT")]
        server.routes["/a/1"] = (200, "text/html", page("One", ["Russia attacked Ukraine near Kharkiv."]))
        server.routes["/a/2"] = (200, "text/html", page("Two", ["NATO condemned Russia over the attack."]))
        server.routes["/feed"] = (200, "application/rss+xml", rss("Watch Wire", items))
        env = dict(os.environ, PYTHONPATH=str(FIXTURES))
        proc = subprocess.Popen(
            [EVENTWATCH, "watch", server.url("/feed"), "--every", "1s", "--db", str(db), "--allow-private",
             "--coder", "fake_coder:make_coder"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            wait_for(lambda: db.exists() and len(query(db)) == 1)
            items.append(("Two", server.url("/a/2"), "Tue, 08 Mar 2022 08:00:00 GMT"))
            server.routes["/feed"] = (200, "application/rss+xml", rss("Watch Wire", items))
            wait_for(lambda: len(query(db)) == 2)
            # Readers keep working while the watcher keeps polling.
            for _ in range(3):
                assert len(query(db)) == 2
            events = subprocess.run([EVENTWATCH, "events", "--db", str(db), "--format", "jsonl"],
                                    capture_output=True, text=True, timeout=60)  # fmt: skip
            assert events.returncode == 0 and len(events.stdout.splitlines()) == 2
        finally:
            proc.send_signal(signal.SIGTERM)
            _, log = proc.communicate(timeout=30)
        assert proc.returncode == 0, log
        assert server.hits["/a/1"] == 1 and server.hits["/a/2"] == 1  # known entries are not fetched again
    assert "Traceback" not in log
    assert "watching 1 feed(s) every 1s" in log
    assert "1 new article(s)" in log and "0 new article(s), 2 already stored" in log
    assert log.strip().splitlines()[-1].split(" ", 1)[1].startswith("stopped after")
