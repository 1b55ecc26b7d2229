"""Escalation alerts on a synthetic stream: one dyad turns violent on a known day, another stays steady."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from eventwatch.monitor import alerts, check_alerts
from eventwatch.monitor.config import default_config
from fixtures.monitor.monitor_db import build_events_db, build_sample_db

START = date(2024, 3, 1)
DAYS = 60
VIOLENT_DAY = START + timedelta(days=45)

USA = {"code": "USAGOV", "country": "USA", "name": "United States"}
CHN = {"code": "CHNGOV", "country": "CHN", "name": "China"}
RUS = {"code": "RUSMIL", "country": "RUS", "name": "Russian military"}
UKR = {"code": "UKRMIL", "country": "UKR", "name": "Ukrainian military"}
# An ordinary mix of cooperation and verbal friction (Goldstein -4.4 .. +7).
EVERYDAY = ["010", "036", "040", "042", "043", "046", "111", "112", "130", "057"]
VIOLENCE = ["190", "193", "195"]


def stream(seed: int, days: int = DAYS, violent_day: date = VIOLENT_DAY) -> list[dict[str, Any]]:
    """``days`` of USA-CHN and RUS-UKR events; RUS-UKR turns violent on ``violent_day`` and stays so."""
    rng = random.Random(seed)
    out = []
    for d in range(days):
        day = START + timedelta(days=d)
        for a, b in ((USA, CHN), (RUS, UKR)):
            for _ in range(rng.randint(2, 8)):
                src, tgt = (a, b) if rng.random() < 0.5 else (b, a)
                out.append({"date": day, "source": src, "target": tgt, "cameo": rng.choice(EVERYDAY)})
        if day >= violent_day:
            for _ in range(rng.randint(6, 10)):
                out.append({"date": day, "source": RUS, "target": UKR, "cameo": rng.choice(VIOLENCE)})
    return out


@pytest.fixture(scope="module", params=[0, 1, 2, 3, 4])
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = Path(tmp_path_factory.mktemp("alerts")) / f"stream{request.param}.duckdb"
    return str(build_events_db(path, stream(request.param)))


@pytest.mark.parametrize("method", ["zscore", "cusum"])
def test_violent_dyad_alerts_on_the_day_and_steady_dyad_never(db: str, method: str) -> None:
    found = alerts(db, method=method)
    assert found, "no alert at all"
    assert {a.dyad for a in found} == {("RUS", "UKR")}, "the steady USA-CHN dyad raised an alert"
    first = min(a.period for a in found)
    assert first == VIOLENT_DAY  # within one period of the turn
    alert = next(a for a in found if a.period == first)
    assert alert.n_events >= default_config().alerts.min_events
    assert alert.drivers and all(d.cameo in VIOLENCE for d in alert.drivers[:5])
    assert alert.drivers[0].goldstein == -10.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_weekly_alert_in_the_week_of_the_turn(seed: int, tmp_path: Path) -> None:
    violent_day = START + timedelta(days=156)  # a Sunday: one violent day is enough for its week
    db = str(build_events_db(tmp_path / "weeks.duckdb", stream(seed, days=180, violent_day=violent_day)))
    found = alerts(db, period="week")
    assert {a.dyad for a in found} == {("RUS", "UKR")}
    monday = violent_day - timedelta(days=violent_day.weekday())
    assert min(a.period for a in found) == monday


def test_since_limits_reported_periods_but_keeps_the_baseline(db: str) -> None:
    found = alerts(db, since=VIOLENT_DAY, until=VIOLENT_DAY)
    assert [(a.dyad, a.period) for a in found] == [(("RUS", "UKR"), VIOLENT_DAY)]
    assert alerts(db, since=START, until=VIOLENT_DAY - timedelta(days=1)) == []


def test_check_alerts_reports_the_latest_period(db: str) -> None:
    # The latest day is well into the violence: the baseline has caught up, so no alert is due then...
    assert all(a.period == START + timedelta(days=DAYS - 1) for a in check_alerts(db))
    # ...but asked from the turn on, it is there.
    assert any(a.period == VIOLENT_DAY for a in check_alerts(db, since=VIOLENT_DAY))


def test_volume_guard_needs_min_events(tmp_path: Path) -> None:
    events = [
        {"date": START + timedelta(days=d), "source": USA, "target": CHN, "cameo": "040"} for d in range(20)
    ]
    burst = START + timedelta(days=20)
    events += [{"date": burst, "source": USA, "target": CHN, "cameo": "190"}] * 2
    db = str(build_events_db(tmp_path / "burst.duckdb", events))
    assert alerts(db) == []  # two events: below the default guard of three
    assert [a.period for a in alerts(db, min_events=2)] == [burst]


def test_one_ordinary_event_on_a_quiet_dyad_does_not_alert(tmp_path: Path) -> None:
    events = [
        {"date": START + timedelta(days=d), "source": USA, "target": CHN, "cameo": "040"} for d in range(20)
    ]
    events.append({"date": START + timedelta(days=20), "source": USA, "target": CHN, "cameo": "111"})
    db = str(build_events_db(tmp_path / "one.duckdb", events))
    assert alerts(db, min_events=1) == []  # the std floor: -2 Goldstein over a zero baseline is noise


def test_unknown_method_is_a_clear_error(tmp_path: Path) -> None:
    db = str(build_sample_db(tmp_path / "s.duckdb"))
    with pytest.raises(ValueError, match="unknown alert method 'magic'"):
        alerts(db, method="magic")


def test_check_alerts_takes_a_store(db: str) -> None:
    store_module = pytest.importorskip("eventwatch.store")
    store = store_module.Store(db, read_only=True)
    found = check_alerts(store, since=VIOLENT_DAY)
    assert found and found[-1].period == VIOLENT_DAY and found[-1].dyad == ("RUS", "UKR")
