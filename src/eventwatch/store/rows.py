"""Flat rows for the ``mentions`` and ``articles`` tables, from the coder's records.

One place decides how a nested ``Event`` becomes a row, so the writer, the tests and the exports agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from eventwatch.records import Actor, Document, Event

MENTION_COLUMNS: tuple[str, ...] = (
    "mention_id", "event_id", "article_id", "sentence_index", "sentence", "sentence_start",
    "date", "date_precision",
    "source_text", "source_code", "source_country", "source_sector", "source_name",
    "source_start", "source_end",
    "target_text", "target_code", "target_country", "target_sector", "target_name",
    "target_start", "target_end",
    "cameo", "cameo_name", "cameo_base", "cameo_root", "goldstein", "quad_class",
    "plover", "plover_mode", "plover_context",
    "trigger_text", "trigger_start", "trigger_end",
    "modality", "confidence", "location_name", "location_country", "lat", "lon",
    "attribution", "quote", "rule", "url",
)  # fmt: skip

ARTICLE_COLUMNS: tuple[str, ...] = (
    "article_id", "content_hash", "url", "title", "source", "date", "text", "ingested_at",
    "n_sentences", "n_events",
)  # fmt: skip


def _actor(prefix: str, actor: Actor | None) -> dict[str, Any]:
    if actor is None:
        return {f"{prefix}_{k}": None for k in ("text", "code", "country", "sector", "name", "start", "end")}
    return {
        f"{prefix}_text": actor.text,
        f"{prefix}_code": actor.code,
        f"{prefix}_country": actor.country,
        f"{prefix}_sector": actor.sector,
        f"{prefix}_name": actor.name,
        f"{prefix}_start": actor.start,
        f"{prefix}_end": actor.end,
    }


def to_date(value: str | date | None) -> date | None:
    """A date from the coder's ISO strings; a month (``2022-02``) or year (``2022``) becomes its first day."""
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    for candidate in (text[:10], f"{text[:7]}-01", f"{text[:4]}-01-01"):
        try:
            return date.fromisoformat(candidate)
        except ValueError:
            continue
    return None


def mention_row(event: Event, article_id: str, fallback_date: str | None) -> dict[str, Any]:
    """The row of one event mention. Its date falls back to the article's (precision ``document``),
    because clustering needs a date and the article date is what GDELT uses too."""
    when, precision = event.date, event.date_precision
    if not when and fallback_date:
        when, precision = fallback_date, "document"
    location = event.location
    row = {
        "mention_id": event.mention_id,
        "event_id": None,
        "article_id": article_id,
        "sentence_index": event.sentence_index,
        "sentence": event.sentence,
        "sentence_start": event.sentence_start,
        "date": to_date(when),
        "date_precision": precision,
        **_actor("source", event.source),
        **_actor("target", event.target),
        "cameo": event.cameo,
        "cameo_name": event.cameo_name,
        "cameo_base": event.cameo[:3] if event.cameo else None,
        "cameo_root": event.cameo_root or (event.cameo[:2] if event.cameo else None),
        "goldstein": event.goldstein,
        "quad_class": event.quad_class,
        "plover": event.plover,
        "plover_mode": event.plover_mode,
        "plover_context": event.plover_context,
        "trigger_text": event.trigger.text,
        "trigger_start": event.trigger.start,
        "trigger_end": event.trigger.end,
        "modality": event.modality,
        "confidence": round(float(event.confidence), 3),
        "location_name": location.name if location else None,
        "location_country": location.country if location else None,
        "lat": location.lat if location else None,
        "lon": location.lon if location else None,
        "attribution": event.attribution,
        "quote": event.quote,
        "rule": event.rule,
        "url": event.url,
    }
    return row


def mention_rows(events: Iterable[Event], article_id: str, fallback_date: str | None) -> list[dict[str, Any]]:
    """The mention rows of one article, each mention once (the coder may report one mention twice)."""
    rows: dict[str, dict[str, Any]] = {}
    for event in events:
        row = mention_row(event, article_id, fallback_date)
        rows.setdefault(row["mention_id"], row)
    return list(rows.values())


def article_row(
    doc: Document, article_id: str, content_hash: str, ingested_at: datetime, n_sentences: int, n_events: int
) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "content_hash": content_hash,
        "url": doc.url,
        "title": doc.title,
        "source": doc.source,
        "date": to_date(doc.date),
        "text": doc.text,
        "ingested_at": ingested_at,
        "n_sentences": n_sentences,
        "n_events": n_events,
    }
