"""The store commands as a user runs them: ingest (with bad sources), events, sql, export, summary.

Uses the real coder (one ingest run for the module) and serves pages and feeds from a local server.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.store.local_server import LocalServer, page, rss

EVENTWATCH = str(Path(sys.executable).with_name("eventwatch"))
SAMPLES = Path(__file__).parents[2] / "src" / "eventwatch" / "data" / "samples"
pytestmark = pytest.mark.slow


def run(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EVENTWATCH, *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def server():
    with LocalServer() as s:
        s.routes.update({
            "/news/attack": (200, "text/html", page("Russia attacks Ukraine", [
                "KYIV - Russian forces attacked Ukraine on Thursday, Ukrainian officials said.",
                "The United States condemned the attack and imposed sanctions on Russia.",
            ])),
            "/news/index": (200, "text/html", page("Index", [])),
            "/news/broken": (500, "text/plain", b"server error"),
            "/feed.xml": (200, "application/rss+xml", rss("Local Wire", [
                ("Attack", s.url("/news/attack"), "Thu, 24 Feb 2022 08:00:00 GMT"),
                ("Broken", s.url("/news/broken"), "Thu, 24 Feb 2022 09:00:00 GMT"),
            ])),
            "/bad-feed.rss": (200, "application/rss+xml", b"<html>surprise</html"),
        })  # fmt: skip
        yield s


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory, server: LocalServer):
    tmp = tmp_path_factory.mktemp("cli")
    bad = tmp / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "latin.txt").write_bytes("Caf\xe9 \x81\x8d\x8f\x90\x9d".encode("latin-1"))  # no encoding fits
    (bad / "lines.jsonl").write_text('{"text": "NATO condemned Russia.", "date": "2022-02-25"}\nnot json\n')
    with (bad / "huge.txt").open("wb") as f:
        f.truncate(50 * 2**20)
    db = tmp / "store.duckdb"
    result = run(
        "ingest", str(SAMPLES), str(bad), server.url("/feed.xml"), server.url("/news/index"),
        server.url("/bad-feed.rss"), server.url("/slow/page"), "--db", str(db), "--timeout", "1", "--allow-private",
        "--retries", "1",
    )  # fmt: skip
    return db, result, tmp


def test_ingest_reports_each_bad_source_and_keeps_the_rest(ingested, server: LocalServer) -> None:
    db, result, tmp = ingested
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    expected = [
        f"{tmp}/bad/empty.txt: input is empty",
        f"{tmp}/bad/huge.txt: file is 52 MB",
        f"{tmp}/bad/latin.txt: cannot decode text",
        f"{tmp}/bad/lines.jsonl:2: not valid JSON",
        f"{server.url('/news/broken')}: HTTP 500",
        f"{server.url('/news/index')}: no article text",
        f"{server.url('/bad-feed.rss')}: not an RSS/Atom feed",
        f"{server.url('/slow/page')}: timed out",
    ]
    for want in expected:
        assert any(line.startswith(f"error: {want}") for line in errors), (want, errors)
    assert len(errors) == len(expected)
    assert "8 source(s) failed; the rest were ingested." in result.stderr
    summary = json.loads(run("summary", "--db", str(db), "--format", "json").stdout)
    assert summary["articles"] == 11 + 1 + 1  # samples, the JSONL line, the feed's article
    assert summary["events"] > 10


def test_ingest_again_adds_nothing(ingested) -> None:
    db, _, _ = ingested
    count = ("sql", "SELECT count(*) AS n FROM mentions", "--db", str(db), "--format", "csv")
    before = run(*count).stdout
    again = run("ingest", str(SAMPLES), "--db", str(db))
    assert again.returncode == 0, again.stderr
    assert "0 articles added (11 already stored)" in again.stderr
    assert run(*count).stdout == before


def test_events_query_and_formats(ingested) -> None:
    db, _, _ = ingested
    table = run("events", "--db", str(db), "--from", "2022-02-24", "--to", "2022-02-24")
    assert table.returncode == 0 and table.stdout.splitlines()[0].startswith("event_id")
    lines = run("events", "--db", str(db), "--format", "jsonl").stdout.splitlines()
    rows = [json.loads(line) for line in lines]
    assert rows and {"event_id", "num_mentions", "num_articles", "source_url"} <= set(rows[0])
    rus = run("events", "--db", str(db), "--source", "RUS", "--format", "jsonl").stdout.splitlines()
    assert rus and all(json.loads(r)["source_code"].startswith("RUS") for r in rus)
    assert run("events", "--db", str(db), "--format", "csv").stdout.startswith("event_id,date,")
    bad = run("events", "--db", str(db), "--from", "someday")
    assert bad.returncode == 1 and bad.stderr.startswith("error: bad date") and "Traceback" not in bad.stderr
    missing = run("events", "--db", str(db.with_name("nope.duckdb")))
    assert missing.returncode == 1 and "no database here" in missing.stderr


def test_sql_is_read_only(ingested) -> None:
    db, _, _ = ingested
    ok = run("sql", "SELECT cameo_root, count(*) n FROM events GROUP BY ALL ORDER BY n DESC", "--db", str(db))
    assert ok.returncode == 0 and "cameo_root" in ok.stdout
    refused = run("sql", "DROP TABLE events", "--db", str(db))
    assert refused.returncode == 1 and "read-only" in refused.stderr and "Traceback" not in refused.stderr


def test_export_gdelt_and_plover(ingested) -> None:
    db, _, tmp = ingested
    out = tmp / "gdelt.tsv"
    result = run("export", "--format", "gdelt", "--output", str(out), "--db", str(db))
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in out.read_text().splitlines()]
    assert rows[0][0] == "GLOBALEVENTID" and rows[0][60] == "SOURCEURL"
    assert all(len(r) == 61 for r in rows)
    header = rows[0]
    for row in rows[1:]:
        record = dict(zip(header, row, strict=True))
        assert record["EventCode"].startswith(record["EventRootCode"]) and len(record["SQLDATE"]) == 8
        assert record["QuadClass"] in {"1", "2", "3", "4"}
    plover = tmp / "plover.jsonl"
    assert run("export", "--format", "plover", "-o", str(plover), "--db", str(db)).returncode == 0
    assert all(json.loads(line)["event"] for line in plover.read_text().splitlines())
    nowhere = run("export", "--format", "csv", "-o", str(tmp / "no" / "such" / "x.csv"), "--db", str(db))
    assert nowhere.returncode == 1 and "does not exist" in nowhere.stderr


def test_summary_text(ingested) -> None:
    db, _, _ = ingested
    text = run("summary", "--db", str(db)).stdout
    assert "13 articles" in text and "Top dyads" in text
    # The samples report the same attacks in several articles: some events gather several articles.
    most = run("sql", "SELECT max(num_articles) AS n FROM events", "--db", str(db), "--format", "csv").stdout
    assert int(most.split()[1]) >= 2
