"""RSS and Atom feeds: telling a feed from a page, and listing a feed's entries."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser

from eventwatch.documents import InputProblem

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
FEED_SUFFIXES = (".rss", ".atom", ".xml")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    url: str
    title: str | None
    date: str | None  # ISO date of publication, when the feed gives one
    feed_title: str | None


def looks_like_feed(content_type: str, body: bytes) -> bool:
    """Whether a response is a feed rather than a page: by its type, or by its first element."""
    if content_type in FEED_TYPES:
        return True
    head = body[:2048].lstrip().lower()
    if head.startswith(b"<?xml"):
        head = head[head.find(b"?>") + 2 :].lstrip()
        while head.startswith(b"<!--"):
            head = head[head.find(b"-->") + 3 :].lstrip()
    return head.startswith((b"<rss", b"<feed", b"<rdf:rdf"))


def _entry_date(entry: feedparser.FeedParserDict) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC).date().isoformat()


def parse_feed(body: bytes, source: str) -> list[FeedEntry] | InputProblem:
    """The entries with links of an RSS/Atom feed; a problem if ``body`` is not a feed."""
    if not body.strip():
        return InputProblem(source, "feed is empty")
    parsed = feedparser.parse(body)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        detail = f" ({str(reason).splitlines()[0]})" if reason else ""
        return InputProblem(source, f"not an RSS/Atom feed{detail}")
    feed_title = parsed.feed.get("title") or None
    entries = []
    for entry in parsed.entries:
        link = entry.get("link")
        if link:
            entries.append(
                FeedEntry(link.strip(), entry.get("title") or None, _entry_date(entry), feed_title)
            )
    return entries
