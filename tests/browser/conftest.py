"""Browser-test fixtures: a live server on loopback over a sample database, and headless Chromium.

The browser is Debian's ``chromium`` (installed by ``.ci/run``), driven by Playwright's bundled driver;
no browser is ever downloaded. Without it the tests skip with the reason.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from eventwatch.monitor.synthetic import annotated_rows, event_rows
from fixtures.monitor.monitor_db import build_db, sample_articles

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

ISR = {"code": "ISRMIL", "country": "ISR", "name": "Israeli military"}
PSE = {"code": "PSEREB", "country": "PSE", "name": "Hamas"}
ESCALATION_DAY = date(2022, 1, 27)


def escalation_stream() -> list[dict[str, Any]]:
    """A month of low-level ISR-PSE friction that turns violent on ESCALATION_DAY (raises one alert)."""
    events = []
    for d in range(30):
        day = date(2022, 1, 1) + timedelta(days=d)
        for k in range(3):
            src, tgt = (ISR, PSE) if (d + k) % 2 else (PSE, ISR)
            events.append({"date": day, "source": src, "target": tgt, "cameo": ("040", "111", "036")[(d + k) % 3]})
        if day >= ESCALATION_DAY:
            events += [{"date": day, "source": ISR, "target": PSE, "cameo": "195"} for _ in range(5)]
    return events


def build_dashboard_db(path: Path) -> Path:
    rows = annotated_rows(sample_articles())
    extra = event_rows(escalation_stream())
    rows.articles += extra.articles
    rows.mentions += extra.mentions
    rows.events += extra.events
    return build_db(path, rows)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from eventwatch.api.app import create_app

    db = build_dashboard_db(tmp_path_factory.mktemp("dashboard") / "dashboard.duckdb")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium; .ci/run does it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
