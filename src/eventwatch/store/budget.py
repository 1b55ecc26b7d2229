"""Time budgets: the database work of a request or query that runs out of time is interrupted, not left running.

One watchdog thread serves every request (a timer thread per request would cost more than many
requests). ``Watchdog.watch(seconds, interrupt)`` arms a deadline; at the deadline ``interrupt`` is
called - ``Connection.interrupt()``, which stops the running statement (DuckDB's ``interrupt()``,
PostgreSQL's cancel request) and refuses further ones - unless the request disarmed it first. The
request then fails with ``OutOfTime`` (503 with the standard error body) and its worker thread is free
again; nothing keeps computing for a client that is gone.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class OutOfTime(Exception):
    """A request that used up its time budget."""


class Watch:
    """One armed deadline. ``disarm()`` returns once ``interrupt`` can no longer be called (it may
    wait for an interrupt in progress), so the connection can go back to its pool safely after it."""

    __slots__ = ("deadline", "fired", "_interrupt", "_lock", "_armed")

    def __init__(self, deadline: float, interrupt: Callable[[], None]) -> None:
        self.deadline = deadline
        self.fired = False
        self._interrupt = interrupt
        self._lock = threading.Lock()
        self._armed = True

    def _fire(self) -> None:
        with self._lock:
            if not self._armed:
                return
            self._armed = False
            self.fired = True
            with contextlib.suppress(Exception):  # a failed interrupt leaves the statement to its own timeout
                self._interrupt()

    def disarm(self) -> None:
        with self._lock:
            self._armed = False

    def __enter__(self) -> Watch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.disarm()


class Watchdog:
    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Watch]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, seconds: float, interrupt: Callable[[], None]) -> Watch:
        """A deadline ``seconds`` from now; use it as a context manager around the work it guards."""
        watch = Watch(time.monotonic() + seconds, interrupt)
        with self._wake:
            heapq.heappush(self._heap, (watch.deadline, next(self._order), watch))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="eventwatch-watchdog", daemon=True)
                self._thread.start()
            elif self._heap[0][2] is watch:
                self._wake.notify()
        return watch

    @contextmanager
    def limit(self, seconds: float, con: Any, error: Callable[[], Exception]) -> Iterator[None]:
        """Run the block's statements on ``con`` (a ``dialect.Connection``) for at most ``seconds``: then
        the statement is interrupted and ``error()`` raised in place of the engine's own exception."""
        with self.watch(seconds, con.interrupt) as watch:
            try:
                yield
            except Exception as exc:
                if watch.fired or con.is_interruption(exc):
                    raise error() from None
                raise

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._heap and self._heap[0][0] > time.monotonic():
                    self._wake.wait(self._heap[0][0] - time.monotonic())
                if not self._heap:  # nothing left to watch: the next watch() starts a thread again
                    self._thread = None
                    return
                _, _, watch = heapq.heappop(self._heap)
            watch._fire()  # outside the heap's lock: a PostgreSQL cancel is a network round trip
