"""Helpers shared by the benchmarks: peak memory of worker processes, CPU time of a run."""

from __future__ import annotations

import os
import threading
from pathlib import Path


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def descendants(pid: int) -> list[int]:
    found, todo = [], _children(pid)
    while todo:
        child = todo.pop()
        found.append(child)
        todo += _children(child)
    return found


def _status(pid: int) -> dict[str, str]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return dict(line.split(":", 1) for line in lines if ":" in line)


class PeakWorkerMemory:
    """Samples the peak RSS (VmHWM) of this process's Python descendants (coding workers: a process
    pool's or Spark's Python workers) until stopped. Linux only; reports 0 elsewhere.

    >>> with PeakWorkerMemory() as peak: ...
    >>> peak.mb  # the largest worker's peak, in MB
    """

    def __init__(self, interval: float = 0.5, name: str = "python") -> None:
        self.interval, self.name = interval, name
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        for pid in descendants(os.getpid()):
            status = _status(pid)
            if self.name in status.get("Name", "") and "VmHWM" in status:
                kb = int(status["VmHWM"].split()[0])
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), kb / 1024)

    def __enter__(self) -> PeakWorkerMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mb(self) -> float:
        return max(self.peaks.values(), default=0.0)
