"""Polite, bounded HTTP fetching of feeds and article pages.

Every URL gets a total deadline (``timeout``: resolving, connecting, redirects, reading and retries
all included), a size cap, a user-agent and a few retries with exponential backoff for failures worth
retrying (dropped connections, 429 and 5xx). It refuses schemes other than http(s) - also as a redirect
target - and responses that are not text, so a link to a video or a PDF costs one header, not a
download. Connections go only to public addresses unless ``allow_private`` (see ``network``).

The size cap holds for the decompressed body too: a gzip or deflate body is inflated here, chunk by
chunk, never more than the bytes still allowed at once, so a small "gzip bomb" that would inflate to
gigabytes is refused after ``max_bytes``, not held in memory; a body compressed twice is refused.

Proxies: like other HTTP clients the fetcher honours ``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY`` and
``NO_PROXY`` (``proxy``, when given, replaces them). Through a proxy the fetcher cannot see the address
the proxy connects to, so the guard checks the target instead, before every request and redirect: an IP
literal or a name resolving (here) to a loopback, private or link-local address is refused as without a
proxy. A name this machine cannot resolve is left to the proxy (behind a proxy, outside names often
resolve only there); the proxy itself may be on the private network - the user chose it.
"""

from __future__ import annotations

import threading
import time
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from eventwatch import __version__
from eventwatch.ingest.network import (
    AddressRefused,
    GuardedBackend,
    HostNotFound,
    Resolver,
    deadline,
    guarded_transport,
    proxied_transport,
    resolve,
    time_left,
)
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
    proxy: str | None = None  # http://proxy:3128 for every URL; None: $HTTP_PROXY/$HTTPS_PROXY/$NO_PROXY
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
            encoding = response.headers.get("content-encoding", "")
            for chunk in _inflated(response.iter_raw(), encoding, config.max_bytes):
                size += len(chunk)
                if size > config.max_bytes:
                    raise FetchError(f"response is over the {config.max_bytes / 1e6:.1f} MB limit{_unpacked(encoding)}")
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


ACCEPT_ENCODING = "gzip, deflate"  # what ``_inflated`` can bound; brotli and zstd are not asked for


def _unpacked(encoding: str) -> str:
    return f" once decompressed ({encoding})" if encoding.strip().lower() not in ("", "identity") else ""


def _inflated(raw: Iterator[bytes], encoding: str, max_bytes: int) -> Iterator[bytes]:
    """The body decoded from its Content-Encoding, each piece at most ``max_bytes + 1`` bytes however
    much the compressed chunk would inflate to (the caller stops at ``max_bytes``)."""
    codings = [c.strip().lower() for c in encoding.split(",") if c.strip() and c.strip().lower() != "identity"]
    if not codings:
        yield from raw
        return
    if len(codings) > 1 or codings[0] not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(f"unsupported Content-Encoding {encoding[:60]!r} (only one layer of gzip or deflate)")
    # gzip: wbits 16+15; deflate: zlib-wrapped as the standard says, or raw as some servers send it.
    inflater = zlib.decompressobj(31 if codings[0] != "deflate" else 15)
    first = True
    for chunk in raw:
        if first and codings[0] == "deflate" and chunk and (chunk[0] & 0x0F) != 8:
            inflater = zlib.decompressobj(-15)
        first = False
        pending = chunk
        while pending:
            try:
                piece = inflater.decompress(pending, max_bytes + 1)
            except zlib.error as exc:
                raise FetchError(f"the body does not decompress ({codings[0]}: {exc})") from None
            if piece:
                yield piece
            pending = inflater.unconsumed_tail
            if inflater.eof:
                return  # trailing bytes after the compressed stream are ignored, as browsers do


def proxy_for(url: str, config: FetchConfig) -> str | None:
    """The proxy ``url`` is fetched through: ``config.proxy``, else the one the environment gives its
    scheme (``HTTPS_PROXY``, ``HTTP_PROXY``, ``ALL_PROXY``) unless ``NO_PROXY`` names its host."""
    if config.proxy:
        return config.proxy
    proxies = urllib.request.getproxies_environment()
    parts = urlsplit(url)
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy or urllib.request.proxy_bypass_environment(parts.netloc, proxies):
        return None
    return proxy


class Fetcher:
    """One HTTP client reused for many fetches (keep-alive); thread-safe, so workers can share it.

    ``resolver`` replaces the system's name resolution (for tests)."""

    def __init__(self, config: FetchConfig | None = None, resolver: Resolver | None = None) -> None:
        self.config = config or FetchConfig()
        self.resolver = resolver
        self._lock = threading.Lock()
        self._clients: dict[str | None, httpx.Client] = {}  # by proxy (None: direct)
        self._guard = GuardedBackend(self.config.allow_private, self.config.allowed_networks, resolver)

    def _client(self, proxy: str | None) -> httpx.Client:
        # Made on first use: building the TLS context costs tens of milliseconds, wasted on local files.
        with self._lock:
            if proxy not in self._clients:
                self._clients[proxy] = self._make_client(proxy)
            return self._clients[proxy]

    def _make_client(self, proxy: str | None) -> httpx.Client:
        config = self.config
        transport = (
            proxied_transport(proxy) if proxy
            else guarded_transport(config.allow_private, config.allowed_networks, self.resolver)
        )  # fmt: skip
        return httpx.Client(
            transport=transport,
            trust_env=False,  # the environment's proxies are chosen by ``proxy_for``, per URL
            timeout=httpx.Timeout(self.config.timeout),
            follow_redirects=False,  # followed by ``fetch``, which checks every target
            event_hooks={"response": [_stop_at_redirects]},
            headers={
                "User-Agent": self.config.user_agent,
                "Accept-Encoding": ACCEPT_ENCODING,
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
            proxy = proxy_for(url, self.config)
            if proxy:
                self._check_target(url)
            found = _fetch_once(self._client(proxy), url, self.config)
            if isinstance(found, Fetched):
                return found
            url = found
        raise FetchError(f"too many redirects (more than {self.config.max_redirects})")

    def _check_target(self, url: str) -> None:
        """Before a request through a proxy: refuse a target host that is, or resolves here to, an
        address the fetcher would not connect to itself; a name that does not resolve here is the
        proxy's to resolve."""
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            addresses = (self.resolver or resolve)(host, port, max(0.1, min(time_left(), self.config.timeout)))
        except (HostNotFound, httpcore.ConnectError, httpcore.ConnectTimeout):
            return
        try:
            self._guard.check(host, addresses)
        except AddressRefused as exc:
            raise FetchError(f"{exc} (checked before asking the proxy)") from None

    def close(self) -> None:
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
