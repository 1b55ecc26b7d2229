"""Monitor and API defaults, read from ``data/monitor.yaml`` (the only place they are written down)."""

from __future__ import annotations

import ipaddress
import os
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
    request_seconds: float = 10.0  # a read still running after this is interrupted (503)
    max_response_mb: float = 32.0  # a larger answer is refused (413)
    max_alerts: int = 1000  # alerts per GET /alerts answer
    max_periods: int = 10_000  # periods per GET /series answer or alert scan (400 beyond)
    code_workers: int = 1  # documents POST /code codes at once
    code_queue: int = 64  # short POST /code texts waiting for a worker (503 beyond, or past request_seconds)
    heavy_reads: int = 1  # heavy reads (long spans, all-history alert scans: api.admission) running at once
    code_long_chars: int = 20_000  # texts this long are coded in a lane of their own (one at a time)
    code_nice: int = 0  # the short-text coding workers' CPU priority below the server's (0: the same)
    code_long_nice: int = 19  # ... and the long-text worker's
    heavy_per_client: int = 2  # heavy reads one client may have running or waiting (429 beyond; 0: no limit)
    code_long_per_client: int = 1  # long texts one client may have coding or waiting (429 beyond; 0: no limit)
    code_long_queue: int = 0  # long texts waiting for the long lane's worker (429 beyond)
    trusted_proxies: tuple[str, ...] = ()  # proxies (addresses, networks) whose X-Forwarded-For names the client
    read_workers: int = 4  # reads computing at once (api.admission.ReadSlots); the rest wait their turn
    page_rows: int = 1000  # rows of large event pages read and serialised at once (api.admission.PageRows)
    light_page_rows: int = 100  # pages of at most this many rows never wait for page_rows

    def validate(self) -> None:
        for name in ("max_page_size", "max_body_bytes", "max_text_chars", "request_seconds", "max_response_mb",
                     "max_alerts", "max_periods", "code_workers", "read_workers", "page_rows",
                     "light_page_rows"):  # fmt: skip
            if getattr(self, name) <= 0:
                raise ValueError(f"api.{name} must be positive, not {getattr(self, name)!r}")
        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(f"api.trusted_proxies: {proxy!r} is not an IP address or network") from None


@dataclass(frozen=True, slots=True)
class MonitorConfig:
    series_period: str
    series_unit: str
    alerts: AlertConfig
    network_limit: int
    api: ApiConfig
    max_periods: int = 10_000  # a series or an alert scan longer than this is refused


CONFIG_ENV = "EVENTWATCH_CONFIG"


def load_config(path: str | Path | None = None) -> MonitorConfig:
    """The packaged ``data/monitor.yaml``, with the values a user's YAML file at ``path`` sets replacing
    its own (a file may set only ``api: {request_seconds: 5}``)."""
    raw = yaml.safe_load(resources.files("eventwatch").joinpath("data/monitor.yaml").read_text("utf-8"))
    if path is not None:
        try:
            own = yaml.safe_load(Path(path).read_text("utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ValueError(f"{path}: cannot read the configuration: {str(exc).splitlines()[0]}") from None
        if not isinstance(own, dict):
            raise ValueError(f"{path}: a configuration is a YAML mapping (series:, alerts:, api:, ...)")
        raw = _merged(raw, own)
    try:
        return _parse(raw)
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{path or 'monitor.yaml'}: bad configuration value: {exc}") from None


def _merged(base: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in own.items():
        nested = isinstance(value, dict) and isinstance(base.get(key), dict)
        merged[key] = _merged(base[key], value) if nested else value
    return merged


def _parse(raw: dict[str, Any]) -> MonitorConfig:
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
    max_periods = int(raw["series"].get("max_periods", 10_000))
    config = MonitorConfig(
        series_period=raw["series"]["period"],
        series_unit=raw["series"]["unit"],
        alerts=alerts,
        network_limit=int(raw["network"]["limit"]),
        max_periods=max_periods,
        api=ApiConfig(
            default_page_size=int(api["default_page_size"]),
            max_page_size=int(api["max_page_size"]),
            max_body_bytes=int(api["max_body_bytes"]),
            max_text_chars=int(api["max_text_chars"]),
            max_urls=int(api["max_urls"]),
            token_env=str(api["token_env"]),
            cache_entries=int(api.get("cache_entries", 512)),
            cache_mb=int(api.get("cache_mb", 64)),
            request_seconds=float(api.get("request_seconds", 10)),
            max_response_mb=float(api.get("max_response_mb", 32)),
            max_alerts=int(api.get("max_alerts", 1000)),
            max_periods=max_periods,
            code_workers=int(api.get("code_workers", 1)),
            code_queue=int(api.get("code_queue", 64)),
            code_long_chars=int(api.get("code_long_chars", 20_000)),
            heavy_reads=int(api.get("heavy_reads", 1)),
            code_nice=int(api.get("code_nice", 0)),
            code_long_nice=int(api.get("code_long_nice", 19)),
            heavy_per_client=int(api.get("heavy_per_client", 2)),
            code_long_per_client=int(api.get("code_long_per_client", 1)),
            code_long_queue=int(api.get("code_long_queue", 0)),
            trusted_proxies=_addresses(api.get("trusted_proxies")),
            read_workers=int(api.get("read_workers", 4)),
            page_rows=int(api.get("page_rows", 1000)),
            light_page_rows=int(api.get("light_page_rows", 100)),
        ),
    )
    config.api.validate()
    return config


def _addresses(value: Any) -> tuple[str, ...]:
    """A list of addresses from YAML: a list, or one string of comma-separated addresses."""
    if not value:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    return tuple(str(item).strip() for item in items if str(item).strip())


@cache
def default_config() -> MonitorConfig:
    """The packaged defaults with ``$EVENTWATCH_CONFIG``'s values over them, read once per process (the
    result is immutable)."""
    return load_config(os.environ.get(CONFIG_ENV) or None)
