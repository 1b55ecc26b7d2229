"""Read access for the API and dashboard: filtered event pages, one event with its evidence, one article.

Pages use keyset cursors (newest first, then event id), so paging stays fast and stable while new
events are being ingested — an offset would skip or repeat rows when the table grows between requests.
The page query sorts on the plain ``date`` column (undated events, which the writer never makes but an
imported table may hold, come last, by id): PostgreSQL reads it from its ``events_newest`` index and
DuckDB prunes by the column's min/max statistics, so neither sorts the whole table. A filtered page is
read back in date windows (``_newest``), so a filter that matches few events reads their months, not
the table, to fill a page.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from eventwatch.monitor.db import (
    Source,
    UncountedStore,
    actor_match,
    as_date,
    code_prefix,
    pair_ids,
    reading,
    rows_as_dicts,
)

EVENT_COLUMNS = (
    "event_id, date, source_code, source_country, source_name, target_code, target_country, target_name, "
    "cameo, cameo_base, cameo_root, quad_class, goldstein, plover, num_mentions, num_sources, num_articles, "
    "confidence, location_name, location_country, lat, lon, source_url, first_seen, last_seen"
)
NEWEST = "date DESC NULLS LAST, event_id"  # the listing's order (PostgreSQL's events_newest index)
ROLES = ("trigger", "source", "target")
# The date windows a filtered page reads (browse._newest): a few days, then a month, then twice as long each.
FIRST_WINDOW_DAYS, RARE_WINDOW_DAYS = 2, 32


@dataclass(frozen=True, slots=True)
class EventFilters:
    """The filters of ``eventwatch events`` and GET /events; None means no filter."""

    start: date | str | None = None
    end: date | str | None = None
    source: str | None = None
    target: str | None = None
    cameo: str | None = None  # a code prefix: "19" is every FIGHT event, "190" only its base code
    plover: str | None = None
    country: str | None = None  # either actor's country or the event's location

    def sql(self) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if (s := as_date(self.start)) is not None:
            where.append("date >= ?")
            params.append(s)
        if (e := as_date(self.end)) is not None:
            where.append("date <= ?")
            params.append(e)
        for side, spec in (("source", self.source), ("target", self.target)):
            if spec:
                sql, p = actor_match(side, spec)
                where.append(sql)
                params += p
        if self.cameo:
            sql, cameo = code_prefix("cameo", self.cameo.strip())
            where.append(sql)
            params += cameo
        if self.plover:
            where.append("upper(plover) = ?")
            params.append(self.plover.strip().upper())
        if self.country:
            where.append("(source_country = ? OR target_country = ? OR location_country = ?)")
            params += [self.country.strip().upper()] * 3
        return where, params


@dataclass(slots=True)
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None
    limit: int


class BadCursor(ValueError):
    pass


def encode_cursor(day: date | None, event_id: str) -> str:
    raw = json.dumps([day.isoformat() if day else None, event_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[date | None, str]:
    """The (date, event id) a page ended at; a None date is in the undated tail."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        day, event_id = json.loads(raw)
        return (date.fromisoformat(day) if day else None), str(event_id)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise BadCursor(f"bad cursor {cursor[:40]!r}: pass the next_cursor of a previous page") from None


