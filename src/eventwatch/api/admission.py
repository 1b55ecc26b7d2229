"""Heavy reads take turns: a request that will read much of the store waits for one of a few slots.

Fifty clients asking for years of dyads or alert scans over all history would otherwise share the CPU
with - and so slow down - every ordinary request (a page of 50, a quarter's series). A read is *heavy*
when its parameters say it will aggregate much of the store: a date span longer than ``max_light_days``
(or, for alerts, none). A page of events is never heavy: a keyset page costs its size, which
``max_page_size`` bounds, not the store's. At most ``slots`` heavy reads run at once; the others wait
for a slot up to ``wait_seconds`` and are then refused (503, ``Retry-After``). Light reads never wait
for a slot.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date


class TooBusy(Exception):
    """No slot for a heavy read came free in time."""


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
    def __init__(self, slots: int, wait_seconds: float) -> None:
        self._slots = threading.BoundedSemaphore(max(1, slots))
        self.wait_seconds = wait_seconds

    @contextmanager
    def slot(self, heavy: bool) -> Iterator[None]:
        if not heavy:
            yield
            return
        if not self._slots.acquire(timeout=self.wait_seconds):
            raise TooBusy(
                "the server is busy with other large requests: try again shortly, or ask for fewer items or a "
                "shorter date range"
            )
        try:
            yield
        finally:
            self._slots.release()
