"""Throughput of the coder against bare spaCy parsing, on the same documents, in one run.

    python benchmarks/throughput.py [--docs N] [--workers 2]

Prints sentences/second of (1) bare ``nlp.pipe`` parsing and (2) the full coder (every pass: layout,
parse, registry, predicates, classify, roles, context), their ratio (of wall and of CPU time), the coder
with ``--workers`` processes, and peak memory (RSS) of this process. Documents are the bundled sample articles repeated,
plus the seed article and the gigaword sample sentences from ../shared when present.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import time
from pathlib import Path

from eventwatch.coding import Coder
from eventwatch.coding.parse import load_model

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"


def corpus(n_docs: int) -> list[str]:
    texts = []
    for path in sorted((PROJECT / "src/eventwatch/data/samples").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text().splitlines() if line.strip()]
    seed = SHARED / "examples/seed_article.txt"
    if seed.exists():
        texts.append(seed.read_text())
    giga = SHARED / "eval/gigaword_sample_petrarch2.xml"
    if giga.exists():
        sentences = [" ".join(t.split()) for t in re.findall(r"<Text>(.*?)</Text>", giga.read_text(), re.S)]
        texts += [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    if not texts:
        raise SystemExit("no documents: the bundled samples are missing")
    return [texts[i % len(texts)] for i in range(n_docs)]


def timed(fn) -> tuple[float, int, float]:
    """Wall seconds, the count ``fn`` returns, and CPU seconds of this process (less disturbed than wall
    time by other work on a shared machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    count = fn()
    return time.perf_counter() - start, count, time.process_time() - cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    texts = corpus(args.docs)
    nlp = load_model()
    coder = Coder()
    sentences = sum(1 for doc in nlp.pipe(texts[:20]) for _ in doc.sents)  # warm-up
    sentences = sum(1 for doc in nlp.pipe(texts) for _ in doc.sents)

    def parse_only() -> int:
        return sum(1 for doc in nlp.pipe(texts, batch_size=32) for _ in doc.sents)

    def full(c: Coder) -> int:
        return sum(len(events) for events in c.pipe(texts))

    parse_s, _, parse_cpu = timed(parse_only)
    code_s, n_events, code_cpu = timed(lambda: full(coder))
    print(f"documents {len(texts)}, sentences {sentences}, events {n_events}")
    print(f"bare spaCy parse : {sentences / parse_s:8.1f} sentences/s ({parse_s:.1f} s)")
    print(f"full coder       : {sentences / code_s:8.1f} sentences/s ({code_s:.1f} s)")
    print(f"ratio coder/parse: {parse_s / code_s:8.2f}   (CPU time: {parse_cpu / code_cpu:.2f})")
    if args.workers > 1:
        parallel = Coder(n_process=args.workers)
        par_s, _, _ = timed(lambda: full(parallel))
        print(f"coder --workers {args.workers}: {sentences / par_s:8.1f} sentences/s ({par_s:.1f} s, "
              f"x{code_s / par_s:.2f} of one process; includes starting the workers)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS, main process): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
