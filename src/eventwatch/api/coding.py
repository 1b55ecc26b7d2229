"""POST /code's workers: documents are coded off the event loop, a bounded number at a time.

Coding a long document takes seconds of CPU. Done in the server's request thread pool, under one lock,
a single huge request made every later /code request wait behind it and tied up the threads that
serve reads. Here ``workers`` threads code (each with a pipeline of its own: the pipeline is not
thread-safe), at most ``queue`` requests wait for them, and a request beyond that is refused at once
with 503 and ``Retry-After`` instead of piling up; reads never wait for coding.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any


class CoderBusy(Exception):
    """Every worker is coding and the queue is full."""


class CodingPool:
    def __init__(self, workers: int, queue: int, coder_factory: Callable[[], Any] | None = None) -> None:
        self.workers = workers
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="eventwatch-coder")
        self._slots = threading.BoundedSemaphore(workers + max(0, queue))
        self._factory = coder_factory
        self._local = threading.local()

    def _coder(self) -> Any:
        coder = getattr(self._local, "coder", None)
        if coder is None:
            if self._factory is not None:
                coder = self._factory()
            else:
                from eventwatch.coding import Coder

                coder = Coder()
            self._local.coder = coder
        return coder

    def _code(self, text: str, date: str | None) -> list[Any]:
        try:
            return self._coder().code(text, date)
        finally:
            self._slots.release()

    async def code(self, text: str, date: str | None) -> list[Any]:
        """The events of ``text``, coded in a worker thread; ``CoderBusy`` when none is free or queued."""
        if not self._slots.acquire(blocking=False):
            raise CoderBusy(
                f"the coder is busy ({self.workers} coding, the queue is full): try again in a few seconds"
            )
        try:
            future = self._executor.submit(self._code, text, date)
        except BaseException:
            self._slots.release()
            raise
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
