"""Answers to GET requests, reused while the store is exactly as it was when they were computed.

A dashboard and its analysts ask the same questions again and again between two writes - the newest
page of events, the series of the dyad on screen, the alerts of the day. Each answer is kept with the
store's *data version* (``Backend.data_version``: a number every write changes, whoever the writer), and
reused only while the version is unchanged, so it is never stale. The cache is bounded in entries and
bytes (least recently used out first); a backend that cannot tell its version gets nothing cached.

Identical requests arriving together are computed once (``answer``): the first computes, the others
wait for its answer instead of each scanning the store again - fifty dashboards opening the same
alert scan cost one scan.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

import anyio.to_thread
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send


def answer_key(path: str, query_string: bytes) -> str:
    """The cache key of a GET: its path and its query parameters in a canonical order."""
    params = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    return path + "?" + urlencode(sorted(params))


class AnswerCache:
    def __init__(self, max_entries: int = 512, max_bytes: int = 64 * 2**20) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, tuple[Any, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._computing: dict[tuple[str, Any], threading.Event] = {}
        self.hits = self.misses = 0

    def answer(self, key: str, version: Any, compute: Callable[[], bytes], wait_seconds: float) -> bytes:
        """The cached answer for ``key`` at ``version``, else ``compute()``'s (then cached). While another
        thread computes the same key, wait for it (up to ``wait_seconds``) rather than compute it twice; if
        it failed or took longer, compute here."""
        body = self.get(key, version)
        if body is not None or version is None:
            return body if body is not None else compute()
        with self._lock:
            running = self._computing.get((key, version))
            if running is None:
                running = self._computing[(key, version)] = threading.Event()
                leader = True
            else:
                leader = False
        if not leader:
            running.wait(wait_seconds)
            body = self.get(key, version)
            return body if body is not None else compute()
        try:
            body = compute()
            self.put(key, version, body)
            return body
        finally:
            with self._lock:
                self._computing.pop((key, version), None)
            running.set()

    def holds(self, key: str) -> bool:
        """Whether some answer to ``key`` is kept (for whatever version)."""
        return key in self._entries

    def get(self, key: str, version: Any) -> bytes | None:
        if version is None:
            return None
        with self._lock:
            found = self._entries.get(key)
            if found is None or found[0] != version:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found[1]

    def put(self, key: str, version: Any, body: bytes) -> None:
        if version is None or len(body) > self.max_bytes // 4:  # one huge answer must not flush the rest
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[1])
            self._entries[key] = (version, body)
            self._bytes += len(body)
            while self._entries and (len(self._entries) > self.max_entries or self._bytes > self.max_bytes):
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= len(dropped)


class ServeCached:
    """ASGI middleware answering a GET whose answer is kept for the store's current version straight
    from the cache, before routing, parameter validation and the request thread pool.

    The answer was computed for these exact parameters (so they were valid) and the store has not
    changed since: it is the answer the route would give. A dashboard's repeated requests, and a crowd
    walking the same pages, then cost a dictionary look-up and a write each.
    """

    def __init__(
        self, app: ASGIApp, cache: AnswerCache, version: Callable[[], Any], version_is_local: Callable[[], bool]
    ) -> None:
        self.app = app
        self.cache = cache
        self.version = version
        self.version_is_local = version_is_local  # the version is a value in memory, not a query

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            key = answer_key(scope["path"], scope.get("query_string", b""))
            if self.cache.holds(key):
                # A PostgreSQL store's version is a query: in a thread. A held DuckDB file's is an attribute:
                # read here, as a hop through the busy request thread pool cost a cached answer its speed.
                local = self.version_is_local()
                body = self.cache.get(key, self.version() if local else await anyio.to_thread.run_sync(self.version))
                if body is not None:
                    await Response(body, media_type="application/json")(scope, receive, send)
                    return
        await self.app(scope, receive, send)
