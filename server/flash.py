"""Flash messages: the one way a save that reloads the page says it worked.

A route that saved something and redirects calls ``flash(request, N_("…"), name=value)``; the next full
page that person opens shows it once, in the ``role=status`` region of ``base.html`` so screen readers
announce it. The message travels in a short-lived cookie of its own, signed with the app's secret (its
text is our catalogue's and is shown as trusted markup, so a forged one must never be accepted): the
server-side session would lose it whenever a sync request of the same tablet, running at the same time,
writes the session back. Requests that are not a page being opened (a worker keeping pages for offline
reading, a script's fetch) leave it for the page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any, cast

from litestar import Request
from litestar.datastructures import Cookie
from litestar.types import Message, Scope

from server.state import AppState

COOKIE = "madoguchi_flash"
_OUT = "madoguchi.flash_out"
_SEEN = "madoguchi.flash_seen"
MAX_AGE_SECONDS = 120


def _extra(scope: Scope) -> dict[str, Any]:
    """The request's scope as a plain dict, for this module's own keys."""
    return cast("dict[str, Any]", scope)


def _secret(scope: Scope) -> bytes:
    state: AppState = scope["app"].state.madoguchi
    return state.settings.secret_key.encode()


def _sign(secret: bytes, payload: str) -> str:
    return hmac.new(secret, f"flash:{payload}".encode(), hashlib.sha256).hexdigest()[:32]


def flash(request: Request[Any, Any, Any], message: str, **values: str | int) -> None:
    """Show ``message`` (an English message id, marked with ``N_``) on the next page."""
    waiting: list[dict[str, Any]] = _extra(request.scope).setdefault(_OUT, [])
    waiting.append({"message": message, "values": values})


def _opens_a_page(request: Request[Any, Any, Any]) -> bool:
    # A navigation keeps its mode when the service worker forwards it (its destination becomes "empty").
    mode = request.headers.get("sec-fetch-mode")
    return mode in (None, "navigate") or "hx-request" in request.headers


def take(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
    """The waiting messages, if this request opens a page; they are then cleared (shown once)."""
    raw = request.cookies.get(COOKIE)
    if not raw or not _opens_a_page(request):
        return []
    _extra(request.scope)[_SEEN] = True
    payload, _, signature = raw.partition(".")
    if not hmac.compare_digest(signature, _sign(_secret(request.scope), payload)):
        return []
    try:
        messages = json.loads(base64.urlsafe_b64decode(payload.encode()))
    except ValueError:
        return []
    return [m for m in messages if isinstance(m, dict) and isinstance(m.get("message"), str)]


async def before_send(message: Message, scope: Scope) -> None:
    """Set the cookie for messages flashed while handling this request, or clear the one just shown."""
    if message["type"] != "http.response.start":
        return
    waiting = _extra(scope).get(_OUT)
    if waiting:
        payload = base64.urlsafe_b64encode(json.dumps(waiting, ensure_ascii=False).encode()).decode()
        value, max_age = f"{payload}.{_sign(_secret(scope), payload)}", MAX_AGE_SECONDS
    elif _extra(scope).get(_SEEN):
        value, max_age = "", 0
    else:
        return
    state: AppState = scope["app"].state.madoguchi
    cookie = Cookie(
        key=COOKIE,
        value=value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=state.settings.secure_cookies,
    )
    headers = list(message.get("headers", []))
    headers.append((b"set-cookie", cookie.to_header(header="").strip().encode("latin-1")))
    message["headers"] = headers
