"""API throughput: requests/second and latency of GET /events and GET /series on 100,000 events.

Generates a synthetic database (``eventwatch.monitor.synthetic``), starts ``eventwatch.api.server.serve``
on 127.0.0.1 in a child process, runs bounded request loops (sequential, then a few client threads) and
prints one line per case. Only loopback traffic.

    python benchmarks/api.py [--events 100000] [--requests 400] [--threads 4]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import httpx

SRC = Path(__file__).resolve().parents[1] / "src"


def build(path: Path, n: int) -> float:
    from eventwatch.monitor.synthetic import event_rows, random_events, write_rows
    from eventwatch.store.schema import migrate

    started = time.perf_counter()
    con = duckdb.connect(str(path))
    migrate(con)
    for lo in range(0, n, 20_000):  # in slices, to keep the Python rows small
        write_rows(con, event_rows(random_events(min(20_000, n - lo), seed=lo)))
    con.close()
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    code = (
        "from eventwatch.api.server import serve; "
        f"serve({str(db)!r}, host='127.0.0.1', port={port}, log_level='warning', log=lambda line: None)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("the server did not start within 30 s")


def run(base: str, path: str, params: dict, requests: int, threads: int) -> tuple[float, float, float]:
    """(requests/second, p50 ms, p95 ms) over ``requests`` GETs spread over ``threads`` clients."""
    per_thread = requests // threads

    def loop(_: int) -> list[float]:
        times = []
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(per_thread):
                t = time.perf_counter()
                r = client.get(path, params=params)
                times.append(time.perf_counter() - t)
                if r.status_code != 200:
                    raise SystemExit(f"{path} {params}: HTTP {r.status_code} {r.text[:200]}")
        return times

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        latencies = [t for times in pool.map(loop, range(threads)) for t in times]
    elapsed = time.perf_counter() - started
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    return len(latencies) / elapsed, statistics.median(latencies) * 1000, p95 * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400, help="requests per case (bounded loop)")
    parser.add_argument("--threads", type=int, default=4, help="client threads for the concurrent runs")
    args = parser.parse_args()
    sys.path.insert(0, str(SRC))

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        seconds = build(db, args.events)
        print(f"database: {args.events:,} events (+ as many articles and mentions) built in {seconds:.1f} s")
        port = free_port()
        server = start_server(db, port)
        base = f"http://127.0.0.1:{port}"
        try:
            cursor = httpx.get(f"{base}/events", params={"limit": 50}).json()["next_cursor"]
            cases = [
                ("/events", {"limit": 50}),
                ("/events", {"limit": 50, "cursor": cursor}),
                ("/events", {"source": "RUS", "target": "UKR", "cameo": "19", "limit": 50}),
                ("/events", {"from": "2024-06-01", "to": "2024-06-30", "country": "USA", "limit": 500}),
                ("/series", {"source": "RUS", "target": "UKR", "period": "day"}),
                ("/series", {"source": "USA", "target": "CHN", "period": "week", "unit": "mentions"}),
            ]
            print(f"{'endpoint':<70} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}")
            for path, params in cases:
                run(base, path, params, 20, 1)  # warm-up
                for threads in (1, args.threads):
                    rps, p50, p95 = run(base, path, params, args.requests, threads)
                    query = "&".join(f"{k}={v}" for k, v in params.items() if k != "cursor")
                    label = f"GET {path}?{query}" + (" (page 2 by cursor)" if "cursor" in params else "")
                    print(f"{label:<70} {threads:>7} {rps:>8.0f} {p50:>8.1f} {p95:>8.1f}")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
