"""The one render path: the full page, or for an htmx request the fragment alone (a history restore gets
the page); ``Vary: HX-Request, HX-History-Restore-Request``."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from litestar import Request
from litestar.response import Template

from server import flash
from server.i18n import LANGUAGE_COOKIE, negotiate_language
from server.models.accounts import ROLE_LABELS, WARD_LABELS
from server.state import AppState


def request_language(request: Request[Any, Any, Any]) -> str:
    state: AppState = request.app.state.madoguchi
    return negotiate_language(request.cookies.get(LANGUAGE_COOKIE), state.settings.default_language)


def user_key(secret: str, user_id: int) -> str:
    """An opaque per-user tag for the service worker's page cache: never the id itself."""
    return hmac.new(secret.encode(), f"offline-user:{user_id}".encode(), hashlib.sha256).hexdigest()[:24]


def base_context(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """What every template may use: the user, the language and its gettext functions, the office name."""
    state: AppState = request.app.state.madoguchi
    language = request_language(request)
    user = request.scope.get("state", {}).get("user")
    return {
        "request": request,
        "user": user,
        "lang": language,
        "ward_name": state.settings.ward_name,
        "is_htmx": bool(getattr(request, "htmx", False)),
        "role_labels": ROLE_LABELS,
        "ward_labels": WARD_LABELS,
        "user_key": user_key(state.settings.secret_key, user.id) if user is not None else "",
        **state.catalogs.template_functions(language),
        # For text that is not only ours (a reason that may quote what a device sent): translated when it
        # is one of our messages, and autoescaped like any other value, never trusted as markup.
        "translate": state.catalogs.gettext(language),
    }


def render(
    request: Request[Any, Any, Any],
    page: str,
    context: dict[str, Any] | None = None,
    *,
    fragment: str | None = None,
    status_code: int = 200,
    personal_data: bool = False,
    headers: dict[str, str] | None = None,
) -> Template:
    """Render ``page``, or ``fragment`` when htmx asked (boosted navigations still get the page).

    ``personal_data`` pages are never stored by the browser or the service worker (``no-store``); other
    signed-in pages may be kept for offline reading, tagged with the user so a shared tablet never
    shows one person's cached page to the next.
    """
    htmx = getattr(request, "htmx", None)
    # Back or forward to an address a filter pushed: htmx asks for it again to rebuild the whole page
    # (no snapshots are kept), so a history-restore request gets the page, never the fragment.
    wants_fragment = (
        fragment is not None
        and bool(htmx)
        and not htmx.boosted  # type: ignore[union-attr]
        and not htmx.history_restore_request  # type: ignore[union-attr]
    )
    out_headers = {"Vary": "HX-Request, HX-History-Restore-Request"}
    user = request.scope.get("state", {}).get("user")
    if personal_data or wants_fragment:
        out_headers["Cache-Control"] = "no-store"
    elif user is not None:
        state: AppState = request.app.state.madoguchi
        out_headers["Cache-Control"] = "private, no-cache"
        out_headers["X-Madoguchi-User"] = user_key(state.settings.secret_key, user.id)
    else:
        out_headers["Cache-Control"] = "no-cache"
    # A full page shows (and so uses up) the flash messages waiting for this person; a fragment leaves
    # them for the next page. A page carrying one is not kept for offline reading.
    flash_messages = [] if wants_fragment else flash.take(request)
    if flash_messages:
        out_headers["Cache-Control"] = "no-store"
        out_headers.pop("X-Madoguchi-User", None)
    out_headers.update(headers or {})
    full_context = {**base_context(request), "flash_messages": flash_messages, **(context or {})}
    return Template(
        template_name=fragment if wants_fragment and fragment else page,
        context=full_context,
        status_code=status_code,
        headers=out_headers,
    )
