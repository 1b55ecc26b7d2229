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
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from eventwatch.monitor.config import AlertConfig, default_config
from eventwatch.monitor.db import (
    Source,
    actor_key,
    as_date,
    next_period,
    period_range,
    period_start,
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
        out = asdict(self)
        out["period"] = self.period.isoformat()
        out["period_end"] = self.period_end.isoformat()
        for d in out["drivers"]:
            d["date"] = d["date"].isoformat() if d["date"] else None
        return out


def alerts(
    db: Source,
    *,
    since: date | str | None = None,
    until: date | str | None = None,
    config: AlertConfig | None = None,
    **overrides: Any,
) -> list[Alert]:
    """Escalation alerts for periods starting on or after ``since`` (and on or before ``until``).

    Keyword overrides replace fields of the configured method (``metric``, ``method``, ``period``, ``by``,
    ``min_events``, ``z_threshold``, ...). Alerts come newest first, strongest first within a period.

    >>> for a in alerts("events.duckdb", since="2022-02-20"):
    ...     print(a.period, a.actor_a, a.actor_b, round(a.score, 1), [d.cameo for d in a.drivers])
    """
    cfg = (config or default_config().alerts).with_overrides(**overrides)
    since_d, until_d = as_date(since), as_date(until)
    with reading(db) as con:
        return _alerts(con, cfg, since_d, until_d)


def _alerts(con: Any, cfg: AlertConfig, since_d: date | None, until_d: date | None) -> list[Alert]:
    lo = None
    if since_d:
        # Read enough history before ``since`` to form the baseline of its first period.
        lo = period_start(since_d, cfg.period)
        for _ in range(cfg.baseline_periods):
            lo = _previous_period(lo, cfg.period)
    table = _dyad_periods(con, cfg, lo, until_d)
    if not table:
        return []
    first = min(r["p"] for r in table)
    if cfg.period != "day" and lo is None:
        # Data that starts mid-week (or mid-month) would put a short, low period into every baseline.
        first_day = con.execute("SELECT min(date) FROM events").fetchone()[0]
        if first_day is not None and first_day != period_start(first_day, cfg.period):
            first = next_period(first, cfg.period)
    last = period_start(until_d, cfg.period) if until_d else max(r["p"] for r in table)
    periods = period_range(first, last, cfg.period)
    index = {p: i for i, p in enumerate(periods)}
    by_dyad: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in table:
        by_dyad.setdefault((row["a"], row["b"]), []).append(row)

    found: list[Alert] = []
    first_reported = period_start(since_d, cfg.period) if since_d else periods[0]
    for (a, b), rows in by_dyad.items():
        if sum(r["n"] for r in rows) < cfg.min_dyad_events:
            continue
        counts = [0] * len(periods)
        values = [0.0] * len(periods)
        for r in rows:
            i = index.get(r["p"])
            if i is not None:
                counts[i] = r["n"]
                values[i] = _metric(cfg.metric, r)
        for i, mean, std, score in _scores(values, counts, cfg):
            if periods[i] < first_reported:
                continue
            row = next(r for r in rows if r["p"] == periods[i])
            found.append(
                Alert(
                    actor_a=a,
                    actor_b=b,
                    period=periods[i],
                    period_end=next_period(periods[i], cfg.period),
                    metric=cfg.metric,
                    method=cfg.method,
                    value=round(float(values[i]), 3),
                    baseline_mean=round(mean, 3),
                    baseline_std=round(std, 3),
                    score=round(score, 3),
                    n_events=int(row["n"]),
                    n_conflict=int(row["conflict"]),
                    goldstein_sum=round(float(row["g"]), 3),
                )
            )
    for alert in found:
        alert.drivers = _drivers(con, cfg, alert)
    found.sort(key=lambda x: (x.actor_a, x.actor_b))  # ties below in dyad order, whatever the row order
    found.sort(key=lambda x: (x.period, x.score), reverse=True)
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
        return _alerts(con, cfg, since_d, None)


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


def _metric(metric: str, row: dict[str, Any]) -> float:
    if metric == "negative_goldstein":
        return float(row["neg"])
    if metric == "material_conflict_share":
        return row["material"] / row["n"] if row["n"] else 0.0
    return float(row["conflict"])


def _dyad_periods(con: Any, cfg: AlertConfig, lo: date | None, hi: date | None) -> list[dict[str, Any]]:
    src, tgt = actor_key("source", cfg.by), actor_key("target", cfg.by)
    where = ["date IS NOT NULL", f"{src} IS NOT NULL", f"{tgt} IS NOT NULL"]
    params: list[Any] = []
    if lo:
        where.append("date >= ?")
        params.append(lo)
    if hi:
        where.append("date < ?")
        params.append(next_period(period_start(hi, cfg.period), cfg.period))
    query = f"""
        SELECT least({src}, {tgt}) AS a, greatest({src}, {tgt}) AS b,
               date_trunc('{cfg.period}', date)::DATE AS p,
               count(*) AS n,
               count(*) FILTER (WHERE quad_class = 4) AS material,
               count(*) FILTER (WHERE quad_class >= 3) AS conflict,
               coalesce(sum(CASE WHEN goldstein < 0 THEN -goldstein ELSE 0 END), 0) AS neg,
               coalesce(sum(goldstein), 0) AS g
        FROM events WHERE {" AND ".join(where)}
        GROUP BY 1, 2, 3
    """
    return rows_as_dicts(con.execute(query, params))


def _drivers(con: Any, cfg: AlertConfig, alert: Alert) -> list[Driver]:
    src, tgt = actor_key("source", cfg.by), actor_key("target", cfg.by)
    query = f"""
        SELECT event_id, date, source_code, source_name, target_code, target_name, cameo, quad_class,
               goldstein, num_mentions, source_url
        FROM events
        WHERE least({src}, {tgt}) = ? AND greatest({src}, {tgt}) = ? AND date >= ? AND date < ?
        ORDER BY goldstein ASC NULLS LAST, num_mentions DESC NULLS LAST, event_id
        LIMIT ?
    """
    params = [alert.actor_a, alert.actor_b, alert.period, alert.period_end, cfg.max_drivers]
    return [Driver(**row) for row in rows_as_dicts(con.execute(query, params))]


def _previous_period(start: date, period: str) -> date:
    return period_start(start - timedelta(days=1), period)
