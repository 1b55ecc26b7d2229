"""Accuracy floors on the shared gold sets (deterministic counts), so a change cannot silently regress.

Floors are the figures measured when they were set, minus a margin of 0.03. They read ../shared and
skip with a reason where it is absent (a user's clone).
"""

import json
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
GSR_TYPE_HIT_FLOOR = 0.871 - 0.03
GSR_PRECISION_FLOOR = 0.799 - 0.03
GSR_TRIPLE_HIT_FLOOR = 0.620 - 0.03  # issue 7, after the document-level actors (2026-12-03)
PAIRS_PAIR_HIT_FLOOR = 0.579 - 0.03
PETR_DYAD_F1_FLOOR = 0.379 - 0.03


def score(shared_dir, cli, *args):
    out = subprocess.run(
        [sys.executable, str(shared_dir / "eval/score.py"), *args, "--cli", str(cli)],
        capture_output=True, text=True, cwd=PROJECT, timeout=900, check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    return json.loads(out.stdout)


def test_gsr_dev_type_hit_does_not_regress(shared_dir, cli):
    metrics = score(shared_dir, cli, "gsr", str(shared_dir / "eval/plover_gsr_dev.jsonl"))
    assert metrics["type_hit"] >= GSR_TYPE_HIT_FLOOR, metrics
    assert metrics["event_precision"] >= GSR_PRECISION_FLOOR, metrics
    assert metrics["triple_hit"] >= GSR_TRIPLE_HIT_FLOOR, metrics


def test_pairs_train_pair_hit_does_not_regress(shared_dir, cli):
    metrics = score(shared_dir, cli, "pairs", str(shared_dir / "eval/plv_train_pairs.jsonl"))
    assert metrics["pair_hit"] >= PAIRS_PAIR_HIT_FLOOR, metrics


def test_petrarch_validation_dyads_do_not_regress(shared_dir, cli):
    metrics = score(shared_dir, cli, "petr", str(shared_dir / "eval/petrarch2_gsr_validation.xml"))
    assert metrics["dyad_f1"] >= PETR_DYAD_F1_FLOOR, metrics


def test_seed_article_key_events_and_no_attack(shared_dir, cli, tmp_path):
    sys.path.insert(0, str(PROJECT / "benchmarks"))
    from accuracy import seed_gold_file

    metrics = score(shared_dir, cli, "keyevents", str(seed_gold_file(tmp_path)))
    assert metrics["missed"] == [] and metrics["forbidden_hits"] == [], metrics
    assert "2022-01-26" in metrics["dates"], metrics
