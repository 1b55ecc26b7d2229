"""Running the API: ``serve`` (what ``eventwatch serve`` calls) and the checks made before binding."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from eventwatch.monitor.config import ApiConfig, default_config, load_config


def is_loopback(host: str) -> bool:
    """True if ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return all(ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None))
        except (OSError, ValueError):
            return False


def bind_warning(host: str, token: str | None) -> str | None:
    """The warning to print before binding ``host``, or None when it is safe."""
    if is_loopback(host):
        return None
    if not token:
        return (
            f"warning: serving on {host} without a token: anyone who can reach this address can read the "
            "events (ingest stays disabled until you pass --token)"
        )
    return f"warning: serving on {host}: reads are open to anyone who can reach this address"


def api_config(
    config_file: str | Path | None = None,
    *,
    request_timeout: float | None = None,
    max_periods: int | None = None,
    max_response_mb: float | None = None,
    max_text_chars: int | None = None,
    code_workers: int | None = None,
    trusted_proxies: Sequence[str] = (),
) -> ApiConfig:
    """The API's limits: data/monitor.yaml, then ``config_file``'s values, then the given ones."""
    config = load_config(config_file) if config_file else default_config()
    given = {
        "request_seconds": request_timeout, "max_periods": max_periods, "max_response_mb": max_response_mb,
        "max_text_chars": max_text_chars, "code_workers": code_workers,
        "trusted_proxies": tuple(trusted_proxies) or None,
    }  # fmt: skip
    api = replace(config.api, **{k: v for k, v in given.items() if v is not None})
    api.validate()
    return api


def resolve_token(token: str | None) -> str | None:
    """The token from ``--token`` or, failing that, the configured environment variable."""
    return token or os.environ.get(default_config().api.token_env) or None


def local_url(host: str, port: int) -> str:
    """The URL another process on this machine reaches the server at."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve(
    db: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    log: Callable[[str], None] = print,
    log_level: str = "info",
    watch_feeds: Sequence[str] = (),
    every: str = "15m",
    allow_private: bool = False,
    config: ApiConfig | None = None,
) -> None:
    """Serve the API and dashboard for ``db`` (a DuckDB file or postgresql:// URL) until interrupted.

    A DuckDB file is held open by the server while it runs; ``eventwatch ingest`` and ``watch`` on
    the same file hand their batches to it. With ``watch_feeds`` the server also polls those feeds
    every ``every`` and stores their new articles itself. ``allow_private`` lets those feeds and POST
    /ingest fetch loopback and private addresses (intranet feeds), refused by default. ``config`` sets
    the limits requests are held to (``api_config``; default: data/monitor.yaml and $EVENTWATCH_CONFIG).

    >>> serve("eventwatch.duckdb", port=8000)  # then open http://127.0.0.1:8000/
    """
    import uvicorn

    from eventwatch.api.app import create_app
    from eventwatch.store.backends import display, is_postgres

    token = resolve_token(token)
    warning = bind_warning(host, token)
    if warning:
        log(warning)
    if not is_postgres(str(db)) and not Path(db).exists():
        log(f"note: {db} does not exist yet; it is created, empty until articles are ingested")
    from eventwatch.ingest.fetch import FetchConfig

    fetch_config = FetchConfig(allow_private=allow_private)
    tasks = [_watcher(list(watch_feeds), every, log, fetch_config)] if watch_feeds else []
    app = create_app(
        db, token=token, announce_url=local_url(host, port), tasks=tasks, fetch_config=fetch_config, config=config
    )
    log(f"eventwatch dashboard for {display(str(db))} on http://{host}:{port}/ (API docs at /docs); Ctrl-C to stop")
    # proxy_headers off: uvicorn would trust X-Forwarded-For from 127.0.0.1 by default, letting any local
    # client name itself anyone; the app honours the header from api.trusted_proxies only.
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False, proxy_headers=False)


def _watcher(
    feeds: list[str], every: str, log: Callable[[str], None], fetch_config: Any
) -> Callable[[Any, Any], None]:
    """A server task polling ``feeds``, writing through the server's own store until ``stop`` is set."""

    def run(backend: Any, stop: Any) -> None:
        from eventwatch.ingest.watch import watch

        watch(feeds, every, backend, log=log, stop=stop, alerts=True, fetch_config=fetch_config)

    return run
