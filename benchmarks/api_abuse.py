"""API under abuse: 50 clients for 60 s mixing normal and abusive requests against `eventwatch serve`.

Builds (or reuses) a synthetic store of ``--events`` events with the generator of ``benchmarks/api.py``,
starts ``eventwatch serve`` on 127.0.0.1 with its default limits, and runs ``--clients`` client threads
for ``--seconds``. Each request is normal (pages, filters, cursors, series and alerts of recent weeks,
short POST /code texts) or, with probability ``--abusive``, abusive: seven-thousand-year series and alert
scans, 0001-01-01 / 9999-12-31 dates, the largest page over all time, 50-page-deep cursor walks, POST
/code with the largest text allowed and bodies over the cap. Prints the status counts, the number of
5xx answers (target 0; 503 is broken down, as it is the limits' own answer when the coder or time
budget is exhausted; 429 is a client over its share), the normal requests' p95 (target <= 500 ms), every route's p50/p95
and statuses, and the server's peak RSS (target <= 1.5 GB). Only loopback traffic; the run is bounded
(every request has a 60 s client timeout and the clients stop at the deadline).

The clients all connect from 127.0.0.1, as through a reverse proxy on this machine: the server is
started with ``--trusted-proxy 127.0.0.1`` and each client names its own address (10.0.x.y) in
``X-Forwarded-For``, so per-client shares see 50 clients (``--one-address``: no header, one client).

    python benchmarks/api_abuse.py [--events 100000] [--clients 50] [--seconds 60] [--abusive 0.3]
                                   [--backend duckdb|postgresql] [--pg postgresql://...] [--cache DIR]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api import START, YEAR, build, count_events, free_port, load, postgres_schema  # noqa: E402

NORMAL_P95_MS, MAX_RSS_GB = 500.0, 1.5
COUNTRIES = ("USA", "RUS", "UKR", "CHN", "DEU", "FRA", "GBR", "ISR", "PSE", "IRN", "TUR", "IND", "PAK")
SENTENCES = (
    "Russian forces shelled the Ukrainian city of Kharkiv on Tuesday, officials said.",
    "The United States condemned the attack and announced new sanctions against Moscow.",
    "Germany's foreign minister met her French counterpart in Paris to discuss aid to Kyiv.",
    "Iran accused Israel of carrying out a drone strike near Isfahan.",
    "China called for restraint and offered to mediate between the two sides.",
    "Turkey said it would host talks between Russian and Ukrainian negotiators next week.",
)
EVEN_LONGER = 2_000_000  # characters: a body over the 1 MB cap


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)  # (kind, status) -> count
    normal_ms: list[float] = field(default_factory=list)
    abusive_ms: list[float] = field(default_factory=list)
    coding_ms: list[float] = field(default_factory=list)
    by_path: dict[str, list[float]] = field(default_factory=dict)  # "kind METHOD /path" -> ms
    path_statuses: dict[str, Counter] = field(default_factory=dict)  # "kind METHOD /path" -> statuses
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, what: str, status: int, ms: float) -> None:
        with self.lock:
            self.statuses[(kind, status)] += 1
            self.by_path.setdefault(f"{kind} {what}", []).append(ms)
            self.path_statuses.setdefault(f"{kind} {what}", Counter())[status] += 1
            {"normal": self.normal_ms, "coding": self.coding_ms, "abusive": self.abusive_ms}[kind].append(ms)


def some_day(rng: random.Random) -> date:
    return START + timedelta(days=rng.randrange(YEAR))


def article(n: int, rng: random.Random) -> str:
    text, size = [], 0
    while size < n:
        sentence = rng.choice(SENTENCES)
        text.append(sentence)
        size += len(sentence) + 1
    return " ".join(text)[:n]


def normal_request(rng: random.Random) -> tuple[str, str, dict | None]:
    day = some_day(rng)
    a, b = rng.sample(COUNTRIES, 2)
    choice = rng.randrange(8)
    if choice == 0:
        return "GET", "/events", {"limit": 50}
    if choice == 1:
        return "GET", "/events", {"source": a, "target": b, "limit": 50}
    if choice == 2:
        return "GET", "/events", {"from": day.isoformat(), "to": (day + timedelta(days=30)).isoformat(),
                                  "country": a, "limit": 100}  # fmt: skip
    if choice == 3:
        return "GET", "/series", {"source": a, "target": b, "period": "day", "from": day.isoformat(),
                                  "to": (day + timedelta(days=90)).isoformat()}  # fmt: skip
    if choice == 4:
        return "GET", "/alerts", {"since": day.isoformat(), "until": (day + timedelta(days=14)).isoformat()}
    if choice == 5:
        return "GET", "/dyads", {"from": day.isoformat(), "to": (day + timedelta(days=30)).isoformat()}
    if choice == 6:
        return "GET", "/health", None
    return "POST", "/code", {"text": article(rng.randrange(200, 2000), rng), "date": day.isoformat()}


def abusive_request(rng: random.Random, max_text: int) -> tuple[str, str, dict | None]:
    a, b = rng.sample(COUNTRIES, 2)
    choice = rng.randrange(9)
    if choice == 0:
        return "GET", "/series", {"source": a, "target": b, "from": "0001-01-01", "to": "9999-12-30"}
    if choice == 1:
        return "GET", "/series", {"source": a, "target": b, "to": "9999-12-31"}
    if choice == 2:
        return "GET", "/alerts", {"since": "0001-01-01", "until": "9999-12-31", "period": rng.choice(["day", "week"])}
    if choice == 3:
        return "GET", "/alerts", {"since": "0001-01-01"}
    if choice == 4:
        return "GET", "/events", {"from": "0001-01-01", "to": "9999-12-31", "limit": 500}
    if choice == 5:
        return "GET", "/dyads", {"from": "0001-01-01", "to": "9999-12-31", "by": "code", "limit": 500}
    if choice == 6:
        return "CURSOR", "/events", {"limit": 500, "pages": 50}
    if choice == 7:
        return "POST", "/code", {"text": article(max_text, rng)}
    return "POST", "/code", {"text": "x" * EVEN_LONGER}


def send(
    con: http.client.HTTPConnection, method: str, path: str, params: dict | None, headers: dict | None = None
) -> tuple[int, bytes]:
    headers = headers or {}
    if method == "POST":
        con.request("POST", path, body=json.dumps(params), headers={"Content-Type": "application/json", **headers})
    else:
        con.request("GET", f"{path}?{urlencode(params)}" if params else path, headers=headers)
    response = con.getresponse()
    return response.status, response.read()


def walk_cursor(con: http.client.HTTPConnection, params: dict, deadline: float, headers: dict) -> tuple[int, bytes]:
    """Follow next_cursor ``pages`` deep (or until the deadline); the status of the last page (or the first
    failure)."""
    query = {"limit": params["limit"]}
    status, body = 200, b""
    for _ in range(params["pages"]):
        if time.monotonic() > deadline:
            break
        status, body = send(con, "GET", "/events", query, headers)
        if status != 200:
            break
        cursor = json.loads(body).get("next_cursor")
        if not cursor:
            break
        query["cursor"] = cursor
    return status, body


def client(
    port: int, seed: int, deadline: float, abusive: float, max_text: int, code: bool, tally: Tally, named: bool
) -> None:
    rng = random.Random(seed)
    # Its own address, as a reverse proxy in front of the server reports it.
    headers = {"X-Forwarded-For": f"10.0.{seed // 250}.{seed % 250 + 1}"} if named else {}
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.monotonic() < deadline:
        kind = "abusive" if rng.random() < abusive else "normal"
        method, path, params = abusive_request(rng, max_text) if kind == "abusive" else normal_request(rng)
        if method == "POST" and not code:
            continue
        if kind == "normal" and method == "POST":
            kind = "coding"  # a short text to code: timed apart from the reads (it waits for a coder)
        started = time.perf_counter()
        try:
            if method == "CURSOR":
                status, _ = walk_cursor(con, params, deadline, headers)
            else:
                status, _ = send(con, method, path, params, headers)
        except (OSError, http.client.HTTPException):
            status = 0  # no answer: counted apart from the statuses
            con.close()
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        tally.add(kind, f"{method} {path}", status, (time.perf_counter() - started) * 1000)
    con.close()


def start_server(location: str, port: int) -> subprocess.Popen:
    """``eventwatch serve`` as a user starts it, with its default limits."""
    eventwatch = Path(sys.executable).with_name("eventwatch")
    command = [str(eventwatch), "serve"] if eventwatch.exists() else [sys.executable, "-m", "eventwatch", "serve"]
    server = subprocess.Popen([*command, "--db", location, "--port", str(port), "--host", "127.0.0.1",
                               "--trusted-proxy", "127.0.0.1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            if send(con, "GET", "/health", None)[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"the server did not start within 120 s: {server.stderr.read()[-500:] if server.stderr else ''}")


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it (the server's coding workers)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except OSError:  # the process ended meanwhile
            continue
    return found


def peak_rss_mb(pid: int) -> float:
    """The peak resident set (VmHWM), MB, of the server and every process below it (its coding workers)."""
    total = 0.0
    for current in process_tree(pid):
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU seconds used so far by the server process and by the processes below it: on a shared machine
    how much CPU the server got says as much about its latencies as the load average."""
    used = []
    for current in process_tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used.append((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"))
    return (used[0], sum(used[1:])) if used else (0.0, 0.0)


def p95_of(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def p95(values: list[float]) -> float:
    return p95_of(values, 0.95)


def bench(name: str, location: str, args: argparse.Namespace) -> None:
    from eventwatch.monitor.config import default_config

    max_text = default_config().api.max_text_chars
    port = free_port()
    server = start_server(location, port)
    tally = Tally()
    try:
        # The coder's pipeline loads on the first POST /code: load it before the clock starts.
        send(http.client.HTTPConnection("127.0.0.1", port, timeout=120), "POST", "/code", {"text": SENTENCES[0]})
        print(f"\n{name}: {args.clients} clients for {args.seconds:g} s, {args.abusive:.0%} abusive requests; "
              f"load average {load()}", flush=True)  # fmt: skip
        deadline = time.monotonic() + args.seconds
        cpu_before = cpu_seconds(server.pid)
        threads = [
            threading.Thread(
                target=client,
                args=(port, seed, deadline, args.abusive, max_text, not args.no_code, tally, not args.one_address),
                daemon=True,
            )
            for seed in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 90)  # a request in flight at the deadline may take its 60 s
        rss = peak_rss_mb(server.pid)
        cpu_after = cpu_seconds(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    counts = tally.statuses
    by_status = Counter()
    for (_, status), n in counts.items():
        by_status[status] += n
    server_errors = sum(n for status, n in by_status.items() if status >= 500)
    shed = {kind: counts[(kind, 503)] for kind in ("normal", "coding", "abusive")}
    normal_p95 = p95(tally.normal_ms)
    print(f"requests: {len(tally.normal_ms):,} normal reads, {len(tally.coding_ms):,} short POST /code, "
          f"{len(tally.abusive_ms):,} abusive; statuses "
          + ", ".join(f"{status or 'no answer'}: {n:,}" for status, n in sorted(by_status.items())))  # fmt: skip
    print(f"5xx answers: {server_errors} (500: {by_status[500]}; 503 on normal reads: {shed['normal']}, "
          f"on short POST /code: {shed['coding']}, on abusive requests: {shed['abusive']}; "
          f"no answer: {by_status[0]})  target 0  "
          f"{'ok' if server_errors == 0 and by_status[0] == 0 else 'MISS'}")  # fmt: skip
    print(f"normal reads p95: {normal_p95:.0f} ms  target <= {NORMAL_P95_MS:g} ms  "
          f"{'ok' if normal_p95 <= NORMAL_P95_MS else 'MISS'}")  # fmt: skip
    print(f"short POST /code p95: {p95(tally.coding_ms):.0f} ms; abusive requests p95: {p95(tally.abusive_ms):.0f} ms")
    for what, times in sorted(tally.by_path.items()):
        statuses = " ".join(f"{status or 'none'}:{n}" for status, n in sorted(tally.path_statuses[what].items()))
        print(f"  {what:<28} {len(times):>6,} requests  p50 {p95_of(times, 0.5):>7.0f} ms  p95 {p95(times):>7.0f} ms"
              f"  [{statuses}]")  # fmt: skip
    server_cpu, workers_cpu = (after - before for after, before in zip(cpu_after, cpu_before, strict=True))
    print(f"CPU used during the run: server {server_cpu:.0f} s, coding workers {workers_cpu:.0f} s "
          f"({(server_cpu + workers_cpu) / args.seconds:.2f} of {os.cpu_count()} cores)")  # fmt: skip
    print(f"server peak RSS (with its coding workers): {rss:,.0f} MB  target <= {MAX_RSS_GB * 1024:,.0f} MB  "
          f"{'ok' if rss <= MAX_RSS_GB * 1024 else 'MISS'}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--abusive", type=float, default=0.3, help="share of abusive requests")
    parser.add_argument("--no-code", action="store_true", help="no POST /code: reads only (what coding costs them)")
    parser.add_argument("--one-address", action="store_true", help="no X-Forwarded-For: the server sees one client")
    parser.add_argument("--backend", choices=("duckdb", "postgresql"), default="duckdb")
    parser.add_argument("--pg", default=os.environ.get("EVENTWATCH_BENCH_PG"), help="PostgreSQL URL")
    parser.add_argument("--cache", type=Path, help="keep the built store here and reuse it")
    args = parser.parse_args()
    print(f"load average at start: {load()}  ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.cache or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if args.backend == "duckdb":
            location = str(folder / f"bench-{args.events}.duckdb")
        elif args.pg:
            location = postgres_schema(args.pg, f"ew_bench_{args.events}", fresh=False)
        else:
            raise SystemExit("PostgreSQL: give --pg postgresql://... or set EVENTWATCH_BENCH_PG")
        if count_events(location) != args.events:
            if args.backend == "duckdb":
                Path(location).unlink(missing_ok=True)
            else:
                location = postgres_schema(args.pg, f"ew_bench_{args.events}", fresh=True)
            print(f"built {args.events:,} events in {build(location, args.events):.0f} s")
        bench("DuckDB" if args.backend == "duckdb" else "PostgreSQL", location, args)
    print(f"\nload average at end: {load()}")


if __name__ == "__main__":
    main()
