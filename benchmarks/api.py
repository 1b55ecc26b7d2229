"""API throughput: requests/second and latency of GET /events and GET /series on 1,000,000 events, for
a DuckDB file and a PostgreSQL database.

Builds a synthetic store (``eventwatch.monitor.synthetic``; 1M events, articles and mentions), starts
``eventwatch serve`` on 127.0.0.1 in a child process, runs bounded request loops (one client, then
``--threads`` client threads, each with its own keep-alive connection) and prints one line per case,
with the targets: GET /events p95 <= 50 ms at >= 300 requests/s with 8 clients, GET /series p95 <= 100 ms,
and the server's CPU time per request (what a request costs, however loaded the machine). Only loopback
traffic. The machine's load average is printed before and after: on a shared machine compare figures of
one run.

    python benchmarks/api.py [--events 1000000] [--requests 800] [--threads 8]
                             [--backend duckdb|postgresql|both] [--pg postgresql://...] [--cache DIR]

PostgreSQL runs when ``--pg`` (or ``$EVENTWATCH_BENCH_PG``) names a database the user may create a
schema in; ``--cache DIR`` keeps the built DuckDB file (and the PostgreSQL schema) for the next run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
sys.path.insert(0, str(SRC))

from eventwatch.monitor.synthetic import event_rows, random_events, write_rows  # noqa: E402
from eventwatch.store.backends import open_backend  # noqa: E402
from eventwatch.store.schema import LATEST, current_version  # noqa: E402

SLICE = 20_000
START, YEAR = date(2024, 1, 1), 366
EVENTS_P95_MS, EVENTS_MIN_RPS, SERIES_P95_MS = 50.0, 300.0, 100.0


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def count_events(location: str) -> int:
    backend = open_backend(location)
    try:
        if not backend.exists():
            return 0
        with backend.read() as con:
            return int(con.scalar("SELECT count(*) FROM events"))
    except Exception:  # a half-built cache: rebuild
        return -1
    finally:
        backend.close()


def build(location: str, n: int) -> float:
    """``n`` random events over a year (each with its article and mention) in slices, one transaction each.

    Slices follow the calendar, as a store fed by ``ingest``/``watch`` fills: events arrive roughly in the
    order they happen (a DuckDB table is then stored roughly in date order, which its min/max pruning
    relies on)."""
    started = time.perf_counter()
    backend = open_backend(location)
    slices = max(1, -(-n // SLICE))
    try:
        for k, lo in enumerate(range(0, n, SLICE)):
            first, last = k * YEAR // slices, (k + 1) * YEAR // slices
            events = random_events(min(SLICE, n - lo), seed=lo, start=START + timedelta(days=first),
                                   days=max(1, last - first))  # fmt: skip
            with backend.write() as con:
                write_rows(con, event_rows(events))
        with backend.write() as con:
            if con.dialect == "postgresql":
                con.execute("ANALYZE")  # fresh planner statistics, as autovacuum would give soon after
    finally:
        backend.close()
    return time.perf_counter() - started


def bring_up_to_date(location: str) -> None:
    """Apply the schema migrations a kept store lacks (as any writer opening it would), and say so."""
    backend = open_backend(location)
    try:
        with backend.read() as con:
            before = current_version(con)
        if before < LATEST:
            started = time.perf_counter()
            with backend.write():
                pass
            print(f"migrated the kept store from schema {before} to {LATEST} in {time.perf_counter() - started:.0f} s")
    finally:
        backend.close()


def duckdb_open_ms(path: str) -> float:
    """Median time to open the file read-only and run a trivial query: the cost a connection per request
    would add to every request (and while any reader has the file open, no writer can)."""
    import duckdb

    times = []
    for _ in range(7):
        started = time.perf_counter()
        con = duckdb.connect(path, read_only=True)
        con.execute("SELECT 1").fetchall()
        con.close()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def postgres_schema(url: str, name: str, fresh: bool) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        if fresh:
            con.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {name}")
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{name}"


def drop_schema(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        con.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(location: str, port: int, cache: bool, workers: int = 1) -> subprocess.Popen:
    """The API as ``eventwatch serve`` runs it (``cache`` off: every request computed afresh), in
    ``workers`` processes (uvicorn's; a PostgreSQL store only: a DuckDB file is held by one process)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
        "EVENTWATCH_BENCH_DB": location,
        "EVENTWATCH_BENCH_CACHE": str(512 if cache else 0),
    }
    code = (
        f"import uvicorn; uvicorn.run('api_server:app', factory=True, app_dir={str(HERE)!r}, workers={workers}, "
        f"host='127.0.0.1', port={port}, log_level='warning', access_log=False)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            status, _ = get(port, "/health", {})
            if status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("the server did not start within 120 s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of a process (all its threads) and its children (uvicorn's workers),
    from /proc (0 where there is none)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(int(child)) for child in children)


def get(port: int, path: str, params: dict, connection: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
    con = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    con.request("GET", f"{path}?{urlencode(params)}" if params else path)
    response = con.getresponse()
    body = response.read()
    if connection is None:
        con.close()
    return response.status, body


def run(port: int, path: str, params: dict, requests: int, threads: int) -> tuple[float, float, float]:
    """(requests/second, p50 ms, p95 ms) over ``requests`` GETs spread over ``threads`` clients."""
    per_thread = max(1, requests // threads)

    def loop(_: int) -> list[float]:
        times = []
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            for _ in range(per_thread):
                t = time.perf_counter()
                status, body = get(port, path, params, con)
                times.append(time.perf_counter() - t)
                if status != 200:
                    raise SystemExit(f"{path} {params}: HTTP {status} {body[:200]!r}")
        finally:
            con.close()
        return times

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        latencies = [t for times in pool.map(loop, range(threads)) for t in times]
    elapsed = time.perf_counter() - started
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    return len(latencies) / elapsed, statistics.median(latencies) * 1000, p95 * 1000


def verdict(path: str, threads: int, rps: float, p95: float, want_threads: int) -> str:
    if path == "/series":
        return "ok" if p95 <= SERIES_P95_MS else f"MISS (p95 > {SERIES_P95_MS:g} ms)"
    if threads != want_threads:
        return ""
    misses = [f"p95 > {EVENTS_P95_MS:g} ms"] * (p95 > EVENTS_P95_MS) + [f"< {EVENTS_MIN_RPS:g} req/s"] * (
        rps < EVENTS_MIN_RPS
    )
    return "ok" if not misses else "MISS (" + ", ".join(misses) + ")"


def bench(name: str, location: str, args: argparse.Namespace, cache: bool, workers: int = 1) -> None:
    port = free_port()
    server = start_server(location, port, cache, workers)
    requests = args.requests if cache else args.cold_requests
    try:
        _, body = get(port, "/events", {"limit": 50})
        cursor = json.loads(body)["next_cursor"]
        cases = [
            ("/events", {"limit": 50}, "first page"),
            ("/events", {"limit": 50, "cursor": cursor}, "page 2 by cursor"),
            ("/events", {"source": "RUS", "target": "UKR", "cameo": "19", "limit": 50}, "filtered"),
            ("/events", {"from": "2024-06-01", "to": "2024-06-30", "country": "USA", "limit": 500}, "filtered"),
            ("/series", {"source": "RUS", "target": "UKR", "period": "day"}, ""),
            ("/series", {"source": "USA", "target": "CHN", "period": "week", "unit": "mentions"}, ""),
        ]
        how = "answers reused while the store is unchanged (default)" if cache else "no cache: every request queried"
        processes = f", {workers} server processes" if workers > 1 else ""
        print(f"\n{name}, {how}{processes}: {args.events:,} events; load average {load()}")
        # server CPU per request: what a request costs whatever else the machine is doing
        print(f"{'endpoint':<62} {'clients':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'cpu ms':>7}  target")
        for path, params, note in cases:
            run(port, path, params, 40, 2)  # warm-up
            for threads in (1, args.threads):
                before = cpu_seconds(server.pid)
                rps, p50, p95 = run(port, path, params, requests, threads)
                cpu = (cpu_seconds(server.pid) - before) * 1000 / requests
                query = "&".join(f"{k}={v}" for k, v in params.items() if k != "cursor")
                label = f"GET {path}?{query}" + (f" ({note})" if note else "")
                mark = verdict(path, threads, rps, p95, args.threads)
                print(f"{label:<62} {threads:>7} {rps:>7.0f} {p50:>7.1f} {p95:>7.1f} {cpu:>7.1f}  {mark}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


def runs(args: argparse.Namespace) -> list[bool]:
    """Whether each run keeps the answer cache: with it (dashboards), then without (varied queries)."""
    return [cache for cache, skip in ((True, args.no_cached), (False, args.no_cold)) if not skip]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=800, help="requests per case (bounded loop)")
    parser.add_argument("--cold-requests", type=int, default=160, help="requests per case without the cache")
    parser.add_argument("--no-cold", action="store_true", help="skip the runs without the answer cache")
    parser.add_argument("--no-cached", action="store_true", help="skip the runs with the answer cache")
    parser.add_argument("--threads", type=int, default=8, help="client threads for the concurrent runs")
    parser.add_argument("--backend", choices=("duckdb", "postgresql", "both"), default="both")
    parser.add_argument("--pg", default=os.environ.get("EVENTWATCH_BENCH_PG"), help="PostgreSQL URL")
    parser.add_argument("--workers", type=int, default=1,
                        help="also serve PostgreSQL from this many uvicorn worker processes (DuckDB: one process)")
    parser.add_argument("--cache", type=Path, help="keep the built stores here and reuse them")
    args = parser.parse_args()
    print(f"load average at start: {load()}  ({os.cpu_count()} cores)")

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.cache or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if args.backend in ("duckdb", "both"):
            db = str(folder / f"bench-{args.events}.duckdb")
            if count_events(db) != args.events:
                Path(db).unlink(missing_ok=True)
                print(f"DuckDB: built {args.events:,} events in {build(db, args.events):.0f} s")
            bring_up_to_date(db)
            print(f"DuckDB: opening the file read-only takes {duckdb_open_ms(db):.1f} ms (median of 7)")
            for cache in runs(args):
                bench("DuckDB", db, args, cache)
        if args.backend in ("postgresql", "both"):
            if not args.pg:
                print("\nPostgreSQL: skipped (give --pg postgresql://... or set EVENTWATCH_BENCH_PG)")
            else:
                schema = f"ew_bench_{args.events}"
                location = postgres_schema(args.pg, schema, fresh=False)
                if count_events(location) != args.events:
                    location = postgres_schema(args.pg, schema, fresh=True)
                    print(f"PostgreSQL: built {args.events:,} events in {build(location, args.events):.0f} s")
                bring_up_to_date(location)
                try:
                    for cache in runs(args):
                        for workers in sorted({1, args.workers}):
                            bench("PostgreSQL", location, args, cache, workers)
                finally:
                    if args.cache is None:
                        drop_schema(args.pg, schema)
    print(f"\nload average at end: {load()}")


if __name__ == "__main__":
    main()
