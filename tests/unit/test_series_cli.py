"""The monitor commands end to end through the CLI: output formats and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwatch.cli import main
from fixtures.monitor.monitor_db import build_sample_db


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(build_sample_db(tmp_path_factory.mktemp("cli") / "sample.duckdb"))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_series_table_and_jsonl(db: str) -> None:
    code, out, _ = run("series", "USA", "RUS", "--db", db, "--period", "week")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["period", "count"] and len(lines) == 3
    code, out, _ = run("series", "RUS", "UKR", "--db", db, "--format", "jsonl")
    points = [json.loads(line) for line in out.splitlines()]
    assert len(points) == 7 and points[-1]["material_conflict"] == 1


def test_dyads_actors_alerts(db: str) -> None:
    code, out, _ = run("dyads", "--db", db, "--format", "csv")
    assert code == 0 and out.splitlines()[1].startswith("RUS,USA,7,")
    code, out, _ = run("actors", "--db", db, "--by", "code", "--limit", "1")
    assert code == 0 and "RUSGOV" in out
    code, out, err = run("alerts", "--db", db, "--since", "2022-01-25")
    assert code == 0 and out == "" and "no alerts" in err


def test_errors_are_one_line(db: str, tmp_path: Path) -> None:
    code, _, err = run("series", "USA", "RUS", "--db", str(tmp_path / "missing.duckdb"))
    assert code == 1 and err.count("\n") == 1 and err.startswith("error:")
    code, _, err = run("alerts", "--db", db, "--since", "soon")
    assert code == 1 and "expected YYYY-MM-DD" in err and "Traceback" not in err
