"""Synthetic and hand-annotated event databases, for tests, demos and benchmarks of the monitor.

Rows are written straight into the store's tables (which must exist), so a monitor test needs neither
the spaCy model nor the coder. Two sources:

- ``annotated_rows``: articles with their events marked by the words that express them (sentence,
  actor and trigger text); character offsets are found in the text, so they are right by construction.
- ``random_events``/``event_rows``: any number of events between chosen actors, each with a one-sentence
  article, for volume (benchmarks) and for controlled streams (alert tests).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from eventwatch.coding.ontology import default_ontology
from eventwatch.store import counts
from eventwatch.store.dialect import Connection, DuckDBConnection

# A verb per CAMEO root, only to make synthetic sentences readable.
_VERBS = {
    "01": "commented on", "02": "appealed to", "03": "pledged support to", "04": "met", "05": "praised",
    "06": "cooperated with", "07": "sent aid to", "08": "eased sanctions on", "09": "investigated",
    "10": "demanded concessions from", "11": "criticized", "12": "rejected", "13": "threatened",
    "14": "protested against", "15": "mobilized against", "16": "cut ties with", "17": "sanctioned",
    "18": "assaulted", "19": "attacked", "20": "bombarded",
}
SIDES = ("source", "target")
EVENT_CAMEO_FIELDS = ("cameo", "cameo_base", "cameo_root", "quad_class", "goldstein", "plover")


@dataclass(slots=True)
class Rows:
    """Rows for the store's tables, as lists of column dicts."""

    articles: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    actors: list[dict[str, Any]] = field(default_factory=list)


def write_rows(con: Connection | duckdb.DuckDBPyConnection, rows: Rows) -> None:
    """Insert ``rows`` into the existing tables (columns by name; absent columns stay NULL), on a store
    connection of either engine (or a plain DuckDB connection)."""
    if isinstance(con, duckdb.DuckDBPyConnection):
        con = DuckDBConnection(con)
    for table in ("articles", "mentions", "events", "actors"):
        records = getattr(rows, table)
        if records:
            con.insert(table, pa.Table.from_pylist(records))
    counts.count(con, "events", rows.events, 1)  # as the store's writer counts what it writes
    counts.count(con, "mentions", [m for m in rows.mentions if m.get("event_id") is not None], 1)


def _cameo_fields(code: str) -> dict[str, Any]:
    entry = default_ontology().get(code)
    return {
        "cameo": code,
        "cameo_name": entry.name,
        "cameo_base": code[:3],
        "cameo_root": code[:2],
        "goldstein": entry.goldstein,
        "quad_class": entry.quad_class,
        "plover": entry.plover_type,
        "plover_mode": entry.plover_mode,
        "plover_context": entry.plover_context,
    }


