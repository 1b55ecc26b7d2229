"""The limits every API request is held to, once per backend: date ranges and periods, extreme dates,
answer size, the time budget (the statement is interrupted, not left running) and POST /code's pool."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from eventwatch.api.admission import HeavyLane, OverShare, PageRows, ReadSlots, Shares, TooBusy, Weigher
from eventwatch.api.app import create_app
from eventwatch.api.cache import AnswerCache
from eventwatch.api.coding import CoderBusy, CodingPool
from eventwatch.api.server import api_config
from eventwatch.monitor import network
from eventwatch.monitor.config import ApiConfig, default_config, load_config
from fixtures.monitor.monitor_db import build_sample_db


@pytest.fixture(scope="module")
def db(module_store_location: str) -> str:
    return build_sample_db(module_store_location)


def limited(**values: Any) -> ApiConfig:
    return dataclasses.replace(default_config().api, **values)


@pytest.fixture()
def client(db: str) -> Iterator[TestClient]:
    with TestClient(create_app(db, config=limited(max_periods=400))) as client:
        yield client


def is_error(response: Any, status: int) -> bool:
    error = response.json().get("error", {})
    return response.status_code == status == error.get("status") and bool(error.get("message"))


class GatedCoder:
    """A coder (and its own factory) holding every text of ``gated_chars`` or more until ``release``; it
    answers the text itself, or no events (``events_found=False``, for the API's routes)."""

    def __init__(self, gated_chars: int = 0, events_found: bool = True) -> None:
        self.started, self.release = threading.Event(), threading.Event()
        self.gated_chars = gated_chars
        self.events_found = events_found

    def __call__(self) -> GatedCoder:
        return self

    def code(self, text: str, date: str | None) -> list[str]:
        if len(text) >= self.gated_chars:
            self.started.set()
            self.release.wait(10)
        return [text] if self.events_found else []


def run_scenario(scenario: Any) -> list[Any]:
    """``scenario()``'s result, run in an event loop of its own thread (another test may have left an
    event loop set in this one)."""
    result: list[Any] = []
    runner = threading.Thread(target=lambda: result.append(asyncio.run(scenario())))
    runner.start()
    runner.join(20)
    return result


def test_long_series_are_refused_before_anything_is_built(client: TestClient) -> None:
    huge = client.get("/series", params={"source": "RUS", "target": "UKR", "from": "0001-01-01", "to": "9999-12-30"})
    assert is_error(huge, 400) and "more than the limit of 400" in huge.json()["error"]["message"]
    # The same span in months fits; so does a year of days.
    months = client.get("/series", params={"source": "RUS", "target": "UKR", "from": "2000-01-01", "to": "2022-12-31",
                                           "period": "month"})  # fmt: skip
    assert months.status_code == 200 and len(months.json()["points"]) == 276
    days = client.get("/series", params={"source": "RUS", "target": "UKR", "from": "2022-01-01", "to": "2022-12-31"})
    assert days.status_code == 200 and len(days.json()["points"]) == 365


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/series", {"source": "RUS", "target": "UKR", "to": "9999-12-31"}),
        ("/series", {"source": "RUS", "target": "UKR", "from": "0001-01-01"}),
        ("/series", {"source": "RUS", "target": "UKR", "from": "9999-12-31", "to": "9999-12-31", "period": "week"}),
        ("/series", {"source": "RUS", "target": "UKR", "from": "0001-01-01", "to": "0001-01-01", "period": "month"}),
        ("/alerts", {"since": "0001-01-01"}),
        ("/alerts", {"until": "9999-12-31", "period": "week"}),
        ("/alerts", {"since": "9999-12-31", "until": "9999-12-31", "period": "month"}),
        ("/events", {"from": "0001-01-01", "to": "9999-12-31"}),
        ("/dyads", {"from": "0001-01-01", "to": "9999-12-31"}),
        ("/actors", {"from": "9999-12-31"}),
    ],
)
def test_extreme_dates_answer_or_are_refused_never_500(client: TestClient, path: str, params: dict) -> None:
    r = client.get(path, params=params)
    assert r.status_code == 200 or is_error(r, 400), (r.status_code, r.text[:200])


def test_alerts_are_capped(db: str) -> None:
    with TestClient(create_app(db, config=limited(max_alerts=1))) as client:
        r = client.get("/alerts", params={"since": "2022-01-01", "min_events": 1, "period": "day"})
    assert r.status_code == 200 and len(r.json()["items"]) <= 1


