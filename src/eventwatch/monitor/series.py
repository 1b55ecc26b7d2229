"""Dyadic time series: what one actor pair did to each other, period by period.

Counts are by QuadClass (verbal/material cooperation/conflict) and CAMEO root, with the Goldstein sum and
mean. Deduplicated events are counted by default; ``unit="mentions"`` counts every article mention
instead (a measure of coverage rather than of happenings). Periods with nothing in them are present
with zeros, so a chart or a detector sees quiet days as quiet rather than missing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from eventwatch.monitor.config import PERIODS, UNITS, default_config
from eventwatch.monitor.db import Source, actor_match, as_date, check_periods, pair_ids, period_range, reading


@dataclass(slots=True)
class SeriesPoint:
    period: date
    count: int = 0
    verbal_cooperation: int = 0
    material_cooperation: int = 0
    verbal_conflict: int = 0
    material_conflict: int = 0
    goldstein_sum: float = 0.0
    roots: dict[str, int] = field(default_factory=dict)

    @property
    def cooperation(self) -> int:
        return self.verbal_cooperation + self.material_cooperation

    @property
    def conflict(self) -> int:
        return self.verbal_conflict + self.material_conflict

    @property
    def goldstein_mean(self) -> float | None:
        return round(self.goldstein_sum / self.count, 3) if self.count else None

    def to_dict(self) -> dict[str, Any]:
        # Field by field: dataclasses.asdict deep-copies every roots dict, the bulk of a long series' cost.
        out: dict[str, Any] = {f.name: getattr(self, f.name) for f in _POINT_FIELDS}
        out["period"] = self.period.isoformat()
        out["goldstein_sum"] = round(self.goldstein_sum, 3)
        out["roots"] = dict(self.roots)
        out["cooperation"] = self.cooperation
        out["conflict"] = self.conflict
        out["goldstein_mean"] = self.goldstein_mean
        return out


_POINT_FIELDS = fields(SeriesPoint)


@dataclass(slots=True)
class Series:
    source: str
    target: str
    directed: bool
    period: str
    unit: str
    points: list[SeriesPoint]

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "directed": self.directed,
            "period": self.period,
            "unit": self.unit,
            "points": [p.to_dict() for p in self.points],
        }


_QUAD_FIELDS = {
    1: "verbal_cooperation",
    2: "material_cooperation",
    3: "verbal_conflict",
    4: "material_conflict",
}


def _period_query(period: str, where: list[str]) -> str:
    """One row per period of the dyad-day counts matching ``where``: the count, the count per QuadClass,
    the Goldstein sum, the first and last day, and the counts per CAMEO root as JSON members ('"14":2,"19":5').

    Periods are bucketed in SQL (date_trunc weeks start on Monday, like period_range's), and the roots of
    a period folded into one value, so a year of days is 366 rows rather than one per day and root."""
    quads = ", ".join(f"sum(n) FILTER (WHERE quad_class = {quad}) AS q{quad}" for quad in _QUAD_FIELDS)
    # A timestamp without a time zone: PostgreSQL would truncate a date as a timestamptz, zone and all.
    # A root as a JSON string ("19"), so Python reads a period's roots as one JSON object, in C.
    root_json = """'"' || replace(replace(cameo_root, '\\', '\\\\'), '"', '\\"') || '"'"""
    totals = ", ".join(f"CAST(coalesce(sum(q{quad}), 0) AS BIGINT)" for quad in _QUAD_FIELDS)
    bucket = "date" if period == "day" else f"CAST(date_trunc('{period}', CAST(date AS TIMESTAMP)) AS DATE)"
    return f"""
        SELECT p, CAST(sum(n) AS BIGINT), {totals},
               sum(g), min(lo), max(hi),
               string_agg({root_json} || ':' || CAST(n AS VARCHAR), ',') FILTER (WHERE cameo_root <> '')
        FROM (
            SELECT {bucket} AS p, cameo_root, sum(n) AS n,
                   {quads},
                   sum(goldstein) AS g, min(date) AS lo, max(date) AS hi
            FROM dyad_days WHERE {" AND ".join(where)} GROUP BY 1, 2
        ) roots
        GROUP BY p
    """


def dyad_condition(source: str, target: str, directed: bool) -> tuple[str, list[str]]:
    """SQL selecting rows between ``source`` and ``target`` (either way round unless ``directed``)."""
    s_src, p_src = actor_match("source", source)
    t_tgt, p_tgt = actor_match("target", target)
    forward = f"({s_src} AND {t_tgt})"
    if directed:
        return forward, p_src + p_tgt
    s_tgt, p_stgt = actor_match("source", target)
    t_src, p_tsrc = actor_match("target", source)
    return f"({forward} OR ({s_tgt} AND {t_src}))", p_src + p_tgt + p_stgt + p_tsrc


def series(
    db: Source,
    source: str,
    target: str,
    *,
    period: str | None = None,
    directed: bool = False,
    unit: str | None = None,
    start: date | str | None = None,
    end: date | str | None = None,
    max_periods: int | None = None,
) -> Series:
    """The time series of events between two actors (a country like ``RUS`` or a code like ``RUSMIL``).

    Every period from ``start`` (or the dyad's first event) to ``end`` (or its last) is present; a series
    of more than ``max_periods`` periods (default: ``series.max_periods`` in ``data/monitor.yaml``) is
    refused with a ValueError before anything is read.

    >>> s = series("events.duckdb", "RUS", "UKR", period="week")
    >>> [(p.period, p.conflict, p.goldstein_sum) for p in s.points]
    """
    config = default_config()
    period = period or config.series_period
    unit = unit or config.series_unit
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r} (choose from {', '.join(PERIODS)})")
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r} (choose from {', '.join(UNITS)})")
    if not source or not target:
        raise ValueError("a dyad needs both a source and a target actor")
    start_date, end_date = as_date(start), as_date(end)
    limit = config.max_periods if max_periods is None else max_periods
    if start_date and end_date:
        check_periods(start_date, end_date, period, limit, "a series")
    condition, params = dyad_condition(source, target, directed)
    days, day_params = ["unit = ?", "n <> 0"], [unit]
    if start_date:
        days.append("date >= ?")
        day_params.append(start_date)
    if end_date:
        days.append("date <= ?")
        day_params.append(end_date)
    rows: list[tuple[Any, ...]] = []
    with reading(db) as con:
        # The writers' dyad-day counts (store.counts): the pairs the actors match, then those pairs' days.
        pairs = pair_ids(con, condition, params)
        if pairs:
            rows = con.execute(_period_query(period, [*days, pairs]), day_params).fetchall()
    points: dict[date, SeriesPoint] = {}
    for p, n, q1, q2, q3, q4, g, _, _, roots in rows:
        points[p] = SeriesPoint(p, n, q1, q2, q3, q4, g, json.loads("{" + roots + "}") if roots else {})
    first = start_date or min((r[7] for r in rows), default=None)
    last = end_date or max((r[8] for r in rows), default=None)
    if first and last:
        check_periods(first, last, period, limit, "a series")
    starts = period_range(first, last, period) if first and last else []
    filled = [points.get(p, SeriesPoint(period=p)) for p in starts]
    for point in filled:
        point.roots = dict(sorted(point.roots.items()))
    return Series(source.upper(), target.upper(), directed, period, unit, filled)
