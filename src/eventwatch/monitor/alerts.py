"""Escalation alerts: dyads whose conflict intensity rises well above their own recent baseline.

Method (defaults in ``data/monitor.yaml``, every value overridable):

1. Events are grouped into undirected dyads (by country, IGOs keeping their code; or by full actor code)
   and periods (day, week or month). Every period of the window is present, quiet ones as zero.
2. Each dyad-period gets a conflict intensity: the negative Goldstein mass (sum of |Goldstein| of its
   negative events), the material-conflict share, or the count of conflict events.
3. The baseline of a period is the ``baseline_periods`` periods before it (at least
   ``min_baseline_periods``). Its standard deviation is floored per metric (``min_std``) and relative to
   its mean (``min_std_relative``), so a dyad that was perfectly steady does not alert on one ordinary
   event. A partial first week or month (the data starting mid-period) is left out of the baseline.
4. ``zscore``: alert when (value - baseline mean) / std >= threshold. ``cusum``: accumulate
   S = max(0, S + z - k) and alert when S > h (then restart), which catches slower sustained rises.
5. Volume guard: a period with fewer than ``min_events`` dyad events never alerts, and dyads with fewer than
   ``min_dyad_events`` in the whole window are not scored.

Each alert lists the events that drove it: the dyad's events of that period, most negative Goldstein first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from itertools import accumulate
from typing import Any, NamedTuple

from eventwatch.monitor.config import AlertConfig, default_config
from eventwatch.monitor.db import (
    Source,
    actor_key,
    as_date,
    check_periods,
    next_period,
    period_range,
    period_start,
    previous_period,
    reading,
    rows_as_dicts,
)


@dataclass(slots=True)
class Driver:
    """One event behind an alert."""

    event_id: str
    date: dt.date | None  # dt.date: the field named `date` would shadow the type for pydantic
    source_code: str | None
    source_name: str | None
    target_code: str | None
    target_name: str | None
    cameo: str | None
    quad_class: int | None
    goldstein: float | None
    num_mentions: int | None
    source_url: str | None

    def to_dict(self) -> dict[str, Any]:
        out = {name: getattr(self, name) for name in _DRIVER_FIELDS}
        out["date"] = self.date.isoformat() if self.date else None
        return out


_DRIVER_FIELDS = tuple(f.name for f in fields(Driver))


@dataclass(slots=True)
class Alert:
    actor_a: str
    actor_b: str
    period: date
    period_end: date  # the first day after the period
    metric: str
    method: str
    value: float
    baseline_mean: float
    baseline_std: float
    score: float
    n_events: int
    n_conflict: int
    goldstein_sum: float
    drivers: list[Driver] = field(default_factory=list)

    @property
    def dyad(self) -> tuple[str, str]:
        return self.actor_a, self.actor_b

    def to_dict(self) -> dict[str, Any]:
        # Field by field, not dataclasses.asdict: its deep copy took a quarter of an alert scan's time.
        out = {name: getattr(self, name) for name in _ALERT_FIELDS}
        out["period"] = self.period.isoformat()
        out["period_end"] = self.period_end.isoformat()
        out["drivers"] = [d.to_dict() for d in self.drivers]
        return out


_ALERT_FIELDS = tuple(f.name for f in fields(Alert) if f.name != "drivers")


def alerts(
    db: Source,
    *,
    since: date | str | None = None,
    until: date | str | None = None,
    config: AlertConfig | None = None,
    limit: int | None = None,
    max_periods: int | None = None,
    **overrides: Any,
) -> list[Alert]:
    """Escalation alerts for periods starting on or after ``since`` (and on or before ``until``).

    Keyword overrides replace fields of the configured method (``metric``, ``method``, ``period``, ``by``,
    ``min_events``, ``z_threshold``, ...). Alerts come newest first, strongest first within a period;
    ``limit`` keeps the first so many. The scan covers the stored events within since..until (and the
    baseline before ``since``); one of more than ``max_periods`` periods (default: ``series.max_periods``
    in ``data/monitor.yaml``) is refused with a ValueError.

    >>> for a in alerts("events.duckdb", since="2022-02-20"):
    ...     print(a.period, a.actor_a, a.actor_b, round(a.score, 1), [d.cameo for d in a.drivers])
    """
    cfg = (config or default_config().alerts).with_overrides(**overrides)
    since_d, until_d = as_date(since), as_date(until)
    limits = _Limits(limit, default_config().max_periods if max_periods is None else max_periods)
    with reading(db) as con:
        return _alerts(con, cfg, since_d, until_d, limits)


@dataclass(frozen=True, slots=True)
class _Limits:
    alerts: int | None = None  # alerts returned (with their drivers)
    periods: int | None = None  # periods scanned


def _alerts(
    con: Any, cfg: AlertConfig, since_d: date | None, until_d: date | None, limits: _Limits = _Limits()
) -> list[Alert]:
    lo = None
    if since_d:
        # Read enough history before ``since`` to form the baseline of its first period.
        lo = period_start(since_d, cfg.period)
        for _ in range(cfg.baseline_periods):
            lo = previous_period(lo, cfg.period) or lo
    table = _dyad_periods(con, cfg, lo, until_d)
    if not table:
        return []
    first = min(r.p for r in table)
    if cfg.period != "day" and lo is None:
        # Data that starts mid-week (or mid-month) would put a short, low period into every baseline.
        first_day = con.execute("SELECT min(date) FROM events").fetchone()[0]
        if first_day is not None and first_day != period_start(first_day, cfg.period):
            first = next_period(first, cfg.period) or first
    # Periods after the last stored event hold no events, and a period without events never alerts.
    last = max(r.p for r in table)
    if until_d:
        last = min(last, period_start(until_d, cfg.period))
    check_periods(first, last, cfg.period, limits.periods, "an alert scan")
    periods = period_range(first, last, cfg.period)
    index = {p: i for i, p in enumerate(periods)}
    by_dyad: dict[tuple[str, str], list[_DyadPeriod]] = {}
    for row in table:
        by_dyad.setdefault((row.a, row.b), []).append(row)

    found: list[Alert] = []
    first_reported = period_start(since_d, cfg.period) if since_d else periods[0]
    for (a, b), rows in by_dyad.items():
        if sum(r.n for r in rows) < cfg.min_dyad_events:
            continue
        counts = [0] * len(periods)
        values = [0.0] * len(periods)
        row_at: dict[int, _DyadPeriod] = {}
        for r in rows:
            i = index.get(r.p)
            if i is not None:
                counts[i] = r.n
                values[i] = _metric(cfg.metric, r)
                row_at[i] = r
        for i, mean, std, score in _scores(values, counts, cfg):
            if periods[i] < first_reported:
                continue
            row = row_at[i]
            found.append(
                Alert(
                    actor_a=a,
                    actor_b=b,
                    period=periods[i],
                    period_end=next_period(periods[i], cfg.period) or date.max,
                    metric=cfg.metric,
                    method=cfg.method,
                    value=round(float(values[i]), 3),
                    baseline_mean=round(mean, 3),
                    baseline_std=round(std, 3),
                    score=round(score, 3),
                    n_events=int(row.n),
                    n_conflict=int(row.conflict),
                    goldstein_sum=round(float(row.g), 3),
                )
            )
    found.sort(key=lambda x: (x.actor_a, x.actor_b))  # ties below in dyad order, whatever the row order
    found.sort(key=lambda x: (x.period, x.score), reverse=True)
    if limits.alerts is not None:
        del found[limits.alerts :]
    drivers = _drivers(con, cfg, found)
    for alert in found:
        alert.drivers = drivers.get((alert.actor_a, alert.actor_b, alert.period), [])
    return found


def check_alerts(
    db: Source,
    *,
    since: date | str | None = None,
    config: AlertConfig | None = None,
    **overrides: Any,
) -> list[Alert]:
    """The alerts a poller should raise now: those of the latest period in the data (or since ``since``).

    Meant to be called after each poll of ``eventwatch watch``; it reads only and keeps no state, so the
    caller decides which alerts are new to it (an alert is identified by dyad, period, metric and method).
    """
    cfg = (config or default_config().alerts).with_overrides(**overrides)
    with reading(db) as con:
        since_d = as_date(since)
        if since_d is None:
            latest = con.execute("SELECT max(date) FROM events").fetchone()[0]
            if latest is None:
                return []
            since_d = period_start(latest, cfg.period)
        return _alerts(con, cfg, since_d, None, _Limits(periods=default_config().max_periods))


def _scores(values: list[float], counts: list[int], cfg: AlertConfig) -> list[tuple[int, float, float, float]]:
    """(index, baseline mean, baseline std, score) of every period that alerts."""
    n = len(values)
    # Running sums make each rolling mean and variance O(1).
    cum = list(accumulate(values, initial=0.0))
    cum2 = list(accumulate((v * v for v in values), initial=0.0))
    floor = cfg.std_floor
    out = []
    s = 0.0
    for t in range(cfg.min_baseline_periods, n):
        lo = max(0, t - cfg.baseline_periods)
        k = t - lo
        mean = (cum[t] - cum[lo]) / k
        var = max((cum2[t] - cum2[lo]) / k - mean * mean, 0.0)
        std = max(var**0.5, floor, cfg.min_std_relative * abs(mean), 1e-9)
        z = (values[t] - mean) / std
        if cfg.method == "cusum":
            s = max(0.0, s + z - cfg.cusum_k)
            fired, score = s > cfg.cusum_h, s
        else:
            fired, score = z >= cfg.z_threshold, z
        if fired and counts[t] >= cfg.min_events:
            out.append((t, float(mean), float(var**0.5), float(score)))
            s = 0.0
    return out


def _metric(metric: str, row: _DyadPeriod) -> float:
    if metric == "negative_goldstein":
        return float(row.neg)
    if metric == "material_conflict_share":
        return row.material / row.n if row.n else 0.0
    return float(row.conflict)


_EPOCH = date(1970, 1, 1)


class _DyadPeriod(NamedTuple):
    """One dyad's totals in one period (a row of ``_dyad_periods``: tuples, as a scan has tens of
    thousands and dicts cost a third of its time)."""

    a: str
    b: str
    p: date
    n: int
    material: int
    conflict: int
    neg: float
    g: float


def _dyad_periods(con: Any, cfg: AlertConfig, lo: date | None, hi: date | None) -> list[_DyadPeriod]:
    src, tgt = actor_key("source", cfg.by), actor_key("target", cfg.by)
    where = ["date IS NOT NULL", f"{src} IS NOT NULL", f"{tgt} IS NOT NULL"]
    params: list[Any] = []
    if lo:
        where.append("date >= ?")
        params.append(lo)
    end = next_period(period_start(hi, cfg.period), cfg.period) if hi else None
    if end:
        where.append("date < ?")
        params.append(end)
    query = f"""
        SELECT least({src}, {tgt}) AS a, greatest({src}, {tgt}) AS b,
               date_trunc('{cfg.period}', date)::DATE - DATE '1970-01-01' AS p,
               count(*) AS n,
               count(*) FILTER (WHERE quad_class = 4) AS material,
               count(*) FILTER (WHERE quad_class >= 3) AS conflict,
               coalesce(sum(CASE WHEN goldstein < 0 THEN -goldstein ELSE 0 END), 0) AS neg,
               coalesce(sum(goldstein), 0) AS g
        FROM events WHERE {" AND ".join(where)}
        GROUP BY 1, 2, 3
    """
    # Periods come as day numbers: turning tens of thousands of DATE values into Python dates took half
    # the time of fetching the rows (under the interpreter lock every other request needs).
    days: dict[int, date] = {}
    rows = []
    for a, b, p, *totals in con.execute(query, params).fetchall():
        day = days.get(p)
        if day is None:
            day = days[p] = _EPOCH + timedelta(days=p)
        rows.append(_DyadPeriod(a, b, day, *totals))
    return rows


def _drivers(con: Any, cfg: AlertConfig, found: list[Alert]) -> dict[tuple[str, str, date], list[Driver]]:
    """The events behind each alert (most negative Goldstein first), in one query for all of them."""
    if not found:
        return {}
    src, tgt = actor_key("source", cfg.by), actor_key("target", cfg.by)
    wanted = ", ".join(["(CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS DATE), CAST(? AS DATE))"] * len(found))
    query = f"""
        WITH wanted(a, b, p, p_end) AS (VALUES {wanted})
        SELECT * FROM (
            SELECT w.a, w.b, w.p,
                   row_number() OVER (
                       PARTITION BY w.a, w.b, w.p
                       ORDER BY e.goldstein ASC NULLS LAST, e.num_mentions DESC NULLS LAST, e.event_id
                   ) AS rank,
                   e.event_id, e.date, e.source_code, e.source_name, e.target_code, e.target_name, e.cameo,
                   e.quad_class, e.goldstein, e.num_mentions, e.source_url
            FROM events e JOIN wanted w
              ON least({src}, {tgt}) = w.a AND greatest({src}, {tgt}) = w.b AND e.date >= w.p AND e.date < w.p_end
        ) ranked
        WHERE rank <= ?
        ORDER BY a, b, p, rank
    """
    params = [v for a in found for v in (a.actor_a, a.actor_b, a.period, a.period_end)] + [cfg.max_drivers]
    drivers: dict[tuple[str, str, date], list[Driver]] = {}
    for row in rows_as_dicts(con.execute(query, params)):
        key = (row.pop("a"), row.pop("b"), as_date(row.pop("p")))
        row.pop("rank")
        drivers.setdefault(key, []).append(Driver(**row))
    return drivers
