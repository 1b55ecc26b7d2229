"""Polite, bounded HTTP fetching of feeds and article pages.

Every URL gets a total deadline (``timeout``: resolving, connecting, redirects, reading and retries
all included), a size cap, a user-agent and a few retries with exponential backoff for failures worth
retrying (dropped connections, 429 and 5xx). It refuses schemes other than http(s) - also as a redirect
target - and responses that are not text, so a link to a video or a PDF costs one header, not a
download. Connections go only to public addresses unless ``allow_private`` (see ``network``).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from eventwatch import __version__
from eventwatch.ingest.network import AddressRefused, HostNotFound, Resolver, deadline, guarded_transport, time_left
from eventwatch.isolation import one_line

TEXT_TYPES = (
    "application/xhtml+xml", "application/xml", "application/rss+xml", "application/atom+xml",
    "application/rdf+xml", "application/json", "application/feed+json",
)  # fmt: skip
RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class FetchConfig:
    timeout: float = 20.0  # seconds one URL may take in all: connecting, redirects, reading, retries
    max_bytes: int = 5 * 2**20  # no news article or feed is bigger; anything larger is not one
    retries: int = 2  # extra attempts after the first, while the deadline allows
    backoff: float = 1.0  # seconds before the first retry; doubles each time
    allow_private: bool = False  # also fetch from loopback, private and link-local addresses (intranet)
    allowed_networks: tuple[str, ...] = ()  # or only from these (CIDR, "10.20.0.0/16"): finer than allow_private
    max_redirects: int = 5
    user_agent: str = f"eventwatch/{__version__} (news event coder; +https://pypi.org/project/eventwatch/)"


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # after redirects
    content_type: str
    body: bytes
    charset: str | None


class _Redirect(Exception):  # noqa: N818 - control flow, never seen outside this module
    def __init__(self, location: str) -> None:
        self.location = location


def _stop_at_redirects(response: httpx.Response) -> None:
    """Hand a redirect to ``Fetcher.fetch``, which checks its target and follows it: httpx would parse
    the Location itself first, and fail on a data: or malformed URL with a protocol error."""
    if response.has_redirect_location:
        raise _Redirect(response.headers["location"])


class FetchError(Exception):
    """Why a URL could not be fetched, in one line; ``retry`` says whether trying again could help."""

    def __init__(self, message: str, retry: bool = False) -> None:
        super().__init__(message)
        self.retry = retry


def check_url(url: str, via: str = "") -> None:
    """Refuse what is not a well-formed http(s) URL, saying why; ``via`` says how it was reached
    ("redirect to a ")."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError as exc:
        raise FetchError(f"{via}malformed URL {url[:100]!r} ({exc})") from None
    if parts.scheme not in ("http", "https"):
        scheme = f"{parts.scheme}:" if parts.scheme else "scheme-less"
        raise FetchError(f"refusing {via}{scheme} URL (only http and https are fetched)")
    if not parts.hostname:
        raise FetchError(f"{via}URL without a host")


def _is_text(content_type: str) -> bool:
    return not content_type or content_type.startswith("text/") or content_type in TEXT_TYPES


def _fetch_once(client: httpx.Client, url: str, config: FetchConfig) -> Fetched | str:
    """The response to one request, or the URL it redirects to."""
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
    except _Redirect as redirect:
        try:
            target = urljoin(url, redirect.location.strip())
        except ValueError as exc:
            raise FetchError(f"redirect to a malformed URL {redirect.location[:100]!r} ({exc})") from None
        check_url(target, "redirect to a ")
        return target
    except (AddressRefused, HostNotFound) as exc:
        raise FetchError(str(exc)) from exc
    except httpx.TimeoutException as exc:
        raise FetchError(f"timed out: no complete response within {config.timeout:g}s", retry=True) from exc
    except httpx.TransportError as exc:
        raise FetchError(f"connection failed ({type(exc).__name__}: {one_line(exc)})", retry=True) from exc
    except (httpx.InvalidURL, ValueError) as exc:  # a host name IDNA cannot encode, ...
        raise FetchError(f"malformed URL ({one_line(exc)})") from exc
    except httpx.HTTPError as exc:  # a body that does not decompress, ...
        raise FetchError(f"cannot fetch ({type(exc).__name__}: {one_line(exc)})") from exc


class Fetcher:
    """One HTTP client reused for many fetches (keep-alive); thread-safe, so workers can share it.

    ``resolver`` replaces the system's name resolution (for tests)."""

    def __init__(self, config: FetchConfig | None = None, resolver: Resolver | None = None) -> None:
        self.config = config or FetchConfig()
        self.resolver = resolver
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
            transport=guarded_transport(self.config.allow_private, self.config.allowed_networks, self.resolver),
            timeout=httpx.Timeout(self.config.timeout),
            follow_redirects=False,  # followed by ``fetch``, which checks every target
            event_hooks={"response": [_stop_at_redirects]},
            headers={
                "User-Agent": self.config.user_agent,
                "Accept": "text/html,application/xhtml+xml,"
                "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/*;q=0.8",
            },
        )

    def fetch(self, url: str) -> Fetched:
        """The response body of ``url`` after redirects, within ``config.timeout`` seconds in all."""
        check_url(url)
        with deadline(self.config.timeout):
            delay = self.config.backoff
            for attempt in range(self.config.retries + 1):
                try:
                    return self._follow(url)
                except FetchError as exc:
                    last = attempt == self.config.retries or time_left() <= delay
                    if not exc.retry or last:
                        if attempt:
                            raise FetchError(f"{exc} (after {attempt + 1} attempts)") from exc
                        raise
                time.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")

    def _follow(self, url: str) -> Fetched:
        for _ in range(self.config.max_redirects + 1):
            found = _fetch_once(self._client, url, self.config)
            if isinstance(found, Fetched):
                return found
            url = found
        raise FetchError(f"too many redirects (more than {self.config.max_redirects})")

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
