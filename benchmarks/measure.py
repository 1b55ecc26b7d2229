"""Helpers shared by the benchmarks: peak memory and CPU time of worker processes, the WCEP corpus."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Self


def _children(pid: int) -> list[int]:
    """Children started by any thread of ``pid`` (the JVM starts Spark's Python workers from its threads)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


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


def _cpu_seconds(stat: Path) -> float | None:
    """utime + stime of a process's or thread's ``stat`` file; None when it is gone."""
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


SAMPLER = "benchmark-sampler"  # the name of the samplers' threads, whose CPU time is the benchmark's own


class Sampler:
    """Calls ``sample`` every ``interval`` seconds from a thread of its own, while in a ``with`` block."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=SAMPLER, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


class WorkerUsage(Sampler):
    """Samples the peak RSS (VmHWM) and CPU time of this process's Python descendants - coding
    workers: a process pool's, or Spark's Python workers - until stopped. Linux only (0 elsewhere).

    >>> with WorkerUsage() as usage: ...
    >>> usage.peak_mb, usage.cpu_seconds  # the largest worker's peak RSS; all workers' CPU time
    """

    def __init__(self, interval: float = 0.5, name: str = "python") -> None:
        super().__init__(interval)
        self.name = name
        self.peaks: dict[int, float] = {}
        self.cpu: dict[int, float] = {}

    def sample(self) -> None:
        for pid in descendants(os.getpid()):
            status = _status(pid)
            if self.name in status.get("Name", "") and "VmHWM" in status:
                kb = int(status["VmHWM"].split()[0])
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), kb / 1024)
                self.cpu[pid] = max(self.cpu.get(pid, 0.0), _cpu_seconds(Path(f"/proc/{pid}/stat")) or 0.0)

    @property
    def peak_mb(self) -> float:
        return max(self.peaks.values(), default=0.0)

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu.values())

    def busiest(self, n: int) -> list[float]:
        """Peak RSS of the ``n`` workers that did most work (helper processes are small and idle)."""
        pids = sorted(self.cpu, key=self.cpu.__getitem__, reverse=True)[:n]
        return [self.peaks[pid] for pid in pids]


class ThreadUsage(Sampler):
    """Samples the CPU time of each thread of this process until stopped, by the Python thread's name -
    threads Python did not start (DuckDB's workers) count as "native" - so a benchmark can say how
    much CPU the writer took, apart from reading and feeding the coding workers. Linux only.

    >>> with ThreadUsage() as threads: ...
    >>> threads.by_name()  # {"MainThread": 3.1, "eventwatch-writer": 0.9, "native": 0.4, ...}
    """

    def __init__(self, interval: float = 0.2) -> None:
        super().__init__(interval)
        self.cpu: dict[int, float] = {}
        self.names: dict[int, str] = {}
        self._before: dict[int, float] = {}

    def sample(self) -> None:
        python = {t.native_id: t.name for t in threading.enumerate()}
        for task in Path("/proc/self/task").glob("*"):
            seconds = _cpu_seconds(task / "stat")
            if seconds is not None:
                tid = int(task.name)
                self.cpu[tid] = seconds
                self.names[tid] = python.get(tid, self.names.get(tid, "native"))

    def __enter__(self) -> Self:
        self.sample()
        self._before = dict(self.cpu)  # what threads alive now had used already
        return super().__enter__()

    def by_name(self) -> dict[str, float]:
        """CPU seconds per thread name (threads of one name added up), as last sampled (a thread that ended
        keeps its last sample, up to ``interval`` short)."""
        totals: dict[str, float] = {}
        for tid, seconds in self.cpu.items():
            seconds -= self._before.get(tid, 0.0)
            totals[self.names[tid]] = totals.get(self.names[tid], 0.0) + seconds
        return totals


PROJECT = Path(__file__).resolve().parents[1]
WCEP = PROJECT.parent / "shared" / "corpora" / "wcep_current_events.jsonl"


def wcep_input(limit: int | None, folder: Path) -> Path:
    """The WCEP corpus (../shared), or a file of its first ``limit`` records in ``folder``.
    Exits with a message when ../shared is absent."""
    if not WCEP.exists():
        raise SystemExit(f"{WCEP} is absent: this benchmark reads the shared corpora beside the project")
    if not limit:
        return WCEP
    path = folder / f"wcep_first_{limit}.jsonl"
    with WCEP.open(encoding="utf-8") as source, path.open("w", encoding="utf-8") as out:
        for _, line in zip(range(limit), source, strict=False):
            out.write(line)
    return path


def load_per_core() -> str:
    """The 1-minute load average per core, to print beside timings taken on a shared machine."""
    return f"{os.getloadavg()[0] / (os.cpu_count() or 1):.2f}"
