"""Deduplication: which event mentions report the same real-world event (GDELT's Events/Mentions model).

The rule, exactly (``cluster_sql`` is its reference implementation, run as is by DuckDB and PostgreSQL;
it uses only window functions, joins and ``substr``, so Spark SQL can run the same steps):

Only *asserted* mentions are clustered; negated, hypothetical, future and historical ones are kept with
``event_id`` NULL. Each clustered mention has

- its key values: the ``DedupConfig.key`` fields (default ``source_code, target_code, cameo_root``),
  NULL read as ``''``. The actor-code fields ``source_code`` and ``target_code`` are matched by
  *depth* (below); every other key field must be equal.
- its day: the mention's date, or, when it has none, the day its article was ingested.
- its dating: ``text`` when the text gave the day (``date_precision`` = ``day``); ``article`` when the
  day is only the article's (precision ``document`` or ``unknown``, or no date); else ``other``
  (a week, month or year).

1. **Blocks.** Mentions are compared within a block: the same first three characters of each
   actor-code key field (the country or organisation level of a CAMEO code: ``SRB``, ``SRBGOV`` and
   ``SRBGOVDIP`` are all ``SRB``; ``''`` is ``''``) and equal other key fields.
2. **Effective day.** A mention dated by its ``article`` counts as of the day before when its block has
   a ``text``-dated mention on the day before and none on its own day: a report published the day after
   the event, which did not date it, describes the event another report dated. Other days stand.
3. **Runs.** In each block, mentions sorted by (effective day, mention_id): a run starts at the first
   mention and wherever the effective day is more than ``window_days`` after the previous mention's.
   With the default window of 0 a run is one day.
4. **Leaves.** In each run, the distinct (source code, target code) pairs of its mentions. A pair
   *extends* another when each of its codes starts with the other's (``SRBGOV→ALBGOV`` extends
   ``SRB→ALB`` and ``SRBGOV→ALB``). A leaf is a pair no other pair of the run extends.
5. **Events.** Each mention joins, of the leaves extending its pair (its own if it is one), the leaf
   the most mentions of the run are compatible with (a mention is compatible with the leaves extending
   its pair); ties go to the smaller source code, then target code, in code-point order. An event is a
   block, run and leaf: its actor codes are the leaf's - the most specific codes its mentions agree on -
   and its date is the earliest effective day of its mentions.
6. **Ids.** ``event_id(config, key values, first date)``: the first 16 hex digits of the SHA-256 of
   ``fingerprint|value 1|...|value n|YYYY-MM-DD`` (UTF-8), the values in key order with the leaf's
   codes for the actor fields. The fingerprint names the rule (``dedup=2;key=...;window=N``), so a
   store re-clusters when the rule changes. An id depends only on the mentions, never on the order
   they arrived in: reruns, killed-and-restarted runs and every backend give the same ids.

So three outlets' reports of one recall - "Serbia recalled its ambassador to Albania" (``SRB→ALB``),
"Belgrade recalled its envoy to Tirana" (``SRBGOV→ALBGOV``), "the Serbian government recalled its
ambassador to Albania" (``SRBGOV→ALB``) - the same day are one event, coded ``SRBGOV→ALBGOV``, with
three mentions. ``SRBGOV→ALB`` and ``SRBOPP→ALB`` the same day stay two events (government and
opposition disagree), and a bare ``SRB→ALB`` report joins the one more reports support. A missing
actor is not a depth: a report with no target is not matched with reports that name one.

The ``events`` row of a cluster is ``summarise_event``: see its docstring for each column.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

KEY_FIELDS = (
    "source_code", "target_code", "cameo_root", "cameo_base", "cameo",
    "source_country", "target_country", "location_country", "plover",
)  # fmt: skip
DEPTH_FIELDS = ("source_code", "target_code")  # CAMEO actor codes: matched at any depth
DEFAULT_KEY = ("source_code", "target_code", "cameo_root")
RULE_VERSION = 2
BLOCK_CHARS = 3  # a CAMEO actor code is built of 3-character parts: country/organisation, then roles
EPOCH = date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class DedupConfig:
    """The clustering rule: mention fields that must agree, and how many days apart dates may be."""

    key: tuple[str, ...] = DEFAULT_KEY
    window_days: int = 0

    def __post_init__(self) -> None:
        unknown = [k for k in self.key if k not in KEY_FIELDS]
        if unknown or not self.key or len(set(self.key)) != len(self.key):
            raise ValueError(
                f"dedup key must be fields from {', '.join(KEY_FIELDS)}; got {', '.join(self.key)}"
            )
        if self.window_days < 0:
            raise ValueError("dedup window must be 0 days or more")

    @property
    def fingerprint(self) -> str:
        return f"dedup={RULE_VERSION};key={','.join(self.key)};window={self.window_days}"

    @property
    def depth_fields(self) -> tuple[str, ...]:
        return tuple(k for k in self.key if k in DEPTH_FIELDS)

    @property
    def exact_fields(self) -> tuple[str, ...]:
        return tuple(k for k in self.key if k not in DEPTH_FIELDS)

    @classmethod
    def parse(cls, key: str | None = None, window_days: int = 0) -> DedupConfig:
        fields = tuple(k.strip() for k in key.split(",") if k.strip()) if key else DEFAULT_KEY
        return cls(fields, window_days)


def event_id(config: DedupConfig, key: Sequence[str], first_date: date) -> str:
    """The id of the event with these key values (leaf codes for the actor fields) and first date."""
    raw = "|".join([config.fingerprint, *key, first_date.isoformat()])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def day_number(day: date) -> int:
    return (day - EPOCH).days


def from_day_number(number: int) -> date:
    return EPOCH + timedelta(days=int(number))


def block_of(config: DedupConfig, values: dict[str, Any]) -> tuple[str, ...]:
    """A mention's block (rule step 1), from its key field values (in ``block_columns`` order)."""
    depth = tuple(_text(values.get(f))[:BLOCK_CHARS] for f in config.depth_fields)
    return depth + tuple(_text(values.get(f)) for f in config.exact_fields)


