"""POST /code's workers: documents are coded off the event loop, a bounded number at a time.

Coding a long document takes seconds of CPU. Done in the server's request thread pool, under one lock,
a single huge request made every later /code request wait behind it and tied up the threads that
serve reads. Here texts are coded in worker threads (each with a pipeline of its own: the pipeline is
not thread-safe), in two lanes: short texts (the usual article) in ``workers`` threads, texts of
``long_chars`` characters or more in one thread of their own, so a long document never delays a short
one. Each lane holds at most ``queue`` waiting requests; one beyond that is refused at once with 503
and ``Retry-After`` instead of piling up, and reads never wait for coding.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any


class CoderBusy(Exception):
    """Every worker of a lane is coding and its queue is full."""


class _Lane:
    def __init__(self, name: str, workers: int, queue: int, make_coder: Callable[[], Any]) -> None:
        self.name = name
        self.workers = workers
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"eventwatch-coder-{name}")
        self._slots = threading.BoundedSemaphore(workers + max(0, queue))
        self._make_coder = make_coder
        self._local = threading.local()

    def _code(self, text: str, date: str | None) -> list[Any]:
        try:
            coder = getattr(self._local, "coder", None)
            if coder is None:
                coder = self._local.coder = self._make_coder()
            return coder.code(text, date)
        finally:
            self._slots.release()

    async def code(self, text: str, date: str | None) -> list[Any]:
        if not self._slots.acquire(blocking=False):
            raise CoderBusy(
                f"the coder is busy ({self.workers} coding {self.name} texts, the queue is full): "
                "try again in a few seconds"
            )
        try:
            future = self._executor.submit(self._code, text, date)
        except BaseException:
            self._slots.release()
            raise
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


class CodingPool:
    def __init__(
        self,
        workers: int,
        queue: int,
        coder_factory: Callable[[], Any] | None = None,
        long_chars: int | None = None,
    ) -> None:
        self.long_chars = long_chars
        make = coder_factory or _coder
        self._short = _Lane("short", workers, queue, make)
        self._long = _Lane("long", 1, 1, make) if long_chars else self._short

    async def code(self, text: str, date: str | None) -> list[Any]:
        """The events of ``text``, coded in a worker thread; ``CoderBusy`` when none is free or queued."""
        lane = self._long if self.long_chars and len(text) >= self.long_chars else self._short
        return await lane.code(text, date)

    def close(self) -> None:
        self._short.close()
        self._long.close()


def _coder() -> Any:
    from eventwatch.coding import Coder

    return Coder()
