"""The dashboard end to end in headless Chromium: pick a dyad, see the chart, open an event's evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.browser


@pytest.fixture()
def page(browser: Any, live_server: str) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    # The dashboard must not reach beyond this server (no CDN): any other request fails the test.
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(live_server) else outside.append(r.url))
    page.problems = problems
    page.outside = outside
    page.goto(live_server + "/")
    yield page
    context.close()


def filter_events(page: Any, **filters: str) -> None:
    for name in ("from", "to", "source", "target", "cameo", "plover", "country"):
        page.fill(f"#filters [name='{name}']", filters.get(name, ""))
    with page.expect_response(lambda r: "/events?" in r.url):
        page.click("#filters button[type='submit']")


def test_pick_dyad_chart_and_evidence(page: Any, live_server: str, tmp_path: Path) -> None:
    page.wait_for_selector("#dyad option[value='RUS|UKR']", state="attached")
    page.select_option("#dyad", "RUS|UKR")
    page.wait_for_selector("#chart[data-dyad='RUS|UKR'] svg")
    # RUS-UKR events run from 23 to 29 January: seven daily points, quiet days included.
    expected = len(httpx.get(f"{live_server}/series", params={"source": "RUS", "target": "UKR"}).json()["points"])
    assert expected == 7
    assert page.locator("#chart circle.point.coop").count() == expected
    assert page.locator("#chart circle.point.conflict").count() == expected
    assert page.locator("#chart rect.bar").count() == expected

    page.select_option("#period", "week")
    page.wait_for_selector("#chart[data-points='2'] svg")  # selectors, not JS: the page's CSP forbids eval
    assert page.locator("#chart circle.point.conflict").count() == 2
    page.select_option("#period", "day")
    page.wait_for_selector("#chart[data-points='7'] svg")

    # Filter the table, open the shelling event and see the sentence with trigger and actors highlighted.
    filter_events(page, source="RUS", cameo="19")
    page.click("#events tr[data-event-id='e09']")
    page.wait_for_selector("#detail-body mark.hl-trigger")
    assert page.inner_text("#detail-body mark.hl-trigger") == "shelled"
    assert page.inner_text("#detail-body mark.hl-source") == "Russian troops"
    assert page.inner_text("#detail-body mark.hl-target") == "Ukrainian forces"
    assert "Russian troops shelled positions held by Ukrainian forces overnight." in page.inner_text(".sentence")
    codes = page.inner_text("#detail-body .codes")
    assert "190" in codes and "ASSAULT" in codes and "0.88" in codes

    # An event reported by two articles shows both mentions.
    filter_events(page, source="USA", target="RUS")
    page.click("#events tr[data-event-id='e02']")
    page.wait_for_selector("#detail-body h3:text('Event e02')")
    assert page.locator("#detail-body li.mention").count() == 2
    assert page.locator("#detail-body mark.hl-trigger").all_inner_texts() == ["held talks", "held talks"]

    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    print(f"screenshot: {tmp_path / 'dashboard.png'}")
    assert page.problems == []
    assert page.outside == []


def test_alert_list_shows_the_escalation_and_its_dyad(page: Any) -> None:
    page.wait_for_selector("#alerts li.alert")
    texts = page.locator("#alerts li.alert").all_inner_texts()
    assert all("ISR – PSE" in t for t in texts)  # the sample dyads are steady enough: no alert
    assert "2022-01-27" in texts[-1]  # oldest last: the day of the turn
    first = page.locator("#alerts li.alert").last
    first.locator("button.alert-dyad").click()
    page.wait_for_selector("#chart[data-dyad='ISR|PSE'] svg")
    assert page.locator("#chart circle.point.conflict").count() == 30
    first.locator(".drivers button").first.click()
    page.wait_for_selector("#detail-body mark.hl-trigger")
    assert page.inner_text("#detail-body mark.hl-trigger") == "attacked"  # CAMEO 195, root 19


def test_article_text_is_never_html(page: Any) -> None:
    filter_events(page, target="IGOWSTNAT")
    page.click("#events tr[data-event-id='e06']")
    page.wait_for_selector("#detail-body mark.hl-trigger")
    sentence = page.locator("#detail-body .sentence").first
    assert "<b>hysteria</b>" in sentence.inner_text()
    assert "<script>window.__pwned=1</script>" in sentence.inner_text()
    assert sentence.locator("b, script").count() == 0
    assert "<img" in page.inner_text("#detail-body .mention .meta")  # the title, as text
    assert page.locator("#detail-body img").count() == 0
    assert page.evaluate("window.__pwned === undefined")