def test_answers_over_the_size_cap_are_refused(db: str) -> None:
    with TestClient(create_app(db, config=limited(max_response_mb=0.001))) as client:  # about 1 kB
        big = client.get("/events", params={"limit": 50})
        small = client.get("/health")
    assert is_error(big, 413) and "MB" in big.json()["error"]["message"]
    assert small.status_code == 200


def endless(con: Any, **_: Any) -> Any:
    """A query that would run for hours, on either engine."""
    if con.dialect == "postgresql":
        return con.execute("SELECT count(*) FROM generate_series(1, 10000000000000)").fetchall()
    return con.execute("SELECT count(*) FROM range(10000000000000)").fetchall()


def test_a_request_out_of_time_is_stopped_and_answered_503(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(network, "dyads", endless)
    with TestClient(create_app(db, config=limited(request_seconds=0.5, cache_entries=0))) as client:
        slow = client.get("/dyads")
        assert is_error(slow, 503) and "longer than 0.5 s" in slow.json()["error"]["message"]
        assert slow.headers["retry-after"]
        # The connection went back to work: the next requests are answered.
        for _ in range(3):
            assert client.get("/events").status_code == 200


def test_coding_pool_refuses_beyond_its_queue() -> None:
    coder = GatedCoder()
    pool = CodingPool(workers=1, queue=0, coder_factory=coder)

    async def scenario() -> list[str]:
        first = asyncio.ensure_future(pool.code("one", None))
        await asyncio.get_running_loop().run_in_executor(None, coder.started.wait, 10)
        with pytest.raises(CoderBusy):
            await pool.code("two", None)
        coder.release.set()
        done = await first
        return done + await pool.code("three", None)  # the slot is free again

    try:
        assert run_scenario(scenario) == [["one", "three"]]
    finally:
        pool.close()


def test_a_long_text_never_delays_a_short_one() -> None:
    coder = GatedCoder(gated_chars=100)
    pool = CodingPool(workers=1, queue=0, coder_factory=coder, long_chars=100)

    async def scenario() -> list[str]:
        long = asyncio.ensure_future(pool.code("x" * 100, None))
        short = await asyncio.wait_for(pool.code("short", None), 5)  # not behind the long one
        coder.release.set()
        return short + await long

    try:
        assert run_scenario(scenario) == [["short", "x" * 100]]
    finally:
        coder.release.set()
        pool.close()


@pytest.mark.parametrize(
    ("config", "text", "status"),
    [({"code_workers": 1, "code_queue": 0}, "a", 503),  # the only worker is busy: overload
     ({"code_long_chars": 100, "code_long_per_client": 1}, "x" * 100, 429)],  # the client's second long text
)  # fmt: skip
def test_code_answers_503_when_the_coder_is_busy_429_over_a_clients_share(
    db: str, config: dict[str, int], text: str, status: int
) -> None:
    coder = GatedCoder(events_found=False)
    app = create_app(db, coder_factory=coder, config=limited(**config))
    with TestClient(app) as client:
        results: list[int] = []
        first = threading.Thread(target=lambda: results.append(client.post("/code", json={"text": text}).status_code))
        first.start()
        try:
            assert coder.started.wait(10)  # the first request holds the worker
            second = client.post("/code", json={"text": text})
            assert is_error(second, status) and second.headers["retry-after"]
            assert client.get("/health").status_code == 200  # reads never wait for coding
        finally:
            coder.release.set()
            first.join(10)
    assert results == [200]


def test_limits_come_from_a_config_file_then_options(tmp_path: Path) -> None:
    own = tmp_path / "limits.yaml"
    own.write_text("series:\n  max_periods: 50\napi:\n  request_seconds: 2.5\n")
    config = load_config(own)
    assert (config.max_periods, config.api.max_periods, config.api.request_seconds) == (50, 50, 2.5)
    assert config.api.max_page_size == default_config().api.max_page_size  # the rest from monitor.yaml
    assert api_config(own, request_timeout=1.0).request_seconds == 1.0
    own.write_text("api:\n  request_seconds: -1\n")
    with pytest.raises(ValueError, match="request_seconds"):
        load_config(own)


def test_heavy_reads_are_told_apart_and_take_turns() -> None:
    weigh = Weigher(max_light_days=400)
    assert not weigh.is_heavy(start=date(2024, 1, 1), end=date(2024, 3, 31))
    assert weigh.is_heavy(start=date(1, 1, 1), end=date(9999, 12, 31))
    assert weigh.is_heavy(start=date(1, 1, 1))  # up to today
    assert not weigh.is_heavy() and weigh.is_heavy(open_start=True)  # alerts over all history
    lane = HeavyLane(slots=1, wait_seconds=0.1)
    with lane.slot(heavy=True):
        with lane.slot(heavy=False):
            pass  # a light read never waits
        with pytest.raises(TooBusy), lane.slot(heavy=True):
            pass
    with lane.slot(heavy=True):
        pass  # free again


def test_a_client_over_its_share_is_told_429_others_are_not() -> None:
    shares = Shares(per_client=1, what="long texts")
    with shares.hold("10.0.0.1"):
        with pytest.raises(OverShare, match="from 10.0.0.1 at once"), shares.hold("10.0.0.1"):
            pass
        with shares.hold("10.0.0.2"):
            pass  # another client has a share of its own
    with shares.hold("10.0.0.1"):
        pass  # given back
    lane = HeavyLane(slots=1, wait_seconds=0.1, per_client=1)
    with lane.slot(heavy=True, client="a"):
        with pytest.raises(OverShare), lane.slot(heavy=True, client="a"):
            pass  # refused at once, not after waiting
        with pytest.raises(TooBusy), lane.slot(heavy=True, client="b"):
            pass  # the lane is full of another client's work: overload, 503


def test_identical_requests_arriving_together_are_computed_once() -> None:
    cache = AnswerCache()
    calls: list[int] = []
    gate = threading.Event()

    def compute() -> bytes:
        calls.append(1)
        gate.wait(5)
        return b"answer"

    answers: list[bytes] = []
    threads = [threading.Thread(target=lambda: answers.append(cache.answer("k", 1, compute, 10))) for _ in range(8)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(10)
    assert answers == [b"answer"] * 8 and len(calls) == 1
    assert cache.answer("k", 2, lambda: b"new", 10) == b"new"  # a write in between: computed again


def test_coding_workers_run_below_the_servers_priority() -> None:
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    from eventwatch.api.coding import _lower_priority

    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(1, mp_context=context, initializer=_lower_priority, initargs=(10,)) as pool:
        assert pool.submit(os.nice, 0).result(30) == min(19, os.nice(0) + 10)


def test_coding_workers_end_with_their_server() -> None:
    """However the server ends (killed, or stopped while a long text was coding), its workers follow."""
    import multiprocessing
    import os
    import subprocess
    import sys
    import time
    from concurrent.futures import ProcessPoolExecutor

    from eventwatch.api.coding import _start_worker

    server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    context = multiprocessing.get_context("forkserver")
    pool = ProcessPoolExecutor(1, mp_context=context, initializer=_start_worker, initargs=(0, server.pid))
    try:
        worker = pool.submit(os.getpid).result(30)
        server.kill()
        server.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(worker):
            time.sleep(0.2)
        assert not _alive(worker)
    finally:
        server.kill()
        pool.shutdown(wait=False, cancel_futures=True)


def _alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A worker that ended stays a zombie until the pool's manager reaps it: that is not alive.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_a_short_text_waits_for_a_coder_within_the_budget_instead_of_being_shed() -> None:
    coder = GatedCoder(gated_chars=5)
    pool = CodingPool(workers=1, queue=4, coder_factory=coder, wait_seconds=10)

    async def scenario() -> list[str]:
        first = asyncio.ensure_future(pool.code("first", None))
        await asyncio.get_running_loop().run_in_executor(None, coder.started.wait, 10)
        second = asyncio.ensure_future(pool.code("two", None))  # the coder is busy: it waits, not 503
        await asyncio.sleep(0.2)
        assert not second.done()
        coder.release.set()
        return await first + await second

    try:
        assert run_scenario(scenario) == [["first", "two"]]
    finally:
        coder.release.set()
        pool.close()


def test_a_short_text_is_refused_at_once_when_its_turn_would_come_after_the_budget() -> None:
    coder = GatedCoder()
    pool = CodingPool(workers=1, queue=4, coder_factory=coder, wait_seconds=1)

    async def scenario() -> str:
        first = asyncio.ensure_future(pool.code("one", None))
        await asyncio.get_running_loop().run_in_executor(None, coder.started.wait, 10)
        pool._short._learn(5.0, 3)  # recent texts took 5 s each: a wait of 1 s cannot be met
        loop = asyncio.get_running_loop()
        before = loop.time()
        with pytest.raises(CoderBusy, match="5 s to wait"):
            await pool.code("two", None)
        assert loop.time() - before < 0.5  # at once, not after the budget
        coder.release.set()
        await first
        return "done"

    try:
        assert run_scenario(scenario) == ["done"]
    finally:
        coder.release.set()
        pool.close()


def test_the_wait_is_estimated_from_the_characters_waiting_not_the_last_text_alone() -> None:
    pool = CodingPool(workers=2, queue=4, coder_factory=GatedCoder(), wait_seconds=10)
    try:
        lane = pool._short
        assert lane.expected_wait() == 0.0  # nothing coded yet: no estimate, no refusal
        lane._learn(1.0, 1_000)  # a millisecond a character
        lane._waiting_chars = 6_000  # six such texts waiting for two coders, after the one coding now
        assert lane.expected_wait() == pytest.approx(6_000 * 0.001 / 2 + 1.0)
        lane._learn(4.0, 4_000)  # one longer text: the rate stays, the estimate does not double
        assert lane.expected_wait() == pytest.approx(6_000 * (1.6 / 1_600) / 2 + 1.6)
    finally:
        pool.close()


def test_the_long_lane_taken_by_other_clients_answers_429() -> None:
    coder = GatedCoder(gated_chars=100)
    pool = CodingPool(workers=1, queue=0, coder_factory=coder, long_chars=100, long_queue=1)

    async def scenario() -> list[str]:
        coding = asyncio.ensure_future(pool.code("x" * 100, None, "10.0.0.1"))
        waiting = asyncio.ensure_future(pool.code("y" * 100, None, "10.0.0.2"))  # the lane's one waiting place
        await asyncio.sleep(0.2)
        with pytest.raises(OverShare, match="long texts"):
            await pool.code("z" * 100, None, "10.0.0.3")  # a quota all clients share: slow down, not overload
        assert (await pool.code("short", None, "10.0.0.3")) == ["short"]  # short texts are not held up
        coder.release.set()
        return await coding + await waiting

    try:
        assert run_scenario(scenario) == [["x" * 100, "y" * 100]]
    finally:
        coder.release.set()
        pool.close()


@pytest.mark.parametrize(
    ("trusted", "seen"), [((), "127.0.0.1"), (("127.0.0.1",), "10.0.0.7"), (("10.9.0.0/16",), "127.0.0.1")]
)
def test_x_forwarded_for_names_the_client_only_from_a_trusted_proxy(db: str, trusted: tuple, seen: str) -> None:
    """The per-client shares see the address a trusted proxy names; anyone else's header is ignored."""
    coder = GatedCoder(events_found=False)
    config = limited(code_long_chars=100, code_long_per_client=1, trusted_proxies=trusted)
    forwarded = {"X-Forwarded-For": "10.0.0.7"}
    with TestClient(create_app(db, coder_factory=coder, config=config), client=("127.0.0.1", 5000)) as client:
        first = threading.Thread(target=lambda: client.post("/code", json={"text": "x" * 100}, headers=forwarded))
        first.start()
        try:
            assert coder.started.wait(10)
            second = client.post("/code", json={"text": "x" * 100}, headers=forwarded)
            assert is_error(second, 429) and f"from {seen} at once" in second.json()["error"]["message"]
        finally:
            coder.release.set()
            first.join(10)


def test_trusted_proxies_come_from_the_config_and_are_checked(tmp_path: Path) -> None:
    assert default_config().api.trusted_proxies == ()  # no proxy trusted by default
    own = tmp_path / "proxy.yaml"
    own.write_text("api:\n  trusted_proxies: [127.0.0.1, 10.0.0.0/8]\n")
    assert load_config(own).api.trusted_proxies == ("127.0.0.1", "10.0.0.0/8")
    assert api_config(None, trusted_proxies=["::1"]).trusted_proxies == ("::1",)
    own.write_text("api:\n  trusted_proxies: proxy.example.org\n")
    with pytest.raises(ValueError, match="trusted_proxies"):
        load_config(own)


def test_large_pages_take_turns_small_ones_never_wait() -> None:
    rows = PageRows(rows=1000, light_rows=100, wait_seconds=0.1)
    with rows.hold(500), rows.hold(500):
        with rows.hold(100), rows.hold(50):
            pass  # a dashboard's page never waits
        with pytest.raises(TooBusy, match="smaller pages"), rows.hold(200):
            pass
    with rows.hold(5000):
        pass  # weighs at most all the rows: any page can run alone


def test_reads_compute_a_few_at_a_time() -> None:
    slots = ReadSlots(slots=2, wait_seconds=0.1)
    with slots.slot(), slots.slot(), pytest.raises(TooBusy), slots.slot():
        pass
    with slots.slot():
        pass  # given back
