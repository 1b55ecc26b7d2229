"""Benchmark: `ingest --workers 2` of the WCEP corpus into DuckDB against a bare spaCy parse of the same
documents in one process, measured in the same run.

    python benchmarks/ingest.py [--limit N] [--workers 2] [--parse-limit N]

Prints articles/s of both and their ratio (also without the fixed cost of starting the coding workers,
which build a Coder each: timed here by building one); the CPU time of each thread of the ingest's
main process (reading and hashing, feeding the workers, the writer thread, DuckDB's own threads); the
store's overhead - the writer thread's and DuckDB's CPU time as a share of the coding workers'; the
database size per 1,000 events; reports (asserted mentions) per event after dedup; and
the peak RSS of each coding worker. ``--limit`` codes the first N summaries (quick runs); the final
figures use the whole corpus (114,261 summaries). The bare parse is the stock ``en_core_web_sm``
pipeline, ``nlp.pipe`` with its default batch size; ``--parse-limit`` parses only the first N.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import duckdb
import spacy

from eventwatch.coding import Coder
from eventwatch.coding.parse import MODEL_PACKAGES
from eventwatch.store import Store
from measure import SAMPLER, ThreadUsage, WorkerUsage, load_per_core, wcep_input


def stock_model() -> spacy.language.Language:
    for package in MODEL_PACKAGES:
        try:
            return spacy.load(package)
        except OSError:
            continue
    raise SystemExit("no spaCy English model installed")


def bare_parse(texts: list[str]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, sentences) of parsing ``texts`` with the stock pipeline."""
    nlp = stock_model()
    sum(1 for _ in nlp.pipe(texts[:200]))  # warm-up
    started, cpu = time.perf_counter(), time.process_time()
    sentences = sum(len(list(doc.sents)) for doc in nlp.pipe(texts))
    return time.perf_counter() - started, time.process_time() - cpu, sentences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="code the first N summaries only")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--parse-limit", type=int, default=None, help="bare-parse the first N only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = wcep_input(args.limit, Path(tmp))
        texts = [json.loads(line)["text"] for line in source.open(encoding="utf-8") if line.strip()]
        print(f"input: {source} ({len(texts)} documents); load per core at start {load_per_core()}")

        db = Path(tmp) / "bench.duckdb"
        started, main_cpu = time.perf_counter(), time.process_time()
        with WorkerUsage() as workers, ThreadUsage() as threads, Store(db) as store:
            report = store.ingest([str(source)], workers=args.workers)
        ingest_s, main_cpu = time.perf_counter() - started, time.process_time() - main_cpu
        started, build_cpu = time.perf_counter(), time.process_time()
        Coder(include_unreal=True)
        build_s, build_cpu = time.perf_counter() - started, time.process_time() - build_cpu
        print(f"ingest --workers {args.workers}: {report} (load per core {load_per_core()})")

        parsed = texts[: args.parse_limit] if args.parse_limit else texts
        parse_s, parse_cpu, parse_sentences = bare_parse(parsed)
        print(f"bare parse: {len(parsed)} documents, {parse_sentences} sentences (load per core {load_per_core()})")

        con = duckdb.connect(str(db), read_only=True)
        events, asserted = con.execute(
            "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM mentions WHERE event_id IS NOT NULL)"
        ).fetchall()[0]
        con.close()
        size_mb = db.stat().st_size / 1e6

    ingest_rate, parse_rate = report.articles / ingest_s, len(parsed) / parse_s
    coding_cpu = workers.cpu_seconds
    peaks = workers.busiest(args.workers)
    print()
    print(f"bare spaCy parse, 1 process: {parse_rate:8.1f} articles/s ({parse_s:.0f} s; CPU {parse_cpu:.0f} s)")
    print(f"ingest into DuckDB:          {ingest_rate:8.1f} articles/s ({ingest_s:.0f} s for {report.articles})")
    print(f"ingest / bare parse:         {ingest_rate / parse_rate:8.2f}x   (target >= 1.7)")
    steady = report.articles / (ingest_s - build_s)
    print(f"  without the workers' start: {steady / parse_rate:7.2f}x   ({steady:.1f} articles/s; a worker builds "
          f"its Coder in {build_s:.1f} s, once per run: a fixed cost)")  # fmt: skip
    by_thread = threads.by_name()
    main_cpu -= by_thread.pop(SAMPLER, 0.0)  # this benchmark's own sampling
    per_article = 1000 / report.articles
    print(f"CPU per article: parse {parse_cpu / len(parsed) * 1000:.1f} ms; ingest workers "
          f"{coding_cpu * per_article:.1f} ms + main process {main_cpu * per_article:.1f} ms")  # fmt: skip
    steady_cpu = (coding_cpu - args.workers * build_cpu + main_cpu) / report.articles
    print(f"  the same, CPU-bound ({args.workers} idle cores, fixed costs left out; an estimate): ingest would "
          f"reach {args.workers * parse_cpu / len(parsed) / steady_cpu:.2f}x the bare parse (workers without "
          f"building their Coders ({build_cpu:.1f} s of CPU each) + main process: {steady_cpu * 1000:.1f} ms "
          f"per article)")  # fmt: skip
    store_cpu = by_thread.get("eventwatch-writer", 0.0) + by_thread.get("native", 0.0)
    print("main process CPU by thread:  " + ", ".join(f"{n} {s:.1f} s" for n, s in sorted(by_thread.items())))
    print(f"store overhead:              {store_cpu / coding_cpu:8.1%} of coding CPU time (writer thread + "
          f"DuckDB's threads {store_cpu:.1f} s / coding workers {coding_cpu:.0f} s; target <= 10%); the whole "
          f"main process: {main_cpu / coding_cpu:.1%}; the writer was busy {report.writing_seconds:.0f} s "
          f"of {ingest_s:.0f} s, beside the coding")  # fmt: skip
    print(f"database size:               {size_mb:.1f} MB = {size_mb / events * 1000:.2f} MB per 1,000 events "
          f"({events} events, {report.mentions} mentions, article texts included)")  # fmt: skip
    print(f"reports per event:           {asserted / events:8.2f} asserted mentions per deduplicated event")
    print(f"peak RSS per coding worker:  {', '.join(f'{mb:.0f} MB' for mb in peaks)} (target <= 600 MB)")


if __name__ == "__main__":
    main()
