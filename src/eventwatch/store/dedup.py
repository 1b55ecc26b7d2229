"""Deduplication: which event mentions report the same real-world event (GDELT's Events/Mentions model).

The rule. Two *asserted* mentions belong to the same event when they agree on every field of the key
(by default the source actor code, the target actor code and the CAMEO root) and their dates are close:
within a key, mentions are sorted by date and a new event starts whenever a mention's date is more
than ``window_days`` after the first date of the current event. With the default window of 0 an event
is exactly "same key, same day", as in GDELT.

An event's id is a hash of the rule, the key values and the event's first date, so it does not depend
on the order the articles arrived in: re-clustering the same mentions always gives the same ids, and
a run that is killed and restarted gives the ids a clean run gives. Unreal mentions (negated,
hypothetical, future, historical) are never clustered; they keep ``event_id`` NULL but are kept.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

KEY_FIELDS = (
    "source_code", "target_code", "cameo_root", "cameo_base", "cameo",
    "source_country", "target_country", "location_country", "plover",
)  # fmt: skip
DEFAULT_KEY = ("source_code", "target_code", "cameo_root")


@dataclass(frozen=True, slots=True)
class DedupConfig:
    """The clustering rule: mention fields that must agree, and how many days apart dates may be."""

    key: tuple[str, ...] = DEFAULT_KEY
    window_days: int = 0

    def __post_init__(self) -> None:
        unknown = [k for k in self.key if k not in KEY_FIELDS]
        if unknown or not self.key:
            raise ValueError(
                f"dedup key must be fields from {', '.join(KEY_FIELDS)}; got {', '.join(self.key)}"
            )
        if self.window_days < 0:
            raise ValueError("dedup window must be 0 days or more")

    @property
    def fingerprint(self) -> str:
        return f"key={','.join(self.key)};window={self.window_days}"

    @classmethod
    def parse(cls, key: str | None = None, window_days: int = 0) -> DedupConfig:
        fields = tuple(k.strip() for k in key.split(",") if k.strip()) if key else DEFAULT_KEY
        return cls(fields, window_days)


@dataclass(frozen=True, slots=True)
class ClusterInput:
    mention_id: str
    key: tuple[str, ...]
    date: date


def event_id_for(config: DedupConfig, key: Sequence[str], first_date: date) -> str:
    raw = "|".join([config.fingerprint, *key, first_date.isoformat()])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def assign_events(mentions: Iterable[ClusterInput], config: DedupConfig) -> dict[str, str]:
    """mention_id -> event_id for every mention given. Give all mentions of a key, or ids will shift."""
    groups: dict[tuple[str, ...], list[ClusterInput]] = defaultdict(list)
    for mention in mentions:
        groups[mention.key].append(mention)
    assigned: dict[str, str] = {}
    for key, members in groups.items():
        members.sort(key=lambda m: (m.date, m.mention_id))
        start: date | None = None
        current = ""
        for mention in members:
            if start is None or (mention.date - start).days > config.window_days:
                start = mention.date
                current = event_id_for(config, key, start)
            assigned[mention.mention_id] = current
    return assigned


def _most_common(values: Iterable[Any]) -> Any:
    """The most frequent non-empty value; ties go to the smallest, so the choice is deterministic."""
    present = [v for v in values if v is not None and v != ""]
    if len(set(present)) <= 1:  # the usual case (one mention, or all agree): no counting needed
        return present[0] if present else None
    counts = Counter(present)
    return min(counts.items(), key=lambda item: (-item[1], str(item[0])))[0]


def summarise_event(event_id: str, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The ``events`` row for one cluster, from its mention rows joined with their article's
    ``article_source``, ``article_url`` and ``ingested_at``."""
    # The event's code is the one most mentions give; a more specific code wins a tie.
    counts = Counter(r["cameo"] for r in rows if r["cameo"])
    cameo = min(counts.items(), key=lambda item: (-item[1], -len(item[0]), item[0]))[0] if counts else None
    coded = [r for r in rows if r["cameo"] == cameo] or list(rows)
    located = [r for r in rows if r["location_name"]]
    place = _most_common(r["location_name"] for r in located)
    at_place = next((r for r in located if r["location_name"] == place), None)
    first = min(rows, key=lambda r: (r["ingested_at"], r["article_id"], r["mention_id"]))
    return {
        "event_id": event_id,
        "date": min(cluster_date(r["date"], r["ingested_at"]) for r in rows),
        "source_code": _most_common(r["source_code"] for r in rows),
        "source_country": _most_common(r["source_country"] for r in rows),
        "source_name": _most_common(r["source_name"] for r in rows),
        "target_code": _most_common(r["target_code"] for r in rows),
        "target_country": _most_common(r["target_country"] for r in rows),
        "target_name": _most_common(r["target_name"] for r in rows),
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
