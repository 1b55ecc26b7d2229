"""From the SOURCE arguments of ``eventwatch ingest`` to documents.

A source is a file (.txt, .jsonl, .csv, .html, or a .rss/.atom/.xml feed), a folder of them, an
http(s) URL of an article page or of a feed, or a ready ``Document``. Every source yields documents or
problems naming it, never an exception, so one bad source leaves the rest of the batch alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from eventwatch.compression import compression, inner_suffix
from eventwatch.documents import (
    HTML_SUFFIXES,
    RECORD_SUFFIXES,
    Document,
    InputProblem,
    document_from_bytes,
    document_from_html,
    document_from_record,
    read_bytes,
    read_path,
)
from eventwatch.ingest.feeds import FEED_SUFFIXES, FeedEntry, looks_like_feed, parse_feed
from eventwatch.ingest.fetch import Fetcher, FetchError
from eventwatch.isolation import guarded, where

FILE_SUFFIXES = (".txt", *RECORD_SUFFIXES, *HTML_SUFFIXES, *FEED_SUFFIXES)


@dataclass(frozen=True, slots=True)
class AlreadyStored:
    """A feed entry whose URL is already in the store: not fetched again."""

    source: str


SourceItem = Document | InputProblem | AlreadyStored


def is_url(source: str) -> bool:
    # Any scheme counts, so that ftp:// or file:// is refused by the fetcher with a clear message.
    scheme, sep, _ = source.partition("://")
    return bool(sep) and len(scheme) > 1 and scheme.isalpha()


def _is_read(path: Path) -> bool:
    """Whether a folder's file is one ingest reads: by its suffix, or a compressed record file's."""
    return path.suffix.lower() in FILE_SUFFIXES or (bool(compression(path)) and inner_suffix(path) in RECORD_SUFFIXES)


def files_in(folder: Path) -> Iterator[Path | InputProblem]:
    """The files of a folder and its sub-folders that ingest reads, in name order, hidden ones left out;
    a problem for every sub-folder that cannot be listed (instead of skipping it silently)."""
    unreadable: list[InputProblem] = []

    def report(exc: OSError) -> None:
        unreadable.append(InputProblem(str(exc.filename or folder), f"cannot read folder: {exc.strerror or exc}"))

    files: list[Path] = []
    for root, folders, names in os.walk(folder, onerror=report):
        folders[:] = [name for name in folders if not name.startswith(".")]
        files += (Path(root, n) for n in names if not n.startswith(".") and _is_read(Path(n)))
    yield from unreadable
    if not files and not unreadable:
        yield InputProblem(str(folder), f"folder has no {', '.join(FILE_SUFFIXES)} files")
    yield from sorted(files)


class SourceReader:
    """Turns sources into documents, fetching with ``fetcher`` and skipping URLs ``is_stored`` knows.

    Each source (and each file of a folder, each entry of a feed) is read under ``guarded``: if its
    reading fails, it becomes one problem and the next one is read."""

    def __init__(
        self, fetcher: Fetcher, workers: int = 1, is_stored: Callable[[str], bool] | None = None
    ) -> None:
        self.fetcher = fetcher
        self.workers = max(1, workers)
        self.is_stored = is_stored or (lambda url: False)

    def read(self, sources: Iterable[str | Path | Document]) -> Iterator[SourceItem]:
        for source in sources:
            if isinstance(source, Document):
                # The same rules as a record read from a file (a posted text may hold anything).
                yield document_from_record(source.to_dict(), where(source))
            elif isinstance(source, str) and is_url(source):
                yield from guarded(source, self.read_url(source))
            else:
                yield from guarded(str(source), self.read_local(Path(source)))

    def read_local(self, path: Path) -> Iterator[SourceItem]:
        if path.is_dir():
            for file in files_in(path):
                if isinstance(file, InputProblem):
                    yield file
                else:
                    yield from guarded(str(file), self.read_local(file))
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
            yield from self._page(fetched.body, fetched.content_type, url)

    def read_feed(self, body: bytes, source: str) -> Iterator[SourceItem]:
        entries = parse_feed(body, source)
        if isinstance(entries, InputProblem):
            yield entries
            return
        if not entries:
            yield InputProblem(source, "feed has no entries with links")
            return
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            for items in pool.map(lambda entry: list(guarded(entry.url, self.read_entry(entry))), entries):
                yield from items

    def read_entry(self, entry: FeedEntry) -> Iterator[SourceItem]:
        """The article an entry links to (fetched under the same rules as any URL), with the feed's
        title and date."""
        if self.is_stored(entry.url):
            yield AlreadyStored(entry.url)
            return
        try:
            fetched = self.fetcher.fetch(entry.url)
        except FetchError as exc:
            yield InputProblem(entry.url, str(exc))
            return
        for item in self._page(fetched.body, fetched.content_type, entry.url):
            if isinstance(item, Document):
                item.title = item.title or entry.title
                item.date = entry.date or item.date  # the feed's publication date is the most reliable
                item.source = item.source or entry.feed_title
            yield item

    @staticmethod
    def _page(body: bytes, content_type: str, url: str) -> Iterator[Document | InputProblem]:
        if content_type == "text/plain":
            yield from document_from_bytes(body, url, url=url)
        elif not body.strip():
            yield InputProblem(url, "page is empty")
        else:
            yield document_from_html(body, url, url)
