"""ASGI middleware guarding the API: a cap on request bodies and defensive response headers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The dashboard loads only its own files and talks only to this server: anything injected from an
# article's text could neither load a script from elsewhere nor run inline.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


DRAIN_TIMES = 8  # a refused body up to this many times the cap is read (and dropped) before the 413


async def _drain(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return


class BodyLimit:
    """Refuses request bodies larger than ``max_bytes`` with 413, before any route parses them.

    The body is read up front (it is small by construction) and replayed to the app, so a client that
    streams without a Content-Length is held to the same cap. A body refused for its declared length is
    read and thrown away first, up to ``DRAIN_TIMES`` the cap: answered while still sending it, a client
    (Python's http.client, curl without ``Expect``) lost the connection before reading the 413 and saw
    only a reset. A larger one is answered at once and the connection closed.
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int, error: Callable[[int, str], Any], larger: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.error = error
        self.larger = larger or {}  # path prefix -> its own cap (the store hand-off carries whole batches)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        cap = next((size for prefix, size in self.larger.items() if path.startswith(prefix)), self.max_bytes)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > cap:
            if int(declared) <= DRAIN_TIMES * cap:
                await _drain(receive)
            await self._refuse(scope, receive, send, cap)
            return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > cap:
                await self._refuse(scope, receive, send, cap)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, cap: int) -> None:
        response = self.error(413, f"request body is larger than {cap} bytes")
        await response(scope, receive, send)
