"""Monitor and API defaults, read from ``data/monitor.yaml`` (the only place they are written down)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

PERIODS = ("day", "week", "month")
UNITS = ("events", "mentions")
METRICS = ("negative_goldstein", "material_conflict_share", "conflict_events")
METHODS = ("zscore", "cusum")
LEVELS = ("country", "code")


@dataclass(frozen=True, slots=True)
class AlertConfig:
    metric: str
    method: str
    period: str
    by: str
    baseline_periods: int
    min_baseline_periods: int
    min_events: int
    min_dyad_events: int
    max_drivers: int
    z_threshold: float
    cusum_k: float
    cusum_h: float
    min_std: dict[str, float] = field(default_factory=dict)
    min_std_relative: float = 0.0

    def with_overrides(self, **overrides: Any) -> AlertConfig:
        """A copy with the given non-None values replaced, validated."""
        config = replace(self, **{k: v for k, v in overrides.items() if v is not None})
        config.validate()
        return config

    def validate(self) -> None:
        if self.metric not in METRICS:
            raise ValueError(f"unknown alert metric {self.metric!r} (choose from {', '.join(METRICS)})")
        if self.method not in METHODS:
            raise ValueError(f"unknown alert method {self.method!r} (choose from {', '.join(METHODS)})")
        if self.period not in PERIODS:
            raise ValueError(f"unknown period {self.period!r} (choose from {', '.join(PERIODS)})")
        if self.by not in LEVELS:
            raise ValueError(f"unknown actor level {self.by!r} (choose from {', '.join(LEVELS)})")
        if self.baseline_periods < 2 or self.min_baseline_periods < 2:
            raise ValueError("a baseline needs at least 2 periods")

    @property
    def std_floor(self) -> float:
        return float(self.min_std.get(self.metric, 0.0))


@dataclass(frozen=True, slots=True)
class ApiConfig:
    default_page_size: int
    max_page_size: int
    max_body_bytes: int
    max_text_chars: int
    max_urls: int
    token_env: str
    cache_entries: int = 512  # answers kept while the store is unchanged (api.cache)
    cache_mb: int = 64


@dataclass(frozen=True, slots=True)
class MonitorConfig:
    series_period: str
    series_unit: str
    alerts: AlertConfig
    network_limit: int
    api: ApiConfig


def load_config(path: str | Path | None = None) -> MonitorConfig:
    """Read the monitor defaults from ``path``, or from the packaged ``data/monitor.yaml``."""
    if path is None:
        text = resources.files("eventwatch").joinpath("data/monitor.yaml").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    raw = yaml.safe_load(text)
    a = raw["alerts"]
    alerts = AlertConfig(
        metric=a["metric"],
        method=a["method"],
        period=a["period"],
        by=a["by"],
        baseline_periods=int(a["baseline_periods"]),
        min_baseline_periods=int(a["min_baseline_periods"]),
        min_events=int(a["min_events"]),
        min_dyad_events=int(a["min_dyad_events"]),
        max_drivers=int(a["max_drivers"]),
        z_threshold=float(a["zscore"]["threshold"]),
        cusum_k=float(a["cusum"]["k"]),
        cusum_h=float(a["cusum"]["h"]),
        min_std={k: float(v) for k, v in a["min_std"].items()},
        min_std_relative=float(a["min_std_relative"]),
    )
    alerts.validate()
    api = raw["api"]
    return MonitorConfig(
        series_period=raw["series"]["period"],
        series_unit=raw["series"]["unit"],
        alerts=alerts,
        network_limit=int(raw["network"]["limit"]),
        api=ApiConfig(
            default_page_size=int(api["default_page_size"]),
            max_page_size=int(api["max_page_size"]),
            max_body_bytes=int(api["max_body_bytes"]),
            max_text_chars=int(api["max_text_chars"]),
            max_urls=int(api["max_urls"]),
            token_env=str(api["token_env"]),
            cache_entries=int(api.get("cache_entries", 512)),
            cache_mb=int(api.get("cache_mb", 64)),
        ),
    )


@cache
def default_config() -> MonitorConfig:
    """The packaged defaults, read once per process (the result is immutable)."""
    return load_config()
