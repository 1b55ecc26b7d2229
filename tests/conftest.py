"""Shared test fixtures. The spaCy model and the Coder are slow to build, so they are built once per session."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from eventwatch.coding.parse import load_model

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/fixtures importable as `fixtures`

from fixtures.store.locations import BACKENDS, new_location  # noqa: E402 - after the path is set


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


@pytest.fixture(params=BACKENDS)
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty store, once per backend (PostgreSQL skips with how to start one when no server answers)."""
    with new_location(request.param, tmp_path) as location:
        yield location


@pytest.fixture(scope="module", params=BACKENDS)
def module_store_location(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """As ``store_location``, shared by the tests of one module."""
    with new_location(request.param, tmp_path_factory.mktemp("store")) as location:
        yield location


@pytest.fixture
def open_store(store_location: str) -> Iterator[Callable[..., Any]]:
    """A factory of Stores on ``store_location`` (any options); all are closed after the test."""
    from eventwatch.store import Store

    opened: list[Store] = []

    def make(**options: Any) -> Store:
        opened.append(Store(store_location, **options))
        return opened[-1]

    yield make
    for store in opened:
        store.close()
