"""From the SOURCE arguments of ``eventwatch ingest`` to documents.

A source is a file (.txt, .jsonl, .csv, .html, or a .rss/.atom/.xml feed), a folder of them, an
http(s) URL of an article page or of a feed, or a ready ``Document``. Every source yields documents or
problems naming it, never an exception, so one bad source leaves the rest of the batch alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from eventwatch.documents import (
    Document,
    InputProblem,
    decode_bytes,
    document_from_html,
    read_bytes,
    read_path,
)
from eventwatch.ingest.feeds import FEED_SUFFIXES, FeedEntry, looks_like_feed, parse_feed
from eventwatch.ingest.fetch import Fetcher, FetchError

FILE_SUFFIXES = (".txt", ".jsonl", ".ndjson", ".csv", ".html", ".htm", ".xhtml", *FEED_SUFFIXES)


@dataclass(frozen=True, slots=True)
class AlreadyStored:
    """A feed entry whose URL is already in the store: not fetched again."""

    source: str


SourceItem = Document | InputProblem | AlreadyStored


def is_url(source: str) -> bool:
    # Any scheme counts, so that ftp:// or file:// is refused by the fetcher with a clear message.
    scheme, sep, _ = source.partition("://")
    return bool(sep) and len(scheme) > 1 and scheme.isalpha()


class SourceReader:
    """Turns sources into documents, fetching with ``fetcher`` and skipping URLs ``is_stored`` knows."""

    def __init__(
        self, fetcher: Fetcher, workers: int = 1, is_stored: Callable[[str], bool] | None = None
    ) -> None:
        self.fetcher = fetcher
        self.workers = max(1, workers)
        self.is_stored = is_stored or (lambda url: False)

    def read(self, sources: Iterable[str | Path | Document]) -> Iterator[SourceItem]:
        for source in sources:
            if isinstance(source, Document):
                yield source
            elif isinstance(source, str) and is_url(source):
                yield from self.read_url(source)
            else:
                yield from self.read_local(Path(source))

    def read_local(self, path: Path) -> Iterator[SourceItem]:
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in FILE_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not files:
                yield InputProblem(str(path), f"folder has no {', '.join(FILE_SUFFIXES)} files")
            for file in files:
                yield from self.read_local(file)
        elif not path.exists():
            yield InputProblem(str(path), "no such file or folder")
        elif path.suffix.lower() in FEED_SUFFIXES:
            body = read_bytes(path)
            if isinstance(body, InputProblem):
                yield body
            else:
                yield from self.read_feed(body, str(path))
        else:
            yield from read_path(path)

    def read_url(self, url: str) -> Iterator[SourceItem]:
        if self.is_stored(url):
            yield AlreadyStored(url)
            return
        try:
            fetched = self.fetcher.fetch(url)
        except FetchError as exc:
            yield InputProblem(url, str(exc))
            return
        if looks_like_feed(fetched.content_type, fetched.body):
            yield from self.read_feed(fetched.body, url)
        else:
            yield self._page(fetched.body, fetched.content_type, url)

    def read_feed(self, body: bytes, source: str) -> Iterator[SourceItem]:
        entries = parse_feed(body, source)
        if isinstance(entries, InputProblem):
            yield entries
            return
        if not entries:
            yield InputProblem(source, "feed has no entries with links")
            return
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            yield from pool.map(self.read_entry, entries)

    def read_entry(self, entry: FeedEntry) -> SourceItem:
        if self.is_stored(entry.url):
            return AlreadyStored(entry.url)
        try:
            fetched = self.fetcher.fetch(entry.url)
        except FetchError as exc:
            return InputProblem(entry.url, str(exc))
        item = self._page(fetched.body, fetched.content_type, entry.url)
        if isinstance(item, Document):
            item.title = item.title or entry.title
            item.date = entry.date or item.date  # the feed's publication date is the most reliable
            item.source = item.source or entry.feed_title
        return item

    @staticmethod
    def _page(body: bytes, content_type: str, url: str) -> Document | InputProblem:
        if content_type == "text/plain":
            text = decode_bytes(body, url)
            return text if isinstance(text, InputProblem) else Document(text=text, url=url)
        if not body.strip():
            return InputProblem(url, "page is empty")
        return document_from_html(body, url, url)
