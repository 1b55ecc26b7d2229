"""POST /code's workers: documents are coded off the event loop, a bounded number at a time.

Coding a long document takes seconds of CPU. Done in the server's request thread pool, under one lock,
a single huge request made every later /code request wait behind it and tied up the threads that
serve reads; coded in threads of the server, it still held the interpreter lock a read needs, so under
load even GET /health waited a second. Here the coder runs in worker processes (each with a pipeline of
its own, started from a forkserver and kept), in two lanes: short texts (the usual article) in
``workers`` processes, texts of ``long_chars`` characters or more in one process of their own, so a long
document never delays a short one. A short text waits for its coder - in the event loop, costing no
thread - as long as the request's time budget allows: it is refused with 503 and ``Retry-After`` only
when ``queue`` requests already wait or, by the recent coding rate and the characters waiting ahead of
it, its turn would come after the budget (so the refusal is immediate, not after the budget).
Shedding a short text from a client within its share only because a burst of others arrived a moment
earlier (the old fixed queue of 8) answered 113 of 269 short texts 503 under ``benchmarks/api_abuse.py``.
The long lane holds no waiting text by default (``long_queue``): a 200,000-character text coded in about
35 s on a busy machine, so one waiting behind another was still coding when its client (the benchmark's,
after 60 s) gave up.
Reads never wait for coding.
A client (its address) codes one long text at a time: a second one while its first is coding or queued
is refused with 429 (``admission.Shares``), so one client cannot hold the whole long lane. The long
lane is a quota all clients share - one long text coding - not a measure of the server's
health: a long text arriving while it is taken is told 429 with ``Retry-After`` too (slow down: long
texts are taken one at a time), while the server goes on answering everything else.
A coder factory given by the caller (tests, other coders) runs in threads instead, as a worker process
could not import it.

The long-text worker runs at a lower CPU priority (``nice`` 19: long documents are batch work), so on a
busy machine it takes the CPU the reads leave over. Short texts are interactive like reads and run at
the server's priority by default (``code_nice``): at nice 10 on a busy machine they waited 5-10 s for
the CPU and, their turn coming after the budget, were shed (``benchmarks/api_abuse.py``).
Each worker parses one chunk of a long text at a time (``batch_size=1``): a request codes one document,
so batching only cost memory - a 200,000-character text peaked at 850 MB parsed four chunks at once,
500 MB one at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from eventwatch.api.admission import OverShare, Shares


class CoderBusy(Exception):
    """Every worker of a lane is coding and its queue is full."""


class _Lane:
    """``workers`` coders and the requests waiting for them.

    A request waits for a free coder (in the event loop, so waiting costs no thread) up to
    ``wait_seconds``; it is refused at once (``CoderBusy``) when ``queue`` requests already wait, or
    when the coders would not get to it in time by the recent coding times - a client then hears 503
    at once instead of after its whole budget. ``wait_seconds`` 0: refused whenever every coder is busy
    and ``queue`` are waiting (no wait bound).
    """

    def __init__(
        self,
        name: str,
        workers: int,
        queue: int,
        make_coder: Callable[[], Any] | None,
        nice: int = 0,
        per_client: int = 0,
        wait_seconds: float = 0.0,
        full: type[Exception] = CoderBusy,
    ) -> None:
        self.name = name
        self._full = full  # what a request refused at once hears
        self.workers = workers
        self.queue = max(0, queue)
        self.wait_seconds = wait_seconds
        self._shares = Shares(per_client, f"{name} texts to code")
        self._executor: Executor
        if make_coder is None:
            context = multiprocessing.get_context("forkserver")
            self._executor = ProcessPoolExecutor(
                max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(nice, os.getpid())
            )
            self._run: Callable[[str, str | None], list[Any]] = _code_in_process
        else:
            self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"eventwatch-coder-{name}")
            self._run = self._code_in_thread
        self._make_coder = make_coder
        self._local = threading.local()
        self._coders: asyncio.Semaphore | None = None  # free coders, of the event loop serving requests
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting = 0
        self._waiting_chars = 0  # characters of the texts waiting: the work ahead of a new one
        # Recent coding (moving averages of seconds and characters per text): the rate at which the work
        # ahead is done. Estimated per text alone, one longer text among short ones made the wait look twice
        # as long as it was and shed texts that would have been answered in time (benchmarks/api_abuse.py).
        self.seconds_per_text = 0.0
        self.chars_per_text = 0.0

    def _code_in_thread(self, text: str, date: str | None) -> list[Any]:
        coder = getattr(self._local, "coder", None)
        if coder is None:
            coder = self._local.coder = self._make_coder()  # type: ignore[misc]
        return coder.code(text, date)

    async def code(self, text: str, date: str | None, client: str | None = None) -> list[Any]:
        with self._shares.hold(client):
            return await self._code(text, date)

    def _free_coders(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._coders is None or self._loop is not loop:
            self._coders, self._loop = asyncio.Semaphore(self.workers), loop
        return self._coders

    def expected_wait(self) -> float:
        """Seconds a request arriving now would wait for a coder, by the recent coding rate: the texts
        waiting are coded by ``workers`` coders, after the ones coding now (about a text each)."""
        if not self.chars_per_text:
            return 0.0
        seconds_per_char = self.seconds_per_text / self.chars_per_text
        return self._waiting_chars * seconds_per_char / self.workers + self.seconds_per_text

    async def _code(self, text: str, date: str | None) -> list[Any]:
        coders = self._free_coders()
        if coders.locked():
            if self._waiting >= self.queue or (self.wait_seconds and self.expected_wait() > self.wait_seconds):
                raise self._full(self._busy())
            self._waiting += 1
            self._waiting_chars += len(text)
            try:
                async with asyncio.timeout(self.wait_seconds or None):
                    await coders.acquire()
            except TimeoutError:
                raise CoderBusy(self._busy()) from None
            finally:
                self._waiting -= 1
                self._waiting_chars -= len(text)
        else:
            await coders.acquire()
        loop, started = asyncio.get_running_loop(), time.monotonic()

        def finished() -> None:  # in the event loop
            self._learn(time.monotonic() - started, len(text))
            coders.release()

        try:
            future = self._executor.submit(self._run, text, date)
        except BaseException:
            coders.release()
            raise
        future.add_done_callback(lambda _: loop.call_soon_threadsafe(finished))
        return await asyncio.wrap_future(future)

    def _learn(self, seconds: float, chars: int) -> None:
        if not self.chars_per_text:
            self.seconds_per_text, self.chars_per_text = seconds, float(max(chars, 1))
            return
        self.seconds_per_text = 0.8 * self.seconds_per_text + 0.2 * seconds
        self.chars_per_text = 0.8 * self.chars_per_text + 0.2 * max(chars, 1)

    def _busy(self) -> str:
        return (
            f"the coder is busy ({self.workers} coding {self.name} texts, {self._waiting} waiting, about "
            f"{self.expected_wait():.0f} s to wait): try again in a few seconds"
        )

    def close(self) -> None:
        """Stop the workers now, one still coding included: left to finish, a worker coding a long text
        outlived the server (with its forkserver, 350 MB each) when the server was stopped."""
        processes = list(getattr(self._executor, "_processes", None) or {})  # ProcessPoolExecutor's, by pid
        self._executor.shutdown(wait=False, cancel_futures=True)
        for pid in processes:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)


class CodingPool:
    def __init__(
        self,
        workers: int,
        queue: int,
        coder_factory: Callable[[], Any] | None = None,
        long_chars: int | None = None,
        nice: int = 0,
        long_nice: int = 19,
        long_per_client: int = 1,
        wait_seconds: float = 10.0,
        long_queue: int = 0,
    ) -> None:
        self.long_chars = long_chars
        self._short = _Lane("short", workers, queue, coder_factory, nice, wait_seconds=wait_seconds)
        self._long = (
            _Lane("long", 1, long_queue, coder_factory, long_nice, per_client=long_per_client, full=OverShare)
            if long_chars
            else self._short
        )

    async def code(self, text: str, date: str | None, client: str | None = None) -> list[Any]:
        """The events of ``text`` (as dicts from the worker processes, as the factory's coder returns them
        from threads); ``CoderBusy`` when no worker is free or queued; ``OverShare`` when ``client``
        already has its share of long texts coding or waiting."""
        lane = self._long if self.long_chars and len(text) >= self.long_chars else self._short
        return await lane.code(text, date, client)

    def close(self) -> None:
        self._short.close()
        self._long.close()


_PROCESS_CODER: list[Any] = []  # the worker process's one Coder, built on its first document


def _start_worker(nice: int, server: int) -> None:
    """Run this worker process ``nice`` steps below the server (a worker starts at the server's level),
    and end it when the server ends, however it ended: a server killed (or stopped while a long text
    was coding) left its workers behind, 350 MB each."""
    _lower_priority(nice)
    threading.Thread(target=_exit_with, args=(server,), name="eventwatch-server-watch", daemon=True).start()


def _lower_priority(nice: int) -> None:
    if nice > 0:
        with contextlib.suppress(OSError):  # e.g. a platform without nice(): coding still works
            os.nice(nice)


def _exit_with(server: int, every: float = 1.0) -> None:
    while True:
        time.sleep(every)
        try:
            os.kill(server, 0)  # no signal sent: only asks whether the process exists
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:
            pass  # it exists, as another user's process (its pid reused): keep watching


def _code_in_process(text: str, date: str | None) -> list[dict[str, Any]]:
    if not _PROCESS_CODER:
        from eventwatch.coding import Coder

        _PROCESS_CODER.append(Coder(batch_size=1))
    return [event.to_dict() for event in _PROCESS_CODER[0].code(text, date)]
