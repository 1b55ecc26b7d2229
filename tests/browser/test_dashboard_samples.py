"""The dashboard on a database built the way a user builds one: `ingest` of the bundled sample articles
with the real coder, then headless Chromium picks a dyad, checks the chart and opens an event's evidence."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from eventwatch.store import Store

pytestmark = pytest.mark.browser
SAMPLES = Path(__file__).resolve().parents[2] / "src/eventwatch/data/samples"


@pytest.fixture(scope="module")
def sample_server(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[str]:
    import uvicorn

    from eventwatch.api.app import create_app

    db = tmp_path_factory.mktemp("samples") / "samples.duckdb"
    with Store(str(db)) as store:
        store.ingest([str(SAMPLES)])
    with socket_port() as port:
        server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


class socket_port:
    def __enter__(self) -> int:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def __exit__(self, *exc: object) -> None:
        return None


def test_ingested_samples_dyad_chart_and_evidence(browser: Any, sample_server: str, tmp_path: Path) -> None:
    dyads = httpx.get(f"{sample_server}/dyads").json()
    items = dyads["items"]
    pair = next(d for d in items if d.get("target"))
    source, target = pair["source"], pair["target"]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(sample_server + "/")
    page.wait_for_selector(f"#dyad option[value='{source}|{target}']", state="attached")
    page.select_option("#dyad", f"{source}|{target}")
    page.wait_for_selector(f"#chart[data-dyad='{source}|{target}'] svg")
    series = httpx.get(f"{sample_server}/series", params={"source": source, "target": target}).json()
    assert page.locator("#chart circle.point.conflict").count() == len(series["points"]) > 0
    page.locator("#events tr[data-event-id]").first.click()
    page.wait_for_selector("#detail-body mark.hl-trigger")
    assert page.inner_text("#detail-body mark.hl-trigger").strip()
    page.screenshot(path=str(tmp_path / "dashboard-samples.png"), full_page=True)
    context.close()
