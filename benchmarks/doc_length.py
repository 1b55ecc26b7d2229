"""Coding time against document length: is the coder linear on long documents?

    python benchmarks/doc_length.py [--sizes 10000,50000,100000,200000,500000,1000000]

Builds one document per size by joining real Guardian articles (``../shared/corpora``) with paragraph
breaks, or the bundled sample articles where ../shared is absent, codes each with one Coder and prints
characters, wall and CPU seconds (CPU time is less disturbed by other work on a shared machine), CPU
seconds per 10,000 characters and the CPU time relative to the 50,000-character document. Linear
means the last column grows like the size (1M characters in at most 20x the time of 50k). Texts over
the parser's chunk size are parsed in chunks (``coding/parse.py``).
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from eventwatch.coding import Coder

PROJECT = Path(__file__).resolve().parents[1]
GUARDIAN = PROJECT.parent / "shared/corpora/guardian_2019_sample.jsonl"
SAMPLES = PROJECT / "src/eventwatch/data/samples/articles.jsonl"
SIZES = "10000,50000,100000,200000,500000,1000000"


def articles() -> tuple[str, list[str]]:
    path = GUARDIAN if GUARDIAN.exists() else SAMPLES
    with path.open(encoding="utf-8") as f:
        return path.name, [json.loads(line)["text"] for line in f if line.strip()]


def document(texts: list[str], size: int) -> str:
    """Articles joined by blank lines until ``size`` characters, cut at the last space before it."""
    parts, length, i = [], 0, 0
    while length < size:
        text = texts[i % len(texts)]
        parts.append(text)
        length += len(text) + 2
        i += 1
    joined = "\n\n".join(parts)
    cut = joined.rfind(" ", 0, size)
    return joined[: cut if cut > 0 else size]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=SIZES, help="comma-separated document sizes in characters")
    ap.add_argument("--repeat", type=int, default=1, help="code each document this many times; keep the best")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    source, texts = articles()
    coder = Coder()
    coder.code(document(texts, 5_000), date="2019-03-01")  # warm-up
    print(f"documents built from {source}; times are the best of {args.repeat}")
    print(f"{'chars':>9} {'events':>7} {'wall s':>7} {'CPU s':>7} {'CPU s/10k':>9} {'x 50k':>6}")
    base = None
    for size in sizes:
        text = document(texts, size)
        wall, cpu = [], []
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            events = coder.code(text, date="2019-03-01")
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        if size == 50_000:
            base = min(cpu)
        relative = f"{min(cpu) / base:6.1f}" if base else "     -"
        print(f"{len(text):>9} {len(events):>7} {min(wall):>7.2f} {min(cpu):>7.2f} "
              f"{min(cpu) / len(text) * 10_000:>9.3f} {relative}", flush=True)  # fmt: skip
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
