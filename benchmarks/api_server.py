"""The API as ``benchmarks/api.py`` serves it, importable by uvicorn's worker processes (``--workers``):
the store and whether answers are cached come from the environment the benchmark sets."""

from __future__ import annotations

import dataclasses
import os

from fastapi import FastAPI

from eventwatch.api.app import create_app
from eventwatch.monitor.config import default_config


def app() -> FastAPI:
    config = dataclasses.replace(default_config().api, cache_entries=int(os.environ["EVENTWATCH_BENCH_CACHE"]))
    return create_app(os.environ["EVENTWATCH_BENCH_DB"], config=config)
