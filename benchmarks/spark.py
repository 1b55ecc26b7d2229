"""Benchmark: `eventwatch spark` on the WCEP corpus at local[1] and local[2], and `ingest --workers 2` of
the same input into DuckDB, in one run.

    python benchmarks/spark.py [--limit N] [--partitions N]

Prints sentences/s of each (end to end: Spark's start, reading, coding, dedup and writing Parquet),
the scaling from one core to two (target >= 1.8x), Spark local[2] against ingest (target >= 0.85),
and the peak RSS of each Python worker. As the fixed costs (starting the JVM, planning each stage,
building a Coder per Python worker) weigh much on a short run, it also prints where Spark's time went
- starting, the coding stage, the rest (reading, dedup, writing) - and the coding stage's own rate
and scaling: the per-core rate of the README's sizing table is the coding stage's. The JVM is started
once, by the first (local[1]) run: the later run's "starting Spark" is only a new SparkContext.
``--limit`` codes the first N summaries; the final figures use the whole corpus (114,261 summaries).
Needs `pip install 'eventwatch[spark]'` and Java 17.
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
from pathlib import Path

from eventwatch.ingest.pipeline import count_sentences
from eventwatch.spark import spark
from eventwatch.store import Store
from measure import WCEP, WorkerUsage, load_per_core, wcep_input

GUARDIAN = WCEP.with_name("guardian_2019_sample.jsonl")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="code the first N summaries only")
    parser.add_argument("--partitions", type=int, default=None, help="coding tasks (default: 4 per core)")
    args = parser.parse_args()
    rates: dict[str, float] = {}
    coding_rates: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        source = wcep_input(args.limit, Path(tmp))
        for master in ("local[1]", "local[2]"):
            with WorkerUsage() as workers:
                report = spark([str(source)], f"{tmp}/out-{master[6]}", master=master, partitions=args.partitions)
            rates[master] = report.sentences / report.seconds
            coding_rates[master] = report.sentences / report.coding_seconds
            rest = report.seconds - report.starting_seconds - report.coding_seconds
            print(f"spark {master}: {report.seconds:.0f} s = starting Spark {report.starting_seconds:.0f} s + coding "
                  f"stage {report.coding_seconds:.0f} s ({coding_rates[master]:.1f} sentences/s) + reading, dedup "
                  f"and writing {rest:.0f} s", flush=True)  # fmt: skip
            peaks = ", ".join(f"{mb:.0f} MB" for mb in workers.busiest(int(master[6])))
            print(f"spark {master}: {report}; {rates[master]:.1f} sentences/s; "
                  f"peak RSS per Python worker {peaks}; load per core {load_per_core()}", flush=True)  # fmt: skip
        started = time.perf_counter()
        with Store(Path(tmp) / "bench.duckdb") as store:
            ingested = store.ingest([str(source)], workers=2)
        rates["ingest"] = ingested.sentences / (time.perf_counter() - started)
        print(f"ingest --workers 2: {ingested}; {rates['ingest']:.1f} sentences/s; load per core {load_per_core()}")

    print()
    print(f"spark local[1]:      {rates['local[1]']:8.1f} sentences/s")
    print(f"spark local[2]:      {rates['local[2]']:8.1f} sentences/s")
    print(f"ingest --workers 2:  {rates['ingest']:8.1f} sentences/s")
    print(f"scaling 1 -> 2 cores: {rates['local[2]'] / rates['local[1]']:7.2f}x (target >= 1.8)")
    print(f"spark[2] / ingest:    {rates['local[2]'] / rates['ingest']:7.2f}  (target >= 0.85)")
    print(f"coding stage alone: local[1] {coding_rates['local[1]']:.1f}, local[2] {coding_rates['local[2]']:.1f} "
          f"sentences/s; scaling {coding_rates['local[2]'] / coding_rates['local[1]']:.2f}x")  # fmt: skip
    per_core = coding_rates["local[2]"] / 2
    print(f"per-core rate (coding stage at local[2] / 2): {per_core:.1f} sentences/s")
    sizing(per_core)


def sizing(per_core: float) -> None:
    """Cores to code a day's articles within the day, from the per-core rate, for articles as long as
    WCEP's summaries and as the Guardian's full articles (../shared)."""
    lengths = {"WCEP summary": 0.0, "Guardian article": 0.0}
    for name, path in (("WCEP summary", WCEP), ("Guardian article", GUARDIAN)):
        texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8") if line.strip()]
        lengths[name] = sum(count_sentences(t) for t in texts) / len(texts)
    print("cores needed to code a day's articles in a day (at 100% use; add headroom):")
    print(f"  {'articles/day':>12}  " + "  ".join(f"{n} ({s:.1f} sentences)" for n, s in lengths.items()))
    for per_day in (100_000, 1_000_000, 10_000_000):
        cells = [f"{math.ceil(per_day * s / 86_400 / per_core):>{len(n) + 15}}" for n, s in lengths.items()]
        print(f"  {per_day:>12,}  " + "  ".join(cells))


if __name__ == "__main__":
    main()
