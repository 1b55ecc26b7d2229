"""Violence false alarms on disaster news, against violence found on armed-conflict news (WCEP).

    python benchmarks/disasters.py [--n 400] [--seed 5] [--show 20]

Draws ``--n`` summaries of Wikipedia's Current events portal (``../shared/corpora/wcep_current_events.jsonl``)
from its disaster categories ("Disasters and accidents", "Disasters") and ``--n`` from its armed-conflict
categories ("Armed conflicts and attacks", ...), with a fixed seed, codes them and prints:

- ``disaster_violent``: share of disaster summaries with a real event of CAMEO root 18-20 (assault,
  fight, mass violence) — a false alarm, unless the summary also reports an attack (a few do: "a bomb
  at a market", so the figure cannot reach 0);
- ``disaster_violent_17_20``: the same with 17 (coerce) counted;
- ``disaster_any``: share with any real event;
- ``conflict_violent``: share of armed-conflict summaries with an event of root 18-20 — what the
  coder must keep while it drops the false alarms.

``--show N`` prints N disaster summaries that still get a violent event, with the events, for reading.
Use one seed to develop on and another to measure.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
CORPUS = PROJECT.parent / "shared/corpora/wcep_current_events.jsonl"
DISASTER = ("disasters",)  # category prefixes, lower case
CONFLICT = ("armed conflict",)
VIOLENT_ROOTS = frozenset({"18", "19", "20"})
COERCIVE_ROOTS = VIOLENT_ROOTS | {"17"}


def read(prefixes: tuple[str, ...]) -> list[dict]:
    with CORPUS.open(encoding="utf-8") as f:
        records = (json.loads(line) for line in f if line.strip())
        return [r for r in records if (r.get("category") or "").lower().startswith(prefixes)]


def draw(records: list[dict], n: int, seed: int) -> list[dict]:
    return random.Random(seed).sample(records, min(n, len(records)))


def share(coded: list[tuple[dict, list]], roots: frozenset[str] | None) -> float:
    hits = sum(1 for _, events in coded if any(roots is None or e.cameo_root in roots for e in events))
    return round(hits / max(len(coded), 1), 3)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--show", type=int, default=0)
    args = ap.parse_args()
    if not CORPUS.exists():
        raise SystemExit(f"{CORPUS} is absent: the corpora live in ../shared beside the project")
    from eventwatch import Coder

    coder = Coder()
    disasters = draw(read(DISASTER), args.n, args.seed)
    conflicts = draw(read(CONFLICT), args.n, args.seed)
    coded_disasters = list(zip(disasters, coder.pipe(disasters), strict=True))
    coded_conflicts = list(zip(conflicts, coder.pipe(conflicts), strict=True))
    figures = {
        "n": len(disasters),
        "seed": args.seed,
        "disaster_violent": share(coded_disasters, VIOLENT_ROOTS),
        "disaster_violent_17_20": share(coded_disasters, COERCIVE_ROOTS),
        "disaster_any": share(coded_disasters, None),
        "conflict_violent": share(coded_conflicts, VIOLENT_ROOTS),
    }
    print(json.dumps(figures))
    shown = [(r, ev) for r, ev in coded_disasters if any(e.cameo_root in VIOLENT_ROOTS for e in ev)]
    for record, events in shown[: args.show]:
        print(f"\n{record['id']} {record['date']}: {record['text'][:400]}")
        for e in events:
            if e.cameo_root in VIOLENT_ROOTS:
                target = e.target.text if e.target else "-"
                print(f"   {e.cameo} {e.trigger.text!r} {e.source.text!r} -> {target!r}  [{e.rule}]")


if __name__ == "__main__":
    main()
