"""The fetcher against hostile servers: a total deadline per URL, no connections to this machine or its
network (also after redirects, from feed entries, and under DNS rebinding), and malformed URLs refused in
one line.

The test server listens on 127.0.0.1, so fetches that should succeed allow exactly that address
(``allowed_networks``); other loopback addresses (127.0.0.2, ::1) stand for the private targets.
"""

from __future__ import annotations

import ipaddress
import time

import pytest

from eventwatch.documents import Document, InputProblem
from eventwatch.ingest.fetch import FetchConfig, Fetcher, FetchError
from eventwatch.ingest.network import address_kind
from eventwatch.ingest.sources import SourceReader
from fixtures.store.local_server import LocalServer, page, rss

HERE = ("127.0.0.1/32",)
ARTICLE = page("Strike", ["Russia attacked Ukraine near Kharkiv on Thursday, officials in Kyiv said."])
NAMES = {  # a fake DNS for the names tests use
    "metadata.test": ["169.254.169.254"],
    "intranet.test": ["10.1.2.3"],
    "multicast.test": ["224.0.0.251"],
    "mapped.test": ["::ffff:127.0.0.1"],
    "mixed.test": ["93.184.216.34", "192.168.1.10"],
    "here.test": ["127.0.0.1"],
}


def fake_dns(host: str, port: int, timeout: float | None) -> list[str]:
    return NAMES[host]


def quick(**overrides) -> FetchConfig:
    return FetchConfig(**{"timeout": 3.0, "retries": 0, "backoff": 0.05, "allowed_networks": HERE, **overrides})


@pytest.fixture(scope="module")
def server():
    with LocalServer({"/article": (200, "text/html", ARTICLE)}) as s:
        other_loopback = s.url("/article").replace("127.0.0.1", "127.0.0.2")
        s.routes.update({
            "/to-data": (302, "text/plain", b"", {"Location": "data:text/html,<p>Russia attacked Ukraine.</p>"}),
            "/to-file": (302, "text/plain", b"", {"Location": "file:///etc/passwd"}),
            "/to-malformed": (302, "text/plain", b"", {"Location": "http://[::1"}),
            "/to-other-loopback": (302, "text/plain", b"", {"Location": other_loopback}),
            "/to-metadata": (302, "text/plain", b"", {"Location": "http://metadata.test/latest/meta-data/"}),
            "/to-ipv6-loopback": (302, "text/plain", b"", {"Location": f"http://[::1]:{s.httpd.server_address[1]}/"}),
            "/to-article": (301, "text/plain", b"", {"Location": "/article"}),
            "/loop": (302, "text/plain", b"", {"Location": "/loop"}),
            "/feed.xml": (200, "application/rss+xml", rss("Wire", [
                ("Fine", s.url("/article"), "Thu, 24 Feb 2022 06:00:00 GMT"),
                ("Metadata", "http://169.254.169.254/latest/meta-data/", "Thu, 24 Feb 2022 07:00:00 GMT"),
                ("Other", other_loopback, "Thu, 24 Feb 2022 08:00:00 GMT"),
                ("Local file", "file:///etc/passwd", "Thu, 24 Feb 2022 09:00:00 GMT"),
            ])),
        })  # fmt: skip
        yield s


@pytest.mark.parametrize(
    ("address", "kind"),
    [("127.0.0.1", "loopback"), ("10.0.0.1", "private"), ("172.16.5.4", "private"), ("192.168.0.1", "private"),
     ("169.254.169.254", "link-local"), ("224.0.0.1", "multicast"), ("0.0.0.0", "unspecified"),
     ("::1", "loopback"), ("fe80::1", "link-local"), ("fc00::1", "private"), ("ff02::1", "multicast"),
     ("::ffff:169.254.169.254", "link-local"), ("64:ff9b::a00:1", "private"), ("2002:7f00:1::", "loopback"),
     ("100.64.0.1", "reserved"), ("93.184.216.34", None), ("2606:4700::6810:84e5", None)],
)  # fmt: skip
def test_address_kinds(address: str, kind: str | None) -> None:
    assert address_kind(ipaddress.ip_address(address)) == kind


def test_this_machine_is_refused_by_default(server: LocalServer) -> None:
    with Fetcher(FetchConfig(timeout=3.0, retries=0)) as fetcher:
        with pytest.raises(FetchError, match=r"refusing to connect to 127\.0\.0\.1: a loopback address; use --allow"):
            fetcher.fetch(server.url("/article"))
        with pytest.raises(FetchError, match=r"localhost \(it resolves to (127\.0\.0\.1|::1)\)"):
            fetcher.fetch(server.url("/article").replace("127.0.0.1", "localhost"))
    assert "/article" not in server.hits  # refused before connecting
    with Fetcher(FetchConfig(timeout=3.0, retries=0, allow_private=True)) as fetcher:
        assert b"Russia attacked" in fetcher.fetch(server.url("/article")).body


