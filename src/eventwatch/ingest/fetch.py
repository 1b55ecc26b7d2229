"""Polite, bounded HTTP fetching of feeds and article pages.

Every fetch has timeouts, a size cap, a user-agent and a few retries with exponential backoff for
failures worth retrying (timeouts, dropped connections, 429 and 5xx). It refuses schemes other than
http(s) and responses that are not text, so a link to a video or a PDF costs one header, not a download.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from eventwatch import __version__
from eventwatch.documents import InputProblem, decode_bytes

TEXT_TYPES = (
    "application/xhtml+xml", "application/xml", "application/rss+xml", "application/atom+xml",
    "application/rdf+xml", "application/json", "application/feed+json",
)  # fmt: skip
RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class FetchConfig:
    timeout: float = 20.0  # seconds, for connecting and for each read
    max_bytes: int = 5 * 2**20  # no news article or feed is bigger; anything larger is not one
    retries: int = 2  # extra attempts after the first
    backoff: float = 1.0  # seconds before the first retry; doubles each time
    user_agent: str = f"eventwatch/{__version__} (news event coder; +https://pypi.org/project/eventwatch/)"


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # after redirects
    content_type: str
    body: bytes
    charset: str | None

    def text(self) -> str | InputProblem:
        if self.charset:
            try:
                return self.body.decode(self.charset)
            except (LookupError, UnicodeDecodeError):
                pass
        return decode_bytes(self.body, self.url)


class FetchError(Exception):
    """Why a URL could not be fetched, in one line; ``retry`` says whether trying again could help."""

    def __init__(self, message: str, retry: bool = False) -> None:
        super().__init__(message)
        self.retry = retry


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"refusing {parts.scheme or 'scheme-less'} URL (only http and https are fetched)")
    if not parts.netloc:
        raise FetchError("URL has no host")


def _is_text(content_type: str) -> bool:
    return not content_type or content_type.startswith("text/") or content_type in TEXT_TYPES


def _fetch_once(client: httpx.Client, url: str, config: FetchConfig) -> Fetched:
    try:
        with client.stream("GET", url) as response:
            if response.status_code >= 400:
                retry = response.status_code in RETRY_STATUS
                raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}".strip(), retry=retry)
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if not _is_text(content_type):
                raise FetchError(f"response is not text (Content-Type {content_type})")
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > config.max_bytes:
                raise FetchError(
                    f"response is {int(declared) / 1e6:.1f} MB; the limit is {config.max_bytes / 1e6:.1f} MB"
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > config.max_bytes:
                    raise FetchError(f"response is over the {config.max_bytes / 1e6:.1f} MB limit")
                chunks.append(chunk)
            return Fetched(str(response.url), content_type, b"".join(chunks), response.charset_encoding)
    except httpx.TimeoutException as exc:
        raise FetchError(f"timed out after {config.timeout:g}s ({type(exc).__name__})", retry=True) from exc
    except httpx.TooManyRedirects as exc:
        raise FetchError("too many redirects") from exc
    except httpx.UnsupportedProtocol as exc:
        raise FetchError(f"refusing redirect to a non-http(s) URL ({exc})") from exc
    except httpx.TransportError as exc:
        raise FetchError(f"connection failed ({type(exc).__name__}: {exc})", retry=True) from exc


class Fetcher:
    """One HTTP client reused for many fetches (keep-alive); thread-safe, so workers can share it."""

    def __init__(self, config: FetchConfig | None = None) -> None:
        self.config = config or FetchConfig()
        self._lock = threading.Lock()
        self._http: httpx.Client | None = None

    @property
    def _client(self) -> httpx.Client:
        # Made on first use: building the TLS context costs tens of milliseconds, wasted on local files.
        with self._lock:
            if self._http is None:
                self._http = self._make_client()
            return self._http

    def _make_client(self) -> httpx.Client:
        return httpx.Client(
            timeout=httpx.Timeout(self.config.timeout),
            follow_redirects=True,
            max_redirects=5,
            headers={
                "User-Agent": self.config.user_agent,
                "Accept": "text/html,application/xhtml+xml,"
                "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/*;q=0.8",
            },
        )

    def fetch(self, url: str) -> Fetched:
        check_url(url)
        delay = self.config.backoff
        for attempt in range(self.config.retries + 1):
            try:
                return _fetch_once(self._client, url, self.config)
            except FetchError as exc:
                if not exc.retry or attempt == self.config.retries:
                    if attempt:
                        raise FetchError(f"{exc} (after {attempt + 1} attempts)") from exc
                    raise
            time.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