def list_events(
    db: Source, filters: EventFilters | None = None, *, limit: int = 50, cursor: str | None = None
) -> Page:
    """One page of events matching ``filters``, newest first; pass ``next_cursor`` back for the next."""
    filters = filters or EventFilters()
    where, params = filters.sql()
    day, after = decode_cursor(cursor) if cursor else (None, None)
    rows: list[dict[str, Any]] = []
    with reading(db) as con:
        if not (cursor and day is None):  # dated events first, unless the cursor is past them
            cut = ["date <= ? AND (date < ? OR event_id > ?)"] if cursor else []
            cut_params = [day, day, after] if cursor else []
            if where or con.dialect == "duckdb":  # read back window by window (``_newest``)
                # DuckDB: unfiltered too. A window is a date range its min/max statistics stop at; a
                # cursor's "date < ? OR event_id > ?" alone is not (a page 2 read every row group's dates).
                bounds = (as_date(filters.start), as_date(filters.end))
                try:
                    reach = _counted_reach(con, filters, day, limit + 1)
                except UncountedStore:  # a store not yet migrated: read back without the counts
                    reach = None
                rows = _newest(con, where + cut, params + cut_params, limit + 1, day, bounds, reach)
            else:  # every event qualifies: PostgreSQL's events_newest index stops at the page
                rows = _page(con, cut or ["date IS NOT NULL"], cut_params, limit + 1)
        if len(rows) <= limit:  # the dated events are exhausted: the undated ones, by id
            undated = ["date IS NULL"] + (["event_id > ?"] if cursor and day is None else [])
            tail_params = params + ([after] if cursor and day is None else [])
            rows += _page(con, where + undated, tail_params, limit + 1 - len(rows))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1]["date"], rows[-1]["event_id"]) if more and rows else None
    return Page(items=rows, next_cursor=next_cursor, limit=limit)


def _counted_reach(con: Any, filters: EventFilters, before: date | None, want: int) -> tuple[date | None, bool] | None:
    """How far back the ``want`` newest events matching the actor filters (and CAMEO root) reach, from
    the writers' dyad-day counts (``store.counts``): (that day, whether fewer than ``want`` exist at all).
    None without an actor filter. The counts match a superset of the filters (a root for a CAMEO code,
    no PLOVER or location), so the day is where to start looking, and "fewer" is certain."""
    sides = [actor_match(side, spec) for side, spec in (("source", filters.source), ("target", filters.target)) if spec]
    if not sides:
        return None
    pairs = pair_ids(con, " AND ".join(sql for sql, _ in sides), [p for _, side in sides for p in side])
    if pairs is None:
        return None, True
    where, params = ["unit = 'events'", "n <> 0", pairs], []
    if filters.cameo:
        sql, root = code_prefix("cameo_root", filters.cameo.strip()[:2])
        where.append(sql)
        params += root
    for bound, op in ((as_date(filters.start), ">="), (as_date(filters.end), "<="), (before, "<=")):
        if bound is not None:
            where.append(f"date {op} ?")
            params.append(bound)
    days = con.execute(
        f"SELECT date, sum(n) FROM dyad_days WHERE {' AND '.join(where)} GROUP BY date ORDER BY date DESC LIMIT ?",
        [*params, want],
    ).fetchall()
    total = 0
    for day, n in days:
        total += n
        if total >= want:
            return day, False
    return (days[-1][0] if days else None), True


def _newest(
    con: Any,
    where: list[str],
    params: list[Any],
    want: int,
    before: date | None,
    bounds: tuple[date | None, ...],
    reach: tuple[date | None, bool] | None = None,
) -> list[dict[str, Any]]:
    """The ``want`` newest dated rows matching ``where``, read in date windows back from the newest day.

    The first window is a few days: a page of common events is found there, reading only those days
    (PostgreSQL's index scan and DuckDB's min/max pruning both stop at the window). If it does not fill
    the page the filter is a rare one, and the next windows are a month, then twice as long each time,
    found through the filter columns' own indexes (``_by_filter_index``), so a rare dyad reads its own
    rows rather than every row of its months. The windows are disjoint and taken newest first, so the
    rows are those (and in the order) one query over every date would give.

    With the ``reach`` of the filters' actors in the dyad-day counts (``_counted_reach``), the first
    window goes back that far, and is the last when the counts hold fewer than ``want`` events."""
    if reach is not None and reach[0] is None:  # the counts hold no event of these actors
        return []
    first, last = con.execute("SELECT min(date), max(date) FROM events").fetchone()
    start, end = bounds
    first = max(first, start) if first and start else first
    for cap in (end, before):
        last = min(last, cap) if last and cap else last
    rows: list[dict[str, Any]] = []
    span, upper = FIRST_WINDOW_DAYS, last
    if reach is not None and upper is not None and reach[0] is not None:
        span = max(span, (upper - reach[0]).days + 1)
    while upper is not None and first is not None and upper >= first and len(rows) < want:
        lower = _days_before(upper, span - 1)
        window = (["date >= ?"], [lower]) if lower is not None and lower > first else ([], [])
        with _by_filter_index(con, rare=span > FIRST_WINDOW_DAYS):
            rows += _page(con, where + ["date <= ?", *window[0]], [*params, upper, *window[1]], want - len(rows))
        if not window[0] or (reach is not None and reach[1]):  # (every match of the counts was in it)
            break
        upper, span = _days_before(lower, 1), max(span * 2, RARE_WINDOW_DAYS)
    return rows


