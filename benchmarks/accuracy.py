"""Accuracy of the coder on the shared gold sets, through ../shared/eval/score.py (the CLI as a user runs it).

    python benchmarks/accuracy.py            # all sets
    python benchmarks/accuracy.py gsr seed   # some of them

Prints one JSON line of metrics per set. The seed article's key events are in seed_keyevents.yaml.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"
SETS = {
    "gsr": ["gsr", "eval/plover_gsr_dev.jsonl"],
    "pairs": ["pairs", "eval/plv_train_pairs.jsonl"],
    "petr": ["petr", "eval/petrarch2_gsr_validation.xml"],
}


def seed_gold_file(directory: Path) -> Path:
    """The keyevents gold file: our key-event list joined with the article text from ../shared."""
    spec = yaml.safe_load((PROJECT / "benchmarks/seed_keyevents.yaml").read_text())
    text = (SHARED / "examples/seed_article.txt").read_text(encoding="utf-8")
    gold = {"doc": {**spec["doc"], "text": text}, "key_events": spec["key_events"], "forbidden": spec["forbidden"]}
    path = directory / "seed_keyevents.json"
    path.write_text(json.dumps(gold))
    return path


def score(kind: str, gold: Path) -> dict:
    cli = Path(sys.executable).with_name("eventwatch")
    out = subprocess.run(
        [sys.executable, str(SHARED / "eval/score.py"), kind, str(gold), "--cli", str(cli)],
        capture_output=True, text=True, cwd=PROJECT, check=False,
    )
    if out.returncode != 0:
        return {"set": gold.name, "error": out.stderr.strip()[-500:]}
    return json.loads(out.stdout)


def main(names: list[str]) -> None:
    if not SHARED.exists():
        sys.exit(f"{SHARED} is absent: the gold sets live in ../shared beside the project")
    names = names or [*SETS, "seed"]
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            if name == "seed":
                print(json.dumps(score("keyevents", seed_gold_file(Path(tmp)))), flush=True)
            else:
                kind, rel = SETS[name]
                print(json.dumps(score(kind, SHARED / rel)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
