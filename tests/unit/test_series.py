"""Dyadic series and the actor network over the annotated sample database, once per backend."""

from __future__ import annotations

from datetime import date

import pytest

from eventwatch.monitor import actors, dyads, series
from fixtures.monitor.monitor_db import build_sample_db


@pytest.fixture(scope="module")
def db(module_store_location: str) -> str:
    return build_sample_db(module_store_location)


def test_daily_series_is_dense_and_counts_quad_classes(db: str) -> None:
    s = series(db, "USA", "RUS", period="day")
    assert [p.period for p in s.points][0] == date(2022, 1, 20)
    assert len(s.points) == 10  # 20th to 29th, quiet days included as zeros
    by_day = {p.period.isoformat(): p for p in s.points}
    assert by_day["2022-01-22"].count == 0 and by_day["2022-01-22"].goldstein_mean is None
    jan21 = by_day["2022-01-21"]
    assert (jan21.verbal_cooperation, jan21.verbal_conflict, jan21.roots) == (1, 1, {"04": 1, "11": 1})
    assert jan21.goldstein_sum == pytest.approx(5.0)
    jan29 = by_day["2022-01-29"]
    assert (jan29.conflict, jan29.material_conflict, jan29.goldstein_sum) == (2, 1, pytest.approx(-10.0))
    assert sum(p.count for p in s.points) == 7


def test_directed_series_keeps_one_direction(db: str) -> None:
    forward = series(db, "USA", "RUS", directed=True)
    backward = series(db, "RUS", "USA", directed=True)
    assert sum(p.count for p in forward.points) == 5
    assert sum(p.count for p in backward.points) == 2


def test_full_actor_codes_and_igos(db: str) -> None:
    assert sum(p.count for p in series(db, "RUSMIL", "UKR").points) == 4
    assert sum(p.count for p in series(db, "RUSGOV", "UKR").points) == 0
    assert sum(p.count for p in series(db, "IGOWSTNAT", "RUS").points) == 2


def test_mentions_count_every_article(db: str) -> None:
    events = series(db, "USA", "RUS", unit="events")
    mentions = series(db, "USA", "RUS", unit="mentions")
    assert sum(p.count for p in mentions.points) == sum(p.count for p in events.points) + 1  # e02 twice


def test_weeks_and_months(db: str) -> None:
    weeks = series(db, "USA", "RUS", period="week")
    assert [p.period for p in weeks.points] == [date(2022, 1, 17), date(2022, 1, 24)]  # Mondays
    months = series(db, "USA", "RUS", period="month", start="2021-12-15", end="2022-02-02")
    assert [p.period for p in months.points] == [date(2021, 12, 1), date(2022, 1, 1), date(2022, 2, 1)]
    assert [p.count for p in months.points] == [0, 7, 0]


def test_bad_arguments_say_what_to_do(db: str) -> None:
    with pytest.raises(ValueError, match="choose from day, week, month"):
        series(db, "USA", "RUS", period="year")
    with pytest.raises(ValueError, match="expected YYYY-MM-DD"):
        series(db, "USA", "RUS", start="last tuesday")


def test_top_dyads_and_actors(db: str) -> None:
    top = dyads(db)
    assert [(d.source, d.target, d.n_events) for d in top] == [
        ("RUS", "USA", 7),
        ("RUS", "UKR", 4),
        ("IGOWSTNAT", "RUS", 2),
    ]
    assert top[1].net_cooperation == -4
    by_code = actors(db, by="code", limit=2)
    assert [(a.actor, a.n_events, a.as_source, a.as_target) for a in by_code] == [
        ("RUSGOV", 9, 3, 6),
        ("USAGOV", 7, 5, 2),
    ]
    assert dyads(db, start="2022-01-28", end="2022-01-28")[0].n_events == 2