@pytest.mark.parametrize(
    ("host", "reason"),
    [("metadata.test", "169.254.169.254): a link-local"), ("intranet.test", "10.1.2.3): a private"),
     ("mapped.test", "a loopback"), ("mixed.test", "192.168.1.10): a private")],
)  # fmt: skip
def test_names_resolving_to_private_addresses_are_refused(host: str, reason: str) -> None:
    with Fetcher(quick(allowed_networks=()), resolver=fake_dns) as fetcher, pytest.raises(FetchError) as refused:
        fetcher.fetch(f"http://{host}/latest/meta-data/")
    message = str(refused.value)
    assert message.startswith(f"refusing to connect to {host} (it resolves to") and reason in message


def test_multicast_is_refused_even_with_allow_private() -> None:
    fetcher = Fetcher(quick(allow_private=True), resolver=fake_dns)
    with fetcher, pytest.raises(FetchError, match="a multicast address$"):
        fetcher.fetch("http://multicast.test/")


def test_the_checked_address_is_the_one_connected_to(server: LocalServer) -> None:
    """DNS rebinding: a name that answers a checked address first and a private one afterwards. The
    fetcher resolves once per connection and connects to the address it checked."""
    answers = [["127.0.0.1"], ["169.254.169.254"]]
    calls: list[str] = []

    def rebinding(host: str, port: int, timeout: float | None) -> list[str]:
        calls.append(host)
        return answers[min(len(calls), 2) - 1]

    port = server.httpd.server_address[1]
    with Fetcher(quick(), resolver=rebinding) as fetcher:
        assert b"Russia attacked" in fetcher.fetch(f"http://rebind.test:{port}/article").body
    assert calls == ["rebind.test"]


@pytest.mark.parametrize(
    ("path", "message"),
    [("/to-data", "refusing redirect to a data: URL (only http and https are fetched)"),
     ("/to-file", "refusing redirect to a file: URL"),
     ("/to-malformed", "redirect to a malformed URL 'http://[::1' (Invalid IPv6 URL)"),
     ("/to-other-loopback", "refusing to connect to 127.0.0.2: a loopback address"),
     ("/to-ipv6-loopback", "refusing to connect to ::1: a loopback address"),
     ("/to-metadata", "refusing to connect to metadata.test (it resolves to 169.254.169.254): a link-local"),
     ("/loop", "too many redirects (more than 5)")],
)  # fmt: skip
def test_every_redirect_is_checked(server: LocalServer, path: str, message: str) -> None:
    fetcher = Fetcher(quick(), resolver=lambda host, port, timeout: NAMES.get(host) or [host])
    with fetcher, pytest.raises(FetchError) as refused:
        fetcher.fetch(server.url(path))
    assert str(refused.value).startswith(message)


def test_a_checked_redirect_is_followed(server: LocalServer) -> None:
    with Fetcher(quick()) as fetcher:
        fetched = fetcher.fetch(server.url("/to-article"))
    assert fetched.url == server.url("/article") and b"Russia attacked" in fetched.body


@pytest.mark.parametrize(
    "url", ["http://[::1", "http://a..b/", "http://x:99999/", "http://:80/", "https://" + "a" * 300 + ".test/",
            "ftp://example.org/x", "javascript:alert(1)", "http:///path-only"]
)  # fmt: skip
def test_malformed_urls_are_one_line_errors(url: str) -> None:
    with Fetcher(quick()) as fetcher, pytest.raises(FetchError) as failed:
        fetcher.fetch(url)
    assert "\n" not in str(failed.value) and str(failed.value)


@pytest.mark.parametrize("path", ["/drip", "/drip-head"])
def test_a_dripping_server_cannot_outlast_the_deadline(server: LocalServer, path: str) -> None:
    """One byte every 0.3 s never trips a per-read timeout; the deadline for the whole URL ends it,
    retries included."""
    started = time.monotonic()
    with Fetcher(quick(timeout=1.5, retries=3)) as fetcher, pytest.raises(FetchError, match="timed out"):
        fetcher.fetch(server.url(path))
    assert time.monotonic() - started < 2.5


def test_feed_entries_are_checked_like_any_url(server: LocalServer) -> None:
    with Fetcher(quick()) as fetcher:
        items = list(SourceReader(fetcher, workers=2).read([server.url("/feed.xml")]))
    docs = [i for i in items if isinstance(i, Document)]
    problems = {str(i).split(": ", 1)[0]: str(i).split(": ", 1)[1] for i in items if isinstance(i, InputProblem)}
    assert [d.url for d in docs] == [server.url("/article")]
    assert len(problems) == 3
    assert "refusing file: URL" in problems["file://etc/passwd"]
    assert problems["http://169.254.169.254/latest/meta-data/"].startswith("refusing to connect to 169.254.169.254")
    assert problems[server.url("/article").replace("127.0.0.1", "127.0.0.2")].startswith(
        "refusing to connect to 127.0.0.2: a loopback address"
    )


