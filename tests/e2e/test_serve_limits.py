"""`eventwatch serve` as a user runs it, held to its limits (issue 9): the limits come from a config
file ($EVENTWATCH_CONFIG) and options, abusive requests get 400/413 with the standard error body, and
`eventwatch sql` handed to the server is as confined as on the file."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fixtures.monitor.monitor_db import build_sample_db

EVENTWATCH = str(Path(sys.executable).with_name("eventwatch"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("serve_limits")
    db = Path(build_sample_db(str(tmp / "events.duckdb")))
    config = tmp / "limits.yaml"
    config.write_text("series:\n  max_periods: 400\n")
    port = free_port()
    env = dict(os.environ, EVENTWATCH_CONFIG=str(config))
    server = subprocess.Popen(
        [EVENTWATCH, "serve", "--db", str(db), "--port", str(port), "--max-text-chars", "1000",
         "--request-timeout", "5", "--max-response-mb", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, server.stderr and server.stderr.read()
            time.sleep(0.2)
        yield url, db
    finally:
        server.terminate()
        server.wait(30)


def error(response: httpx.Response) -> dict:
    return response.json()["error"]


def test_abusive_reads_get_the_standard_error(served: tuple[str, Path]) -> None:
    url, _ = served
    huge = httpx.get(f"{url}/series", params={"source": "RUS", "target": "UKR", "from": "0001-01-01",
                                              "to": "9999-12-30"})  # fmt: skip
    assert huge.status_code == 400 and "limit of 400" in error(huge)["message"]  # from the config file
    for path, params in [("/series", {"source": "RUS", "target": "UKR", "to": "9999-12-31"}),
                         ("/alerts", {"since": "0001-01-01"}), ("/alerts", {"until": "9999-12-31"}),
                         ("/events", {"from": "0001-01-01", "to": "9999-12-31"})]:  # fmt: skip
        r = httpx.get(f"{url}{path}", params=params)
        assert r.status_code in (200, 400), (path, params, r.text[:200])
        if r.status_code == 400:
            assert error(r)["code"] == "bad_request"


def test_long_texts_are_refused(served: tuple[str, Path]) -> None:
    url, _ = served
    r = httpx.post(f"{url}/code", json={"text": "Russia attacked Ukraine. " * 100})
    assert r.status_code == 413 and "1000 characters" in error(r)["message"]


def test_sql_handed_to_the_server_is_confined(served: tuple[str, Path]) -> None:
    _, db = served
    ok = subprocess.run([EVENTWATCH, "sql", "SELECT count(*) AS n FROM events", "--db", str(db)],
                        capture_output=True, text=True, timeout=60)  # fmt: skip
    assert ok.returncode == 0 and "13" in ok.stdout
    for query in ("SELECT * FROM read_text('/etc/passwd')", "COPY events TO '/tmp/eventwatch_stolen.csv'",
                  "INSTALL httpfs"):  # fmt: skip
        refused = subprocess.run([EVENTWATCH, "sql", query, "--db", str(db)], capture_output=True, text=True,
                                 timeout=60)  # fmt: skip
        assert refused.returncode == 1 and "Traceback" not in refused.stderr, refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1
    assert not Path("/tmp/eventwatch_stolen.csv").exists()


def test_a_body_over_the_cap_is_answered_413_not_reset(served: tuple[str, Path]) -> None:
    """Sent whole before the answer is read (Python's http.client does so), a body twice the cap still
    gets its 413: the server reads and drops it before answering instead of closing mid-upload (the
    reset this guards against shows under load - the abuse benchmark's 'no answer' - not on every run)."""
    import http.client
    import json

    host, port = served[0].removeprefix("http://").split(":")
    con = http.client.HTTPConnection(host, int(port), timeout=30)
    body = json.dumps({"text": "x" * 2_000_000})  # the default cap is 1 MB
    con.request("POST", "/code", body=body, headers={"Content-Type": "application/json"})
    response = con.getresponse()
    assert response.status == 413 and json.loads(response.read())["error"]["code"] == "too_large"
