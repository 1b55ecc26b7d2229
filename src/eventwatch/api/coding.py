"""POST /code's workers: documents are coded off the event loop, a bounded number at a time.

Coding a long document takes seconds of CPU. Done in the server's request thread pool, under one lock,
a single huge request made every later /code request wait behind it and tied up the threads that
serve reads; coded in threads of the server, it still held the interpreter lock a read needs, so under
load even GET /health waited a second. Here the coder runs in worker processes (each with a pipeline of
its own, started from a forkserver and kept), in two lanes: short texts (the usual article) in
``workers`` processes, texts of ``long_chars`` characters or more in one process of their own, so a long
document never delays a short one. Each lane holds at most ``queue`` waiting requests; one beyond that
is refused at once with 503 and ``Retry-After`` instead of piling up, and reads never wait for coding.
A client (its address) codes one long text at a time: a second one while its first is coding or queued
is refused with 429 (``admission.Shares``), so one client cannot hold the whole long lane.
A coder factory given by the caller (tests, other coders) runs in threads instead, as a worker process
could not import it.

The workers run at a lower CPU priority (``nice``: 10 for short texts, 19 for the long lane, whose
documents are batch work): on a busy machine coding takes the CPU the reads leave over instead of
making every read wait its turn (``benchmarks/api_abuse.py``). Each worker parses one chunk of a long text at a
time (``batch_size=1``): a request codes one document, so batching only cost memory - a 200,000-character
text peaked at 850 MB parsed four chunks at once, 500 MB one at a time.
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

from eventwatch.api.admission import Shares


class CoderBusy(Exception):
    """Every worker of a lane is coding and its queue is full."""


class _Lane:
    def __init__(
        self,
        name: str,
        workers: int,
        queue: int,
        make_coder: Callable[[], Any] | None,
        nice: int = 0,
        per_client: int = 0,
    ) -> None:
        self.name = name
        self.workers = workers
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
        self._slots = threading.BoundedSemaphore(workers + max(0, queue))
        self._make_coder = make_coder
        self._local = threading.local()

    def _code_in_thread(self, text: str, date: str | None) -> list[Any]:
        coder = getattr(self._local, "coder", None)
        if coder is None:
            coder = self._local.coder = self._make_coder()  # type: ignore[misc]
        return coder.code(text, date)

    async def code(self, text: str, date: str | None, client: str | None = None) -> list[Any]:
        with self._shares.hold(client):
            return await self._code(text, date)

    async def _code(self, text: str, date: str | None) -> list[Any]:
        if not self._slots.acquire(blocking=False):
            raise CoderBusy(
                f"the coder is busy ({self.workers} coding {self.name} texts, the queue is full): "
                "try again in a few seconds"
            )
        try:
            future = self._executor.submit(self._run, text, date)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _: self._slots.release())
        return await asyncio.wrap_future(future)

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
        nice: int = 10,
        long_nice: int = 19,
        long_per_client: int = 1,
    ) -> None:
        self.long_chars = long_chars
        self._short = _Lane("short", workers, queue, coder_factory, nice)
        self._long = (
            _Lane("long", 1, 1, coder_factory, long_nice, per_client=long_per_client) if long_chars else self._short
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
