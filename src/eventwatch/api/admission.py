"""Heavy reads take turns: a request that will read much of the store waits for one of a few slots.

Fifty clients asking for years of dyads or alert scans over all history would otherwise share the CPU
with - and so slow down - every ordinary request (a page of 50, a quarter's series). A read is *heavy*
when its parameters say it will aggregate much of the store: a date span longer than ``max_light_days``
(or, for alerts, none). A page of events is never heavy: a keyset page costs its size, which
``max_page_size`` bounds, not the store's. At most ``slots`` heavy reads run at once; the others wait
for a slot up to ``wait_seconds`` and are then refused (503, ``Retry-After``). Light reads never wait
for a slot.

Beyond that, one client may hold only its share of a lane (``Shares``): a client that already has
``per_client`` heavy reads running or waiting is told to slow down (429, ``Retry-After``) at once,
instead of filling the queue others wait in; the same holds for the long-text lane of POST /code
(``api.coding``). A client is the address the request comes from (``request.client.host``); behind a
reverse proxy listed in ``api.trusted_proxies``, the address its ``X-Forwarded-For`` names (only then:
any client could write the header). The 503 stays the answer
when the lane is full of *other* clients' work: that is overload, not a client's excess.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date


class TooBusy(Exception):
    """No slot for a heavy read came free in time."""


class OverShare(Exception):
    """A client asking for more than its share of a lane (429)."""


class Shares:
    """How many places of a lane each client holds; ``hold`` refuses one over ``per_client``."""

    def __init__(self, per_client: int, what: str) -> None:
        self.per_client = per_client
        self.what = what
        self._held: dict[str, int] = {}
        self._lock = threading.Lock()

    @contextmanager
    def hold(self, client: str | None) -> Iterator[None]:
        if not self.per_client or client is None:
            yield
            return
        with self._lock:
            held = self._held.get(client, 0)
            if held >= self.per_client:
                raise OverShare(
                    f"too many {self.what} from {client} at once (at most {self.per_client}): "
                    "wait for the ones running to finish"
                )
            self._held[client] = held + 1
        try:
            yield
        finally:
            with self._lock:
                left = self._held[client] - 1
                if left:
                    self._held[client] = left
                else:
                    del self._held[client]


@dataclass(frozen=True, slots=True)
class Weigher:
    max_light_days: int = 400

    def is_heavy(self, *, start: date | None = None, end: date | None = None, open_start: bool = False) -> bool:
        """Whether a read over ``start``..``end`` (no end: up to today) is heavy; ``open_start``: a read
        without a start date covers all history (alert scans), so it is heavy too."""
        if start is None:
            return open_start
        return ((end or date.today()) - start).days > self.max_light_days


class HeavyLane:
    def __init__(self, slots: int, wait_seconds: float, per_client: int = 0) -> None:
        self._slots = threading.BoundedSemaphore(max(1, slots))
        self.wait_seconds = wait_seconds
        self._shares = Shares(per_client, "large requests (long date ranges, alert scans over all history)")

    @contextmanager
    def slot(self, heavy: bool, client: str | None = None) -> Iterator[None]:
        if not heavy:
            yield
            return
        with self._shares.hold(client), self._slot():
            yield

    @contextmanager
    def _slot(self) -> Iterator[None]:
        if not self._slots.acquire(timeout=self.wait_seconds):
            raise TooBusy(
                "the server is busy with other large requests: try again shortly, or ask for fewer items or a "
                "shorter date range"
            )
        try:
            yield
        finally:
            self._slots.release()


class PageRows:
    """Large pages of events take turns: at most ``rows`` rows of pages longer than ``light_rows`` are
    read and serialised at once; a page waits up to ``wait_seconds`` for its rows (then ``TooBusy``).

    A keyset page costs its size, but a page of 500 still holds the interpreter lock for tens of
    milliseconds to convert, validate and serialise; fifty clients walking such pages at once left every
    cheap request queueing for the lock. A page weighs its ``limit`` (at most ``rows``, so any page
    can run alone); pages of ``light_rows`` or fewer - a dashboard's - never wait.
    """

    def __init__(self, rows: int, light_rows: int, wait_seconds: float) -> None:
        self.rows = max(1, rows)
        self.light_rows = light_rows
        self.wait_seconds = wait_seconds
        self._free = self.rows
        self._turn = threading.Condition()

    @contextmanager
    def hold(self, limit: int) -> Iterator[None]:
        if limit <= self.light_rows:
            yield
            return
        weight = min(limit, self.rows)
        deadline = time.monotonic() + self.wait_seconds
        with self._turn:
            while self._free < weight:
                left = deadline - time.monotonic()
                if left <= 0 or not self._turn.wait(left) and self._free < weight:
                    raise TooBusy(
                        "the server is busy serving other large pages: try again shortly, or ask for smaller pages"
                    )
            self._free -= weight
        try:
            yield
        finally:
            with self._turn:
                self._free += weight
                self._turn.notify_all()


class ReadSlots:
    """At most ``slots`` reads compute at once (query, conversion, serialisation); the others wait their
    turn, asleep, up to ``wait_seconds`` (then ``TooBusy``).

    Every computing read holds the interpreter lock between its queries. With fifty of them runnable,
    the event loop - which parses every request and sends every answer, cached ones included - got the
    lock about one turn in fifty: under ``benchmarks/api_abuse.py`` a cached GET /health waited 190 ms
    (p50) though it costs 1.5 ms. Queued on a lock instead, waiting reads cost nothing, the loop gets its
    turns, and a cheap read waits for a few running ones, not for all of them. Heavy reads and large
    pages have lanes of their own (``HeavyLane``, ``PageRows``) and take no read slot, so they never
    hold the places ordinary reads compute in.
    """

    def __init__(self, slots: int, wait_seconds: float) -> None:
        self._slots = threading.BoundedSemaphore(max(1, slots))
        self.wait_seconds = wait_seconds

    @contextmanager
    def slot(self, take: bool = True) -> Iterator[None]:
        """A slot (``take`` False: none needed, for reads another lane bounds)."""
        if not take:
            yield
            return
        if not self._slots.acquire(timeout=self.wait_seconds):
            raise TooBusy("the server is busy answering other requests: try again shortly")
        try:
            yield
        finally:
            self._slots.release()
