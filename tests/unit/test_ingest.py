"""Ingest: fetching (timeouts, retries, caps, refusals), feeds, pages, local files and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventwatch.documents import Document, InputProblem, document_from_html
from eventwatch.ingest.feeds import looks_like_feed, parse_feed
from eventwatch.ingest.fetch import FetchConfig, Fetcher, FetchError
from eventwatch.ingest.pipeline import count_sentences
from eventwatch.ingest.sources import SourceReader, is_url
from eventwatch.ingest.watch import parse_interval
from eventwatch.store import Store
from fixtures.store.fake_coder import FakeCoder
from fixtures.store.local_server import LocalServer, page, rss

FAST = FetchConfig(timeout=1.0, retries=2, backoff=0.01, max_bytes=100_000, allow_private=True)  # a local server
ARTICLE = page("Russia attacks Ukraine", [
    "KYIV - Russia attacked Ukraine on Thursday, officials in Kyiv said, as explosions shook the capital.",
    "Washington condemned Moscow and promised new sanctions.",
])  # fmt: skip


@pytest.fixture(scope="module")
def server():
    routes = {
        "/article": (200, "text/html; charset=utf-8", ARTICLE),
        "/empty-page": (200, "text/html", page("Index", [])),
        "/plain": (200, "text/plain", b"Russia attacked Ukraine, said Kyiv."),
        "/image": (200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100),
        "/big": (200, "text/html", b"<p>" + b"x" * 200_000 + b"</p>"),
        "/error": (500, "text/plain", b"oops"),
        "/feed.xml": (200, "application/rss+xml", rss("Test Wire", [
            ("Attack", "/article", "Thu, 24 Feb 2022 06:00:00 GMT"),
            ("Plain", "/plain", "Fri, 25 Feb 2022 06:00:00 GMT"),
            ("Gone", "/gone", "Fri, 25 Feb 2022 07:00:00 GMT"),
        ])),
        "/not-a-feed.xml": (200, "application/rss+xml", b"{\"this\": \"is json\"}"),
    }  # fmt: skip
    with LocalServer(routes) as s:
        # feed links must be absolute
        s.routes["/feed.xml"] = (200, "application/rss+xml", rss("Test Wire", [
            ("Attack", s.url("/article"), "Thu, 24 Feb 2022 06:00:00 GMT"),
            ("Plain", s.url("/plain"), "Fri, 25 Feb 2022 06:00:00 GMT"),
            ("Gone", s.url("/gone"), "Fri, 25 Feb 2022 07:00:00 GMT"),
        ]))  # fmt: skip
        yield s


@pytest.fixture(scope="module")
def fetcher():
    with Fetcher(FAST) as f:
        yield f


def test_fetch_page_sends_a_user_agent(server: LocalServer, fetcher: Fetcher) -> None:
    fetched = fetcher.fetch(server.url("/article"))
    assert fetched.content_type == "text/html" and b"Russia attacked" in fetched.body
    assert "eventwatch/" in FetchConfig().user_agent


def test_404_is_not_retried_and_500_is(server: LocalServer, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        fetcher.fetch(server.url("/missing"))
    assert server.hits["/missing"] == 1
    with pytest.raises(FetchError, match=r"HTTP 500.*after 3 attempts"):
        fetcher.fetch(server.url("/error"))
    assert server.hits["/error"] == 3


def test_timeout(server: LocalServer) -> None:
    quick = Fetcher(FetchConfig(timeout=0.3, retries=0, allow_private=True))
    with quick, pytest.raises(FetchError, match="timed out"):
        quick.fetch(server.url("/slow"))


def test_refuses_non_text_oversize_and_other_schemes(server: LocalServer, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="not text"):
        fetcher.fetch(server.url("/image"))
    with pytest.raises(FetchError, match="limit"):
        fetcher.fetch(server.url("/big"))
    for url in ("ftp://example.org/x", "file:///etc/passwd"):
        with pytest.raises(FetchError, match="refusing"):
            fetcher.fetch(url)


def test_html_extraction_gets_text_and_metadata() -> None:
    doc = document_from_html(ARTICLE, "page.html", "https://t.test/a")
    assert isinstance(doc, Document)
    assert doc.text.startswith("KYIV - Russia attacked Ukraine") and "Home" not in doc.text
    assert (doc.title, doc.date, doc.source, doc.url) == ("Russia attacks Ukraine", "2022-02-24", "Test Wire",
                                                          "https://t.test/a")  # fmt: skip
    assert isinstance(document_from_html(page("Index", []), "index.html"), InputProblem)


def test_feeds(server: LocalServer) -> None:
    body = server.routes["/feed.xml"][2]
    assert looks_like_feed("text/xml", body) and not looks_like_feed("text/html", ARTICLE)
    entries = parse_feed(body, "feed")
    assert [e.date for e in entries] == ["2022-02-24", "2022-02-25", "2022-02-25"]
    assert entries[0].feed_title == "Test Wire"
    problem = parse_feed(b"this is not xml at all", "bad-feed")
    assert isinstance(problem, InputProblem) and "not an RSS/Atom feed" in str(problem)


def test_reading_a_feed_url_fetches_each_entry(server: LocalServer, fetcher: Fetcher) -> None:
    items = list(SourceReader(fetcher, workers=2).read([server.url("/feed.xml")]))
    docs = [i for i in items if isinstance(i, Document)]
    problems = [str(i) for i in items if isinstance(i, InputProblem)]
    assert [d.date for d in docs] == ["2022-02-24", "2022-02-25"]
    assert docs[0].source == "Test Wire" and docs[1].text.startswith("Russia attacked")
    assert problems == [f"{server.url('/gone')}: HTTP 404 Not Found"]


def test_bad_sources_each_name_themselves(tmp_path: Path, server: LocalServer, fetcher: Fetcher) -> None:
    (tmp_path / "good.txt").write_text("Russia attacked Ukraine.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02garbage" * 10)
    (tmp_path / "lines.jsonl").write_text(json.dumps({"text": "Israel attacked Hamas."}) + "\n{oops\n")
    (tmp_path / "nothing.html").write_text("<html><body><nav>Home</nav></body></html>")
    (tmp_path / "feed.rss").write_text("not xml")
    with (tmp_path / "huge.txt").open("wb") as big:
        big.truncate(50 * 2**20)
    sources = [str(tmp_path), server.url("/empty-page"), server.url("/not-a-feed.xml"), "missing.txt"]
    items = list(SourceReader(fetcher).read(sources))
    docs = [i for i in items if isinstance(i, Document)]
    problems = sorted(str(i) for i in items if isinstance(i, InputProblem))
    assert sorted(d.text for d in docs) == ["Israel attacked Hamas.", "Russia attacked Ukraine."]
    expected = [
        f"{tmp_path}/binary.txt: input looks like binary data",
        f"{tmp_path}/empty.txt: input is empty",
        f"{tmp_path}/feed.rss: not an RSS/Atom feed",
        f"{tmp_path}/huge.txt: file is 52 MB; the limit is 20 MiB",
        f"{tmp_path}/lines.jsonl:2: not valid JSON",
        f"{tmp_path}/nothing.html: no article text found in the HTML page",
        f"{server.url('/empty-page')}: no article text found in the HTML page",
        f"{server.url('/not-a-feed.xml')}: not an RSS/Atom feed",
        "missing.txt: no such file or folder",
    ]
    assert len(problems) == len(expected)
    for got, want in zip(problems, sorted(expected), strict=True):
        assert got.startswith(want), (got, want)


def test_ingest_of_a_feed_skips_known_urls_without_fetching(tmp_path: Path, server: LocalServer) -> None:
    store = Store(tmp_path / "feed.duckdb")
    first = store.ingest([server.url("/feed.xml")], coder=FakeCoder(), fetch_config=FAST)
    assert (first.articles, len(first.problems)) == (2, 1)
    hits = server.hits["/article"]
    again = store.ingest([server.url("/feed.xml")], coder=FakeCoder(), fetch_config=FAST)
    assert (again.articles, again.skipped) == (0, 2)
    assert server.hits["/article"] == hits  # not fetched again
    stored = store.sql("SELECT url, date, source FROM articles ORDER BY date", as_="records")
    assert stored[0]["url"] == server.url("/article") and str(stored[0]["date"]) == "2022-02-24"


def test_small_helpers() -> None:
    assert count_sentences("One. Two? \"Three!\" four. Five.") == 4
    assert count_sentences("  ") == 0
    assert parse_interval("15m") == 900 and parse_interval("30s") == 30 and parse_interval("2") == 2
    with pytest.raises(ValueError):
        parse_interval("soon")
    assert is_url("https://x.test/a") and is_url("ftp://x") and not is_url("C:/data/x.txt")
    assert not is_url("folder/file.txt")