def block_columns(config: DedupConfig) -> tuple[str, ...]:
    """Column names of a block in the SQL: ``b_<field>`` for actor-code fields, ``k_<field>`` others."""
    return tuple(f"b_{f}" for f in config.depth_fields) + tuple(f"k_{f}" for f in config.exact_fields)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _all(conditions: Iterable[str], empty: str) -> str:
    found = list(conditions)
    return " AND ".join(found) if found else empty


def cluster_sql(config: DedupConfig, source: str, binary: Callable[[str], str] = str) -> str:
    """The rule as one SQL query over ``source``, a relation (or subquery) of the mentions to cluster.

    ``source`` has the columns ``mention_id``, ``event_id`` (the current one, or NULL), ``k_<field>`` for
    each key field (text, ``''`` for NULL), ``day`` (integer days since 1970-01-01) and ``dating``
    (``text``, ``article`` or ``other``). Every mention of a block that shares a run with one given
    must be given too. The result has one row per mention: ``mention_id``, ``old_event_id``,
    ``k_<field>`` for each key field in key order (the event's values: the leaf's codes for actor
    fields) and ``first_day`` (the event's first effective day). ``binary`` makes an ORDER BY of text
    code-point ordered (PostgreSQL collations differ).
    """
    depth = config.depth_fields
    block = block_columns(config)

    def same(a: str, b: str, columns: Sequence[str]) -> str:
        return _all((f"{a}.{c} = {b}.{c}" for c in columns), "TRUE")

    def extends(longer: str, shorter: str) -> str:  # every actor code of ``longer`` starts with ``shorter``'s
        starts = (f"substr({longer}.k_{f}, 1, length({shorter}.k_{f})) = {shorter}.k_{f}" for f in depth)
        return _all(starts, "TRUE")

    block_list = ", ".join(block)
    blocked = ", ".join(f"substr(i.k_{f}, 1, {BLOCK_CHARS}) AS b_{f}" for f in depth)
    codes = ", ".join(f"k_{f}" for f in depth)
    leaf_columns = [*block, "run", *(f"k_{f}" for f in depth)]
    in_run = f"{same('{a}', '{b}', block)} AND {{a}}.run = {{b}}.run"
    differs = " OR ".join(f"q.k_{f} <> p.k_{f}" for f in depth) or "FALSE"
    leaf_codes = [f"s.k_{f}" for f in depth]
    order_leaf = ", ".join(binary(c) for c in leaf_codes)
    # the chosen rows: the block (actor-code blocks, other key values), the run, the leaf's codes
    chosen_columns = ", ".join([*(f"r.{c}" for c in block), "r.run", *(f"s.k_{f}" for f in depth)])
    event_columns = ", ".join(f"k_{f}" for f in config.key)
    window = int(config.window_days)
    return f"""
WITH input AS (SELECT * FROM ({source}) src),
blocked AS (SELECT i.*{', ' + blocked if blocked else ''} FROM input i),
text_days AS (SELECT DISTINCT {block_list}, day FROM blocked WHERE dating = 'text'),
dated AS (
  SELECT b.*, CASE WHEN b.dating = 'article'
      AND NOT EXISTS (SELECT 1 FROM text_days t WHERE {same('t', 'b', block)} AND t.day = b.day)
      AND EXISTS (SELECT 1 FROM text_days t WHERE {same('t', 'b', block)} AND t.day = b.day - 1)
    THEN b.day - 1 ELSE b.day END AS eday
  FROM blocked b),
gaps AS (
  SELECT d.*, CASE WHEN d.eday - lag(d.eday) OVER (PARTITION BY {block_list} ORDER BY d.eday, d.mention_id)
    <= {window} THEN 0 ELSE 1 END AS starts
  FROM dated d),
runs AS (
  SELECT g.*, sum(g.starts) OVER (PARTITION BY {block_list} ORDER BY g.eday, g.mention_id
    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run
  FROM gaps g),
pairs AS (SELECT DISTINCT {block_list}, run{', ' + codes if codes else ''} FROM runs),
leaves AS (
  SELECT p.* FROM pairs p WHERE NOT EXISTS (
    SELECT 1 FROM pairs q WHERE {in_run.format(a='q', b='p')} AND ({differs}) AND {extends('q', 'p')})),
support AS (
  SELECT {', '.join(f'l.{c}' for c in leaf_columns)}, count(*) AS n
  FROM leaves l JOIN runs r ON {in_run.format(a='l', b='r')} AND {extends('l', 'r')}
  GROUP BY {', '.join(f'l.{c}' for c in leaf_columns)}),
chosen AS (
  SELECT r.mention_id, r.event_id, r.eday, {chosen_columns},
    row_number() OVER (PARTITION BY r.mention_id ORDER BY s.n DESC{', ' + order_leaf if order_leaf else ''}) AS choice
  FROM runs r JOIN support s ON {in_run.format(a='s', b='r')} AND {extends('s', 'r')})
SELECT mention_id, event_id AS old_event_id, {event_columns},
  min(eday) OVER (PARTITION BY {', '.join(leaf_columns)}) AS first_day
FROM chosen WHERE choice = 1
"""


