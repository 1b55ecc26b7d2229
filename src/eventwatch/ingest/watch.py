"""``watch``: poll feeds on a schedule, ingest only new articles, log each poll, stop cleanly on a signal."""

from __future__ import annotations

import re
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from eventwatch.ingest.fetch import FetchConfig

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> float:
    """Seconds from ``90``, ``30s``, ``15m``, ``2h`` or ``1d``."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text.lower())
    if not found or float(found[1]) <= 0:
        raise ValueError(f"bad interval {text!r} (examples: 30s, 15m, 2h)")
    return float(found[1]) * _UNITS[found[2] or "s"]


@dataclass(slots=True)
class WatchReport:
    polls: int = 0
    articles: int = 0
    mentions: int = 0
    failures: int = 0


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Turn Ctrl-C and SIGTERM into ``stop`` (the article being written is finished first)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def handler(signum: int, frame: Any) -> None:
        stop.set()

    for sig in previous:
        signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def watch(
    feeds: Iterable[str],
    every: str | float = "15m",
    db: Any = "eventwatch.duckdb",
    *,
    workers: int = 1,
    coder: Any = None,
    fetch_config: FetchConfig | None = None,
    log: Callable[[str], None] = print,
    stop: threading.Event | None = None,
    max_polls: int | None = None,
    alerts: bool = False,
) -> WatchReport:
    """Poll ``feeds`` every ``every`` and ingest their new entries into ``db`` (a DuckDB file,
    PostgreSQL URL or store Backend) until stopped.

    With ``alerts``, the escalation check (``eventwatch.monitor.check_alerts``) runs after each poll and
    every alert not logged before is logged with its dyad, period and score.
    """
    from eventwatch.store import Store

    feeds = list(feeds)
    interval = parse_interval(every) if isinstance(every, str) else float(every)
    stop = stop or threading.Event()
    store = Store(db)
    report = WatchReport()
    seen_alerts: set[tuple] = set()
    if coder is None:
        from eventwatch.coding import Coder

        coder = Coder(include_unreal=True, n_process=workers)
    try:
        with stop_on_signals(stop):
            log(f"{_stamp()} watching {len(feeds)} feed(s) every {interval:g}s into {store.location}")
            while not stop.is_set():
                report.polls += 1
                started = time.monotonic()
                for feed in feeds:
                    if stop.is_set():
                        break
                    result = store.ingest(
                        [feed], workers=workers, coder=coder, fetch_config=fetch_config, stop=stop,
                        on_problem=lambda p: log(f"{_stamp()} {'error' if p.fatal else 'warning'}: {p}"),
                    )  # fmt: skip
                    report.articles += result.articles
                    report.mentions += result.mentions
                    report.failures += len(result.problems)
                    log(
                        f"{_stamp()} poll {report.polls} {feed}: {result.articles} new article(s), "
                        f"{result.skipped} already stored, {result.mentions} mention(s), "
                        f"{result.events} event(s) updated, {len(result.problems)} failed"
                    )
                if alerts:
                    _log_new_alerts(store, seen_alerts, log)
                if max_polls is not None and report.polls >= max_polls:
                    break
                stop.wait(max(0.0, interval - (time.monotonic() - started)))
            log(
                f"{_stamp()} stopped after {report.polls} poll(s): {report.articles} article(s), "
                f"{report.mentions} mention(s) added"
            )
    finally:
        store.close()  # a PostgreSQL store's pool
    return report


def _log_new_alerts(store: Any, seen: set[tuple], log: Callable[[str], None]) -> None:
    from eventwatch.monitor import check_alerts

    for alert in check_alerts(store):
        key = (alert.actor_a, alert.actor_b, alert.period, alert.metric, alert.method)
        if key in seen:
            continue
        seen.add(key)
        log(
            f"{_stamp()} ALERT {alert.actor_a}–{alert.actor_b} period {alert.period}: {alert.metric} "
            f"{alert.value:g} (baseline {alert.baseline_mean:g}, score {alert.score:.1f}, {alert.n_events} events)"
        )
