"""The REST API over the sample database, once per backend: responses, pagination, evidence, errors,
limits and auth."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from eventwatch.api import models
from eventwatch.api.app import create_app, json_bytes
from eventwatch.api.server import bind_warning
from eventwatch.monitor import browse
from eventwatch.monitor.series import series
from fixtures.monitor.monitor_db import build_sample_db


class FakeReport:
    def to_dict(self) -> dict[str, Any]:
        return {"articles": 1, "skipped": 0, "sentences": 2, "mentions": 1, "events": 1, "seconds": 0.1, "problems": []}


@pytest.fixture(scope="module")
def db(module_store_location: str) -> str:
    return build_sample_db(module_store_location)


@pytest.fixture()
def ingested() -> list[Any]:
    return []


@pytest.fixture()
def client(db: str, ingested: list[Any]) -> Iterator[TestClient]:
    def fake_ingest(backend: Any, sources: list[Any]) -> FakeReport:
        ingested.extend(sources)
        return FakeReport()

    with TestClient(create_app(db, token="s3cret", ingest=fake_ingest)) as client:
        yield client


def test_health(client: TestClient) -> None:
    h = client.get("/health").json()
    assert (h["status"], h["events"], h["articles"], h["ingest_enabled"]) == ("ok", 13, 10, True)


def test_events_filters_and_cursor_pages(client: TestClient) -> None:
    seen: list[str] = []
    cursor = None
    while True:
        body = client.get("/events", params={"limit": 4, **({"cursor": cursor} if cursor else {})}).json()
        seen += [e["event_id"] for e in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 13
    fights = client.get("/events", params={"cameo": "19"}).json()["items"]
    assert sorted(e["event_id"] for e in fights) == ["e09", "e10", "e11"]
    assert [e["event_id"] for e in client.get("/events", params={"source": "IGOWSTNAT"}).json()["items"]] == ["e05"]
    jan = client.get("/events", params={"from": "2022-01-28", "to": "2022-01-28", "country": "UKR"}).json()
    assert sorted(e["event_id"] for e in jan["items"]) == ["e09", "e10"]
    assert client.get("/events", params={"plover": "coerce"}).json()["items"][0]["event_id"] == "e13"


def test_event_with_mentions_and_evidence(client: TestClient) -> None:
    event = client.get("/events/e02").json()
    assert event["num_mentions"] == 2 and len(event["mentions"]) == 2
    for m in event["mentions"]:
        spans = {s["role"]: m["sentence"][s["start"] : s["end"]] for s in m["spans"]}
        assert spans == {"trigger": "held talks", "source": "Blinken", "target": "Lavrov"}


def test_article_with_spans(client: TestClient) -> None:
    art = client.get("/articles/a08").json()
    found = {(s["event_id"], s["role"], art["text"][s["start"] : s["end"]]) for s in art["spans"]}
    assert ("e09", "trigger", "shelled") in found and ("e10", "target", "Russian troops") in found


def test_series_dyads_actors_alerts(client: TestClient) -> None:
    s = client.get("/series", params={"source": "USA", "target": "RUS", "period": "week"}).json()
    assert [p["count"] for p in s["points"]] == [3, 4]
    assert client.get("/dyads", params={"limit": 1}).json()["items"][0]["n_events"] == 7
    assert client.get("/actors", params={"by": "code", "limit": 1}).json()["items"][0]["actor"] == "RUSGOV"
    assert client.get("/alerts").json() == {"items": []}
    assert client.get("/alerts", params={"method": "magic"}).status_code == 422


def test_typed_answers_are_the_validated_ones(db: str) -> None:
    # /events and /series serialise the store's typed rows as they are (api.app.json_bytes): the same JSON.
    page = browse.list_events(db, limit=20)
    answers = {
        models.EventPage: {"items": page.items, "next_cursor": page.next_cursor, "limit": page.limit},
        models.SeriesOut: series(db, "USA", "RUS", period="week").to_dict(),
    }
    for model, value in answers.items():
        assert json.loads(json_bytes(model, value, typed=True)) == json.loads(json_bytes(model, value))


def test_errors_have_one_shape(client: TestClient) -> None:
    for url, status in [
        ("/events/nope", 404),
        ("/articles/nope", 404),
        ("/nowhere", 404),
        ("/events?limit=100000", 422),
        ("/events?cursor=garbage", 400),
        ("/series?source=USA", 422),
        ("/series?source=USA&target=RUS&from=someday", 422),
    ]:
        r = client.get(url)
        assert r.status_code == status, url
        error = r.json()["error"]
        assert error["status"] == status and error["message"] and error["code"]


def test_ingest_needs_the_token(client: TestClient, ingested: list[Any]) -> None:
    body = {"text": "Russia attacked Ukraine.", "urls": ["https://news.example/x"]}
    assert client.post("/ingest", json=body).status_code == 401
    assert client.post("/ingest", json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    r = client.post("/ingest", json=body, headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 200 and r.json()["articles"] == 1
    assert ingested[0] == "https://news.example/x" and ingested[1].text == "Russia attacked Ukraine."
    # A bare string would be read by the store as a local path: refused.
    bad = client.post("/ingest", json={"urls": ["/etc/passwd"]}, headers={"Authorization": "Bearer s3cret"})
    assert bad.status_code == 422


def test_ingest_disabled_without_token(db: str) -> None:
    with TestClient(create_app(db)) as client:
        r = client.post("/ingest", json={"text": "x"})
    assert r.status_code == 403 and "--token" in r.json()["error"]["message"]


def test_bodies_are_capped(client: TestClient) -> None:
    big = client.post("/code", content=b"{" + b" " * 2_000_000 + b"}", headers={"content-type": "application/json"})
    assert big.status_code == 413 and big.json()["error"]["code"] == "too_large"


def test_code_stores_nothing(db: str) -> None:
    class Coder:
        def code(self, text: str, date: str | None) -> list[Any]:
            return []

    with TestClient(create_app(db, coder_factory=Coder)) as client:
        r = client.post("/code", json={"text": "Russia attacked Ukraine.", "date": "2022-02-24"})
        assert r.json() == {"events": []}
        assert client.get("/health").json()["events"] == 13


def test_openapi_and_dashboard_are_served_locally(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/events", "/events/{event_id}", "/articles/{article_id}", "/series", "/alerts", "/code", "/ingest"} <= set(
        schema["paths"]
    )
    page = client.get("/")
    assert page.status_code == 200 and "default-src 'self'" in page.headers["content-security-policy"]
    assert "http" not in page.text.replace("http-equiv", "")  # no CDN or other origin
    for asset in ("/static/app.js", "/static/style.css"):
        assert client.get(asset).status_code == 200
    assert "innerHTML" not in client.get("/static/app.js").text


def test_bind_warning() -> None:
    assert bind_warning("127.0.0.1", None) is None
    assert bind_warning("localhost", None) is None
    assert "without a token" in (bind_warning("0.0.0.0", None) or "")


def test_answers_are_reused_only_while_the_store_is_unchanged(store_location: str) -> None:
    from eventwatch.store import Store
    from fixtures.store.fake_coder import FakeCoder

    build_sample_db(store_location)

    def ingest(backend: Any, sources: list[Any]) -> Any:
        return Store(backend).ingest(sources, coder=FakeCoder())

    with TestClient(create_app(store_location, token="s3cret", ingest=ingest)) as client:
        first = client.get("/events", params={"limit": 100}).json()
        again = client.get("/events", params={"limit": "100"})  # the same question: answered from the cache
        assert again.json() == first and again.headers["content-security-policy"]
        assert client.app.state.cache.hits >= 1
        r = client.post("/ingest", json={"text": "Israel attacked Hamas.", "date": "2022-02-01"},
                        headers={"Authorization": "Bearer s3cret"})  # fmt: skip
        assert r.status_code == 200 and r.json()["articles"] == 1
        after = client.get("/events", params={"limit": 100}).json()
        assert len(after["items"]) == len(first["items"]) + 1
