"""Where the fetcher may connect, and for how long.

A page, a feed entry or a redirect can point the fetcher at this machine or its network (``127.0.0.1``,
``10.0.0.5``, the cloud metadata service at ``169.254.169.254``), and what it fetches is then readable
through the API. So every connection is checked when it is made, below HTTP: the host name is resolved
once, every address it resolves to must be public, and the socket connects to that checked address, so
a DNS answer that changes between the check and the connection (rebinding) cannot move it; the address
actually connected to is checked once more. Redirects are new connections, checked the same way.

Every network operation of a fetch - resolving, connecting, the TLS handshake, each read and write -
also gets only the time left before the fetch's deadline (``deadline()``), so a server that sends one
byte every few seconds cannot keep a fetch alive past it.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int, float | None], list[str]]  # host, port, seconds -> addresses
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NEVER = ("multicast", "unspecified")  # not a web server even on an intranet
_deadline: ContextVar[float | None] = ContextVar("eventwatch_fetch_deadline", default=None)


class AddressRefused(Exception):
    """A connection the fetcher must not make (its one-line message says why)."""


class HostNotFound(Exception):
    """A host name that does not exist (trying again will not help, unlike a resolver that timed out)."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Network operations in this block (in this thread) end by ``seconds`` from now."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def time_left() -> float:
    """Seconds before the current deadline (infinite outside ``deadline()``)."""
    end = _deadline.get()
    return float("inf") if end is None else end - time.monotonic()


def _within(timeout: float | None, expired: type[Exception]) -> float | None:
    left = time_left()
    if left <= 0:
        raise expired("the fetch's deadline has passed")
    return left if timeout is None else min(timeout, left)


def address_kind(address: IPAddress) -> str | None:
    """What makes an address not a public one ("loopback", "private", "link-local", "multicast",
    "unspecified", "reserved"), or None for a public unicast address. IPv6 forms that embed an IPv4
    address (::ffff:127.0.0.1, 6to4, Teredo, NAT64) are judged by that address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return address_kind(embedded)
    for kind, found in (
        ("loopback", address.is_loopback), ("link-local", address.is_link_local),
        ("multicast", address.is_multicast), ("unspecified", address.is_unspecified),
        ("private", address.is_private), ("reserved", address.is_reserved or not address.is_global),
    ):  # fmt: skip
        if found:
            return kind
    return None


def refusal(host: str, address: IPAddress, allow_private: bool, allowed: Iterable[IPNetwork] = ()) -> str | None:
    """Why connecting to ``address`` (for ``host``) is refused, or None when it is allowed: it is
    public, or ``allow_private`` / one of the ``allowed`` networks lets it through."""
    kind = address_kind(address)
    if kind is None or (kind not in _NEVER and (allow_private or any(address in net for net in allowed))):
        return None
    what = f"{address}" if host == str(address) else f"{host} (it resolves to {address})"
    hint = "" if kind in _NEVER else "; use --allow-private for feeds on your own network"
    return f"refusing to connect to {what}: a {kind} address{hint}"


def resolve(host: str, port: int, timeout: float | None) -> list[str]:
    """The addresses of ``host``, in the resolver's order, within ``timeout`` seconds (the system
    resolver has no timeout of its own, so it runs in a thread that is abandoned if it hangs)."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    found: list[Any] = []

    def lookup() -> None:
        try:
            found.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:
            found.append(exc)

    thread = threading.Thread(target=lookup, name=f"resolve {host}", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise httpcore.ConnectTimeout(f"resolving {host} took too long")
    if found and isinstance(found[0], Exception):
        error = found[0]
        reason = f"cannot resolve {host}: {getattr(error, 'strerror', None) or error}"
        if getattr(error, "errno", None) in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", None)):
            raise HostNotFound(reason)
        raise httpcore.ConnectError(reason)
    return list(dict.fromkeys(info[4][0] for info in found))


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every operation ends by the fetch's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _within(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _within(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Any:
        inner = self._inner.start_tls(ssl_context, server_hostname, _within(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """Opens TCP connections only to checked addresses, each under the fetch's deadline."""

    def __init__(
        self, allow_private: bool = False, allowed_networks: Iterable[str] = (), resolver: Resolver | None = None
    ) -> None:
        self.allow_private = allow_private
        self.allowed = [ipaddress.ip_network(net) for net in allowed_networks]
        self.resolver = resolver or resolve
        self._tcp = httpcore.SyncBackend()

    def check(self, host: str, addresses: Iterable[str]) -> list[IPAddress]:
        """The ``addresses`` of ``host``, all allowed; else ``AddressRefused`` saying why."""
        checked = [ipaddress.ip_address(a.partition("%")[0]) for a in addresses]
        for address in checked:  # one refused address refuses the host: no picking among its answers
            reason = refusal(host, address, self.allow_private, self.allowed)
            if reason:
                raise AddressRefused(reason)
        return checked

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self.resolver(host, port, _within(timeout, httpcore.ConnectTimeout))
        if not addresses:
            raise httpcore.ConnectError(f"{host} has no address")
        failure: Exception | None = None
        for address in self.check(host, addresses):
            try:
                stream = self._tcp.connect_tcp(
                    str(address), port, _within(timeout, httpcore.ConnectTimeout), local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            try:
                self.check(host, [stream.get_extra_info("server_addr")[0]])
            except AddressRefused:
                stream.close()
                raise
            return _DeadlineStream(stream)
        assert failure is not None
        raise failure

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None) -> Any:
        raise AddressRefused("refusing to connect to a unix socket")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def guarded_transport(
    allow_private: bool = False, allowed_networks: Iterable[str] = (), resolver: Resolver | None = None
) -> httpx.HTTPTransport:
    """An httpx transport whose connections all go through ``GuardedBackend``."""
    ssl_context = httpx.create_ssl_context()
    transport = httpx.HTTPTransport(verify=ssl_context)
    # httpx has no public way to give its connection pool a network backend, so the transport's pool
    # is replaced by one that uses ours; tests/unit/test_fetch_guard.py fails if httpx stops using it.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=ssl_context, network_backend=GuardedBackend(allow_private, allowed_networks, resolver),
        max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0,
    )  # fmt: skip
    return transport


def proxied_transport(proxy: str) -> httpx.HTTPTransport:
    """An httpx transport through ``proxy``. Its connections - to the proxy, which the user chose and
    which may well be on the private network - get the fetch's deadline; the guard checks the target
    before each request instead (``Fetcher``)."""
    ssl_context = httpx.create_ssl_context()
    url = httpx.URL(proxy if "://" in proxy else f"http://{proxy}")
    if url.scheme not in ("http", "https"):
        raise ValueError(f"unsupported proxy {proxy!r}: only http:// and https:// proxies")
    settings = httpx.Proxy(url)
    transport = httpx.HTTPTransport(verify=ssl_context, proxy=settings)
    # As in ``guarded_transport``: the pool is replaced by one whose connections obey the deadline.
    transport._pool = httpcore.HTTPProxy(
        proxy_url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path),
        proxy_auth=settings.raw_auth, proxy_headers=settings.headers.raw, ssl_context=ssl_context,
        proxy_ssl_context=settings.ssl_context, network_backend=GuardedBackend(allow_private=True),
        max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0,
    )  # fmt: skip
    return transport
