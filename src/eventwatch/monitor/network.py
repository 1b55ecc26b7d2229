"""Actor network: the most active actors and dyads in a period, with their net cooperation.

Net cooperation is cooperative minus conflictual events (QuadClass 1-2 minus 3-4); the Goldstein sum is
given beside it as the intensity-weighted view of the same thing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from eventwatch.monitor.config import LEVELS, default_config
from eventwatch.monitor.db import Source, actor_key, as_date, reading, rows_as_dicts


@dataclass(slots=True)
class ActorActivity:
    actor: str
    name: str | None
    n_events: int
    as_source: int
    as_target: int
    cooperation: int
    conflict: int
    net_cooperation: int
    goldstein_sum: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class DyadActivity:
    source: str
    target: str
    directed: bool
    n_events: int
    cooperation: int
    conflict: int
    net_cooperation: int
    goldstein_sum: float
    goldstein_mean: float | None
    first_date: date | None
    last_date: date | None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("first_date", "last_date"):
            out[key] = out[key].isoformat() if out[key] else None
        return out


def _window(start: date | str | None, end: date | str | None) -> tuple[list[str], list[Any]]:
    where, params = ["date IS NOT NULL"], []
    if (s := as_date(start)) is not None:
        where.append("date >= ?")
        params.append(s)
    if (e := as_date(end)) is not None:
        where.append("date <= ?")
        params.append(e)
    return where, params


def _check(by: str, limit: int) -> None:
    if by not in LEVELS:
        raise ValueError(f"unknown actor level {by!r} (choose from {', '.join(LEVELS)})")
    if limit < 1:
        raise ValueError("limit must be at least 1")


def dyads(
    db: Source,
    *,
    start: date | str | None = None,
    end: date | str | None = None,
    by: str = "country",
    directed: bool = False,
    limit: int | None = None,
) -> list[DyadActivity]:
    """The busiest actor pairs between ``start`` and ``end``, most events first.

    >>> [(d.source, d.target, d.n_events, d.net_cooperation) for d in dyads("events.duckdb", limit=5)]
    """
    limit = limit or default_config().network_limit
    _check(by, limit)
    src, tgt = actor_key("source", by), actor_key("target", by)
    a, b = (src, tgt) if directed else (f"least({src}, {tgt})", f"greatest({src}, {tgt})")
    where, params = _window(start, end)
    where += [f"{src} IS NOT NULL", f"{tgt} IS NOT NULL"]
    query = f"""
        SELECT {a} AS source, {b} AS target, count(*) AS n_events,
               count(*) FILTER (WHERE quad_class <= 2) AS cooperation,
               count(*) FILTER (WHERE quad_class >= 3) AS conflict,
               coalesce(sum(goldstein), 0) AS goldstein_sum,
               avg(goldstein) AS goldstein_mean,
               min(date) AS first_date, max(date) AS last_date
        FROM events WHERE {" AND ".join(where)}
        GROUP BY 1, 2 ORDER BY 3 DESC, {{order_a}}, {{order_b}} LIMIT ?
    """
    with reading(db) as con:
        ordered = query.format(order_a=con.binary(a), order_b=con.binary(b))
        rows = rows_as_dicts(con.execute(ordered, [*params, limit]))
    return [
        DyadActivity(directed=directed, net_cooperation=r["cooperation"] - r["conflict"], **_rounded(r)) for r in rows
    ]


def _rounded(row: dict[str, Any]) -> dict[str, Any]:
    """Goldstein figures to 3 decimals (in Python: PostgreSQL rounds only numerics)."""
    return {k: round(v, 3) if k.startswith("goldstein") and v is not None else v for k, v in row.items()}


def actors(
    db: Source,
    *,
    start: date | str | None = None,
    end: date | str | None = None,
    by: str = "country",
    limit: int | None = None,
) -> list[ActorActivity]:
    """The most active actors (as source or target) between ``start`` and ``end``, most events first.

    >>> [(a.actor, a.n_events, a.net_cooperation) for a in actors("events.duckdb", by="code", limit=10)]
    """
    limit = limit or default_config().network_limit
    _check(by, limit)
    where, params = _window(start, end)
    sides = []
    for side in ("source", "target"):
        key = actor_key(side, by)
        name = f"{side}_name" if by == "code" else "NULL"
        sides.append(
            f"SELECT {key} AS actor, {name} AS name, '{side}' AS side, quad_class, goldstein "
            f"FROM events WHERE {' AND '.join(where)} AND {key} IS NOT NULL"
        )
    query = f"""
        SELECT actor, min(name) AS name, count(*) AS n_events,
               count(*) FILTER (WHERE side = 'source') AS as_source,
               count(*) FILTER (WHERE side = 'target') AS as_target,
               count(*) FILTER (WHERE quad_class <= 2) AS cooperation,
               count(*) FILTER (WHERE quad_class >= 3) AS conflict,
               coalesce(sum(goldstein), 0) AS goldstein_sum
        FROM ({sides[0]} UNION ALL {sides[1]}) AS sides
        GROUP BY actor ORDER BY n_events DESC, {{order}} LIMIT ?
    """
    with reading(db) as con:
        rows = rows_as_dicts(con.execute(query.format(order=con.binary("actor")), [*params, *params, limit]))
    return [ActorActivity(net_cooperation=r["cooperation"] - r["conflict"], **_rounded(r)) for r in rows]