def _id(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


def _actor_fields(side: str, actor: dict[str, Any] | None, start: int | None = None) -> dict[str, Any]:
    actor = actor or {}
    text = actor.get("text")
    return {
        f"{side}_text": text,
        f"{side}_code": actor.get("code"),
        f"{side}_country": actor.get("country"),
        f"{side}_sector": actor.get("sector"),
        f"{side}_name": actor.get("name"),
        f"{side}_start": start,
        f"{side}_end": start + len(text) if start is not None and text else None,
    }


def _find(haystack: str, needle: str, what: str, where: str) -> int:
    at = haystack.find(needle)
    if at < 0:
        raise ValueError(f"{where}: {what} {needle!r} not found")
    return at


def annotated_rows(articles: Sequence[dict[str, Any]]) -> Rows:
    """Rows from annotated articles.

    Each article has ``id, date, title, url, source, text`` and ``events``: a list of
    ``{event_id, sentence, trigger, cameo, source: {text, code, country, name, sector}, target: {...},
    confidence}``. The sentence must occur in the text, the trigger and actor texts in the sentence;
    mentions sharing an ``event_id`` (in one or several articles) are one deduplicated event.
    """
    rows = Rows()
    now = datetime(2026, 1, 1)
    events: dict[str, dict[str, Any]] = {}
    for art in articles:
        text, day = art["text"], date.fromisoformat(art["date"])
        sentences = _sentence_starts(text)
        for number, ev in enumerate(art["events"]):
            where = f"article {art['id']} event {number}"
            s_start = _find(text, ev["sentence"], "sentence", where)
            sentence = ev["sentence"]
            offsets = {side: s_start + _find(sentence, ev[side]["text"], side, where) for side in SIDES}
            t_start = s_start + _find(sentence, ev["trigger"], "trigger", where)
            cameo = _cameo_fields(ev["cameo"])
            mention = {
                "mention_id": _id(art["id"], t_start, ev["cameo"]),
                "event_id": ev["event_id"],
                "article_id": art["id"],
                "sentence_index": sum(1 for s in sentences if s <= s_start) - 1,
                "sentence": sentence,
                "sentence_start": s_start,
                "date": day,
                "date_precision": "day",
                **_actor_fields("source", ev["source"], offsets["source"]),
                **_actor_fields("target", ev["target"], offsets["target"]),
                **cameo,
                "trigger_text": ev["trigger"],
                "trigger_start": t_start,
                "trigger_end": t_start + len(ev["trigger"]),
                "modality": "asserted",
                "confidence": ev.get("confidence", 0.8),
                "location_name": ev.get("location"),
                "location_country": ev.get("location_country"),
                "rule": ev.get("rule", f"fixture:{ev['cameo']}"),
                "url": art.get("url"),
            }
            rows.mentions.append(mention)
            event = events.setdefault(
                ev["event_id"],
                {
                    "event_id": ev["event_id"],
                    "date": day,
                    **{f"source_{k}": ev["source"].get(k) for k in ("code", "country", "name")},
                    **{f"target_{k}": ev["target"].get(k) for k in ("code", "country", "name")},
                    **{k: cameo[k] for k in EVENT_CAMEO_FIELDS},
                    "num_mentions": 0,
                    "num_sources": 0,
                    "num_articles": 0,
                    "confidence": mention["confidence"],
                    "location_name": mention["location_name"],
                    "location_country": mention["location_country"],
                    "source_url": art.get("url"),
                    "first_seen": now,
                    "last_seen": now,
                    "_sources": set(),
                    "_articles": set(),
                },
            )
            event["num_mentions"] += 1
            event["_sources"].add(art.get("source"))
            event["_articles"].add(art["id"])
            event["confidence"] = max(event["confidence"], mention["confidence"])
        rows.articles.append(
            {
                "article_id": art["id"],
                "content_hash": _id(text),
                "url": art.get("url"),
                "title": art.get("title"),
                "source": art.get("source"),
                "date": day,
                "text": text,
                "ingested_at": now,
                "n_sentences": len(sentences),
                "n_events": len(art["events"]),
            }
        )
    for event in events.values():
        event["num_sources"] = len(event.pop("_sources"))
        event["num_articles"] = len(event.pop("_articles"))
        rows.events.append(event)
    return rows


def _sentence_starts(text: str) -> list[int]:
    # Good enough for fixture prose: a sentence starts after ". " / "! " / "? ".
    starts = [0]
    for i in range(len(text) - 2):
        if text[i] in ".!?" and text[i + 1] == " ":
            starts.append(i + 2)
    return starts


def event_rows(events: Iterable[dict[str, Any]]) -> Rows:
    """Rows for events given as ``{date, source: {code, country, name}, target: {...}, cameo}`` dicts
    (``event_id``, ``num_mentions`` and ``confidence`` optional); each gets a one-sentence article."""
    rows = Rows()
    now = datetime(2026, 1, 1)
    for n, ev in enumerate(events):
        day = ev["date"] if isinstance(ev["date"], date) else date.fromisoformat(ev["date"])
        src, tgt = ev["source"], ev["target"]
        cameo = _cameo_fields(ev["cameo"])
        verb = _VERBS.get(cameo["cameo_root"], "acted on")
        src_name, tgt_name = src.get("name") or src["code"], tgt.get("name") or tgt["code"]
        text = f"{src_name} {verb} {tgt_name} on {day.isoformat()}."
        event_id = ev.get("event_id") or _id("event", n, day, src["code"], tgt["code"], ev["cameo"])
        article_id = _id("article", event_id)
        url = f"https://news.example/{article_id}"
        confidence = ev.get("confidence", 0.7)
        rows.articles.append(
            {"article_id": article_id, "content_hash": article_id, "url": url, "title": text[:60],
             "source": "synthetic", "date": day, "text": text, "ingested_at": now, "n_sentences": 1,
             "n_events": 1}
        )
        rows.mentions.append(
            {
                "mention_id": _id("mention", event_id),
                "event_id": event_id,
                "article_id": article_id,
                "sentence_index": 0,
                "sentence": text,
                "sentence_start": 0,
                "date": day,
                "date_precision": "day",
                **_actor_fields("source", {**src, "text": src_name}, 0),
                **_actor_fields("target", {**tgt, "text": tgt_name}, len(src_name) + len(verb) + 2),
                **cameo,
                "trigger_text": verb,
                "trigger_start": len(src_name) + 1,
                "trigger_end": len(src_name) + 1 + len(verb),
                "modality": "asserted",
                "confidence": confidence,
                "rule": "synthetic",
                "url": url,
            }
        )
        rows.events.append(
            {
                "event_id": event_id,
                "date": day,
                **{f"source_{k}": src.get(k) for k in ("code", "country", "name")},
                **{f"target_{k}": tgt.get(k) for k in ("code", "country", "name")},
                **{k: cameo[k] for k in EVENT_CAMEO_FIELDS},
                "num_mentions": ev.get("num_mentions", 1),
                "num_sources": 1,
                "num_articles": 1,
                "confidence": confidence,
                "source_url": url,
                "first_seen": now,
                "last_seen": now,
            }
        )
    return rows


DEFAULT_ACTORS = (
    ("USAGOV", "USA", "United States"), ("RUSGOV", "RUS", "Russia"), ("RUSMIL", "RUS", "Russian military"),
    ("UKRGOV", "UKR", "Ukraine"), ("UKRMIL", "UKR", "Ukrainian military"), ("CHNGOV", "CHN", "China"),
    ("IGOWSTNAT", None, "NATO"), ("DEUGOV", "DEU", "Germany"), ("FRAGOV", "FRA", "France"),
    ("GBRGOV", "GBR", "United Kingdom"), ("ISRMIL", "ISR", "Israeli military"), ("PSEREB", "PSE", "Hamas"),
    ("IRNGOV", "IRN", "Iran"), ("TURGOV", "TUR", "Turkey"), ("INDGOV", "IND", "India"),
    ("PAKMIL", "PAK", "Pakistani military"),
)


def random_events(
    n: int,
    *,
    seed: int = 0,
    start: date = date(2024, 1, 1),
    days: int = 365,
    actors: Sequence[tuple[str, str | None, str]] = DEFAULT_ACTORS,
) -> list[dict[str, Any]]:
    """``n`` random events between ``actors`` over ``days`` days, for volume tests and benchmarks.

    Each event's id is derived from ``seed`` and its number, so slices generated with different seeds
    (as the API benchmark builds a million events) never share an id, even when two events agree on
    every drawn field."""
    rng = random.Random(seed)
    codes = [c.code for c in default_ontology().codes() if len(c.code) == 3]
    out = []
    for number in range(n):
        a, b = rng.sample(list(actors), 2)
        out.append(
            {
                "date": start + timedelta(days=rng.randrange(days)),
                "source": {"code": a[0], "country": a[1], "name": a[2]},
                "target": {"code": b[0], "country": b[1], "name": b[2]},
                "cameo": rng.choice(codes),
                "num_mentions": rng.randint(1, 5),
                "confidence": round(rng.uniform(0.3, 0.95), 2),
                "event_id": _id("random-event", seed, number),
            }
        )
    return out