# -- the events row --------------------------------------------------------------------------------------


def _most_common(values: Iterable[Any]) -> Any:
    """The most frequent non-empty value; ties go to the smallest, so the choice is deterministic."""
    present = [v for v in values if v is not None and v != ""]
    if len(set(present)) <= 1:  # the usual case (one mention, or all agree): no counting needed
        return present[0] if present else None
    counts = Counter(present)
    return min(counts.items(), key=lambda item: (-item[1], str(item[0])))[0]


def most_specific(codes: Iterable[str | None]) -> str | None:
    """The longest code every other code is a prefix of (``SRB``, ``SRBGOV`` -> ``SRBGOV``); when the
    codes disagree (possible only if the rule does not match on them) the most common one."""
    present = [c for c in codes if c]
    if not present:
        return None
    longest = max(present, key=lambda c: (len(c), c))
    if all(longest.startswith(c) for c in present):
        return longest
    return _most_common(present)


def summarise_event(event_id: str, rows: Sequence[dict[str, Any]], first_day: date | None = None) -> dict[str, Any]:
    """The ``events`` row for one cluster, from its mention rows joined with their article's
    ``article_source``, ``article_url`` and ``ingested_at``. Every choice is independent of row order:

    - ``date``: ``first_day`` (the cluster's first effective day), else the earliest mention day;
    - actor codes: ``most_specific`` of the mentions' codes; names: the most common name among the
      mentions with exactly that code; countries: the most common country;
    - ``cameo``: the code most mentions give, a longer (more specific) code winning a tie, then the
      smaller; ``quad_class`` and ``plover`` the most common, ``goldstein`` the mean (2 decimals), over
      the mentions with that code;
    - ``num_mentions``, ``num_articles`` (distinct articles), ``num_sources`` (distinct article sources,
      an article without one counting as its own); ``confidence`` the highest;
    - location: the most common place name, with the country and coordinates of the mention (smallest
      mention id) giving it; ``source_url``: the article first ingested (then smallest id);
      ``first_seen``/``last_seen``: the first and last ingestion times.
    Ties of "most common" go to the smallest value.
    """
    counts = Counter(r["cameo"] for r in rows if r["cameo"])
    cameo = min(counts.items(), key=lambda item: (-item[1], -len(item[0]), item[0]))[0] if counts else None
    coded = [r for r in rows if r["cameo"] == cameo] or list(rows)
    located = [r for r in rows if r["location_name"]]
    place = _most_common(r["location_name"] for r in located)
    at_place = min((r for r in located if r["location_name"] == place), key=lambda r: r["mention_id"], default=None)
    first = min(rows, key=lambda r: (r["ingested_at"], r["article_id"], r["mention_id"]))
    sides = {}
    for side in ("source", "target"):
        code = most_specific(r[f"{side}_code"] for r in rows)
        named = [r for r in rows if r[f"{side}_code"] == code] or list(rows)
        sides |= {
            f"{side}_code": code,
            f"{side}_country": _most_common(r[f"{side}_country"] for r in rows),
            f"{side}_name": _most_common(r[f"{side}_name"] for r in named),
        }
    return {
        "event_id": event_id,
        "date": first_day or min(cluster_date(r["date"], r["ingested_at"]) for r in rows),
        **sides,
        "cameo": cameo,
        "cameo_base": cameo[:3] if cameo else None,
        "cameo_root": cameo[:2] if cameo else None,
        "quad_class": _most_common(r["quad_class"] for r in coded),
        "goldstein": round(sum(r["goldstein"] or 0.0 for r in coded) / len(coded), 2),
        "plover": _most_common(r["plover"] for r in coded),
        "num_mentions": len(rows),
        "num_sources": len({r["article_source"] or r["article_id"] for r in rows}),
        "num_articles": len({r["article_id"] for r in rows}),
        "confidence": max(float(r["confidence"] or 0.0) for r in rows),
        "location_name": place,
        "location_country": at_place["location_country"] if at_place else None,
        "lat": at_place["lat"] if at_place else None,
        "lon": at_place["lon"] if at_place else None,
        "source_url": first["article_url"],
        "first_seen": min(r["ingested_at"] for r in rows),
        "last_seen": max(r["ingested_at"] for r in rows),
    }


def cluster_date(mention_date: date | None, ingested_at: datetime) -> date:
    """A mention with no date of its own (nor its article's) is dated by when it was seen, as GDELT does."""
    return mention_date if mention_date is not None else ingested_at.date()
