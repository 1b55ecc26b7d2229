"""Shared test fixtures. The spaCy model and the Coder are slow to build, so they are built once per session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from spacy.language import Language

from eventwatch.coding.parse import load_model

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/fixtures importable as `fixtures`


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_model()


@pytest.fixture(scope="session")
def knowledge(nlp):
    from eventwatch.coding.knowledge import Knowledge

    return Knowledge.load(nlp)


@pytest.fixture(scope="session")
def coder():
    from eventwatch.coding import Coder

    return Coder(include_unreal=True)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only ../shared folder beside the project (present in CI, absent in a user's clone)."""
    if not (SHARED / "eval" / "score.py").exists():
        pytest.skip(f"{SHARED} is absent: the shared evaluation data is only beside the project in CI")
    return SHARED


@pytest.fixture(scope="session")
def cli() -> Path:
    return Path(sys.executable).with_name("eventwatch")
