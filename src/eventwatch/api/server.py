"""Running the API: ``serve`` (what ``eventwatch serve`` calls) and the checks made before binding."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable
from pathlib import Path

from eventwatch.monitor.config import default_config


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


def resolve_token(token: str | None) -> str | None:
    """The token from ``--token`` or, failing that, the configured environment variable."""
    return token or os.environ.get(default_config().api.token_env) or None


def serve(
    db: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    log: Callable[[str], None] = print,
    log_level: str = "info",
) -> None:
    """Serve the API and dashboard for ``db`` until interrupted.

    >>> serve("eventwatch.duckdb", port=8000)  # then open http://127.0.0.1:8000/
    """
    import uvicorn

    from eventwatch.api.app import create_app

    token = resolve_token(token)
    warning = bind_warning(host, token)
    if warning:
        log(warning)
    if not Path(db).exists():
        log(f"note: {db} does not exist yet; the dashboard will be empty until articles are ingested")
    app = create_app(db, token=token)
    log(f"eventwatch dashboard on http://{host}:{port}/ (API docs at /docs); Ctrl-C to stop")
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)