# -- compressed bodies: the cap holds for the inflated size -------------------------------------------


def _gzip_bomb(inflated: int) -> bytes:
    import gzip

    return gzip.compress(b"<p>" + b"a" * inflated, compresslevel=9)


@pytest.fixture(scope="module")
def packed(server: LocalServer) -> LocalServer:
    import gzip
    import zlib

    bomb = _gzip_bomb(200 * 2**20)  # 200 MB of text in about 200 KB
    server.routes.update({
        "/bomb": (200, "text/html", bomb, {"Content-Encoding": "gzip"}),
        "/bomb-twice": (200, "text/html", gzip.compress(bomb), {"Content-Encoding": "gzip, gzip"}),
        "/gzipped": (200, "text/html", gzip.compress(ARTICLE), {"Content-Encoding": "gzip"}),
        "/deflated": (200, "text/html", zlib.compress(ARTICLE), {"Content-Encoding": "deflate"}),
        "/raw-deflated": (200, "text/html", zlib.compress(ARTICLE)[2:-4], {"Content-Encoding": "deflate"}),
        "/broken-gzip": (200, "text/html", b"\x1f\x8bnot gzip at all", {"Content-Encoding": "gzip"}),
    })  # fmt: skip
    return server


def test_a_gzip_bomb_is_refused_at_the_cap_without_inflating_it(packed: LocalServer) -> None:
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with Fetcher(quick(max_bytes=2**20)) as fetcher:
        with pytest.raises(FetchError, match=r"over the 1\.0 MB limit once decompressed \(gzip\)"):
            fetcher.fetch(packed.url("/bomb"))
        with pytest.raises(FetchError, match="unsupported Content-Encoding 'gzip, gzip'"):
            fetcher.fetch(packed.url("/bomb-twice"))
        with pytest.raises(FetchError, match="does not decompress"):
            fetcher.fetch(packed.url("/broken-gzip"))
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 50, f"the fetcher's memory grew by {grown_mb:.0f} MB"


@pytest.mark.parametrize("path", ["/gzipped", "/deflated", "/raw-deflated"])
def test_compressed_pages_are_read(packed: LocalServer, path: str) -> None:
    with Fetcher(quick()) as fetcher:
        assert fetcher.fetch(packed.url(path)).body == ARTICLE


# -- proxies: honoured from the environment, the target still checked --------------------------------


class ForwardProxy:
    """A plain HTTP forward proxy on 127.0.0.1 sending every request to ``upstream`` (it resolves no
    names: every host is the test server), recording the URLs it was asked for."""

    def __init__(self, upstream: LocalServer) -> None:
        import http.client
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import urlsplit

        proxy = self
        self.asked: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                proxy.asked.append(self.path)
                con = http.client.HTTPConnection("127.0.0.1", upstream.httpd.server_address[1], timeout=5)
                con.request("GET", urlsplit(self.path).path)
                answer = con.getresponse()
                body = answer.read()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def unresolvable_here(host: str, port: int, timeout: float | None) -> list[str]:
    """This machine's resolver behind a proxy: outside names are unknown, the test names as in NAMES."""
    from eventwatch.ingest.network import HostNotFound

    if host in NAMES:
        return NAMES[host]
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        raise HostNotFound(f"cannot resolve {host}") from None


@pytest.fixture
def proxy(server: LocalServer, monkeypatch: pytest.MonkeyPatch):
    forward = ForwardProxy(server)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", forward.url)
    yield forward
    forward.close()


def test_the_environments_proxy_is_used_for_outside_names(proxy: ForwardProxy) -> None:
    """The proxy is on loopback - the user's choice, not a target - and the name resolves only there."""
    with Fetcher(FetchConfig(timeout=3.0, retries=0), resolver=unresolvable_here) as fetcher:
        fetched = fetcher.fetch("http://news.example/article")
    assert fetched.body == ARTICLE and proxy.asked == ["http://news.example/article"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [("http://169.254.169.254/latest/meta-data/", "refusing to connect to 169.254.169.254: a link-local"),
     ("http://metadata.test/", "metadata.test (it resolves to 169.254.169.254)"),
     ("http://127.0.0.1:8000/", "refusing to connect to 127.0.0.1: a loopback address")],
)  # fmt: skip
def test_through_a_proxy_private_targets_are_still_refused(proxy: ForwardProxy, url: str, reason: str) -> None:
    config = FetchConfig(timeout=3.0, retries=0)
    with Fetcher(config, resolver=unresolvable_here) as fetcher, pytest.raises(FetchError) as refused:
        fetcher.fetch(url)
    assert "checked before asking the proxy" in str(refused.value)
    assert reason in str(refused.value) and proxy.asked == []


def test_no_proxy_hosts_are_fetched_directly(proxy: ForwardProxy, server: LocalServer, monkeypatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with Fetcher(quick()) as fetcher:
        assert fetcher.fetch(server.url("/article")).body == ARTICLE
    assert proxy.asked == []
