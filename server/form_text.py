"""Form posts carry only text every database keeps: NUL and the other control characters (except tab,
line feed and carriage return) are dropped from a URL-encoded body before any route reads it.

PostgreSQL refuses NUL in text; SQLite would keep it. Dropping it here, once, for every form keeps the two
alike and spares each form its own check. A browser never types these characters; a lone surrogate cannot
arrive this way (a form is decoded as UTF-8 with replacement). Synced changes are checked instead of
cleaned (``sync.values``): an operation the person sees refused at /sync, with what they typed.
"""

from __future__ import annotations

import re
from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

# A control character percent-encoded (%00–%08, %0B, %0C, %0E–%1F), or raw in the body.
_CONTROL = re.compile(rb"%(?:0[0-8bBcCeEfF]|1[0-9a-fA-F])|[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORM = b"application/x-www-form-urlencoded"
_LIMIT = 4 * 1024 * 1024  # beyond this a body is passed on as it came, for the route's own size limit


def clean(body: bytes) -> bytes:
    return _CONTROL.sub(b"", body)


def form_text_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope.get("method") not in ("POST", "PUT", "PATCH"):
            await app(scope, receive, send)
            return
        content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
        if not content_type.lower().startswith(_FORM):
            await app(scope, receive, send)
            return
        # A form body is small: read it whole, clean it, hand it on as one message.
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request" or size > _LIMIT:
                read = [{"type": "http.request", "body": b"".join(chunks), "more_body": True}, message]
                await app(scope, _replay(read, receive), send)
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = bool(message.get("more_body"))
        cleaned = {"type": "http.request", "body": clean(b"".join(chunks)), "more_body": False}
        await app(scope, _replay([cleaned], receive), send)

    return middleware


def _replay(messages: list[Any], then: Receive | None = None) -> Receive:
    pending = list(messages)

    async def receive() -> Any:
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive
