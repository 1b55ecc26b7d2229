"""How many coded events the coder marks not real (negated, hypothetical, future, generic, historical).

    python benchmarks/unreal_share.py                        # 1,000 WCEP summaries, seed 2019
    python benchmarks/unreal_share.py --docs 249 --corpus ../shared/corpora/guardian_2019_sample.jsonl

WCEP summaries are almost all news of their day, so the share marked not real there measures how much
real news the modality and time passes suppress (it should stay small); on full articles, with their
background and analysis, it is expected to be larger. Documents are drawn with a fixed seed, so two
coders (before and after a change) are compared on the same ones. Prints the share per modality value
and a few examples of each, for reading.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = PROJECT.parent / "shared/corpora/wcep_current_events.jsonl"


def sample_documents(corpus: Path, docs: int, seed: int) -> list[dict]:
    with corpus.open(encoding="utf-8") as lines:
        documents = [json.loads(line) for line in lines if line.strip()]
    return random.Random(seed).sample(documents, min(docs, len(documents)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--examples", type=int, default=3, help="examples printed per modality value")
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        print(f"skipped: {args.corpus} is missing (it lives in ../shared/corpora)", file=sys.stderr)
        return 0
    from eventwatch.coding import Coder

    documents = sample_documents(args.corpus, args.docs, args.seed)
    coder = Coder(include_unreal=True)
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for events in coder.pipe({"id": d["id"], "date": d.get("date"), "text": d["text"]} for d in documents):
        for event in events:
            counts[event.modality] += 1
            if len(examples[event.modality]) < args.examples:
                examples[event.modality].append(f"{event.trigger.text!r} [{event.rule}] {event.sentence[:160]}")
    total = sum(counts.values())
    unreal = total - counts["asserted"]
    print(f"corpus {args.corpus.name}: {len(documents)} documents, seed {args.seed}, {total} events")
    print(f"not real: {unreal} = {unreal / max(total, 1):.1%}")
    for value, n in counts.most_common():
        print(f"  {value:12} {n:6} {n / max(total, 1):6.1%}")
        if value != "asserted":
            for example in examples[value]:
                print(f"      {example}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