@contextmanager
def _by_filter_index(con: Any, rare: bool) -> Iterator[None]:
    """PostgreSQL, for a rare filter: find a window's rows through the filter columns' ``(column, date)``
    indexes (schema migration 3).

    On a table stored in date order the planner prefers walking the date index over the whole window,
    testing every row (its cost model prices a test at next to nothing); for a rare dyad or CAMEO prefix
    that reads ten times the rows a bitmap of the filter's own indexes does."""
    if not rare or getattr(con, "dialect", None) != "postgresql":
        yield
        return
    con.execute("SET LOCAL enable_indexscan = off")
    yield  # (after an error the transaction is over, and the setting with it)
    con.execute("SET LOCAL enable_indexscan = on")


def _days_before(day: date, days: int) -> date | None:
    try:
        return day - timedelta(days=days)
    except OverflowError:
        return None


def _page(con: Any, where: list[str], params: list[Any], limit: int) -> list[dict[str, Any]]:
    query = f"SELECT {EVENT_COLUMNS} FROM events WHERE {' AND '.join(where)} ORDER BY {NEWEST} LIMIT ?"
    return rows_as_dicts(con.execute(query, [*params, limit]))


def event_detail(db: Source, event_id: str) -> dict[str, Any] | None:
    """The event with all its mentions, each with its sentence and the evidence spans inside it."""
    with reading(db) as con:
        rows = rows_as_dicts(con.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE event_id = ?", [event_id]))
        if not rows:
            return None
        event = rows[0]
        mentions = rows_as_dicts(
            con.execute(
                """
                SELECT m.*, a.title AS article_title, a.source AS article_source
                FROM mentions m LEFT JOIN articles a USING (article_id)
                WHERE m.event_id = ? ORDER BY m.date, m.article_id, m.sentence_index
                """,
                [event_id],
            )
        )
    for m in mentions:
        m["spans"] = sentence_spans(m)
    event["mentions"] = mentions
    return event


def sentence_spans(mention: dict[str, Any]) -> list[dict[str, Any]]:
    """Trigger and actor spans of a mention, as offsets into its sentence (dropped if out of range)."""
    base = mention.get("sentence_start") or 0
    length = len(mention.get("sentence") or "")
    spans = []
    for role in ROLES:
        start, end = mention.get(f"{role}_start"), mention.get(f"{role}_end")
        if start is None or end is None:
            continue
        start, end = start - base, end - base
        if 0 <= start < end <= length:
            spans.append({"role": role, "start": start, "end": end})
    return spans


def article(db: Source, article_id: str) -> dict[str, Any] | None:
    """An article's text with every evidence span (trigger, source, target) of its mentions."""
    with reading(db) as con:
        rows = rows_as_dicts(
            con.execute(
                "SELECT article_id, url, title, source, date, text, ingested_at, n_sentences, n_events "
                "FROM articles WHERE article_id = ?",
                [article_id],
            )
        )
        if not rows:
            return None
        art = rows[0]
        length = len(art["text"] or "")
        mentions = rows_as_dicts(
            con.execute(
                "SELECT mention_id, event_id, cameo, trigger_start, trigger_end, source_start, source_end, "
                "target_start, target_end FROM mentions WHERE article_id = ? ORDER BY trigger_start",
                [article_id],
            )
        )
    spans = []
    for m in mentions:
        for role in ROLES:
            start, end = m[f"{role}_start"], m[f"{role}_end"]
            if start is not None and end is not None and 0 <= start < end <= length:
                spans.append(
                    {"mention_id": m["mention_id"], "event_id": m["event_id"], "cameo": m["cameo"],
                     "role": role, "start": start, "end": end}
                )
    art["spans"] = spans
    return art
