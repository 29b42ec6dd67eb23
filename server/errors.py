"""Errors as pages in the layout (or fragments for htmx), JSON under the sync API, and never a bare 500."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from server.i18n import N_
from server.rendering import render

log = logging.getLogger("madoguchi")

API_PREFIX = "/api/"

_TITLES = {
    400: N_("The request could not be read"),
    401: N_("Please sign in"),
    403: N_("You do not have access to this page"),
    404: N_("Page not found"),
    405: N_("This action is not available here"),
    413: N_("What you sent is too large"),
    422: N_("Please check what you entered"),
    429: N_("Too many requests"),
    500: N_("Something went wrong on the server"),
}
_EXPLANATIONS = {
    403: N_(
        "Your role does not include this work. "
        "If you need it, ask your section chief or the system administrator."
    ),
    404: N_("The address may be mistyped, or the page was moved."),
    500: N_("Nothing you entered on this tablet has been lost. Please try again in a moment."),
}


def _status_of(exc: Exception) -> int:
    return exc.status_code if isinstance(exc, HTTPException) else HTTP_500_INTERNAL_SERVER_ERROR


def handle_exception(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    status = _status_of(exc)
    if status >= 500:
        log.exception("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if request.url.path.startswith(API_PREFIX):
        detail = exc.detail if isinstance(exc, HTTPException) and status < 500 else "internal error"
        extra = exc.extra if isinstance(exc, HTTPException) and status < 500 else None
        return Response(
            {"error": detail, "status": status, "details": extra},
            status_code=status,
            media_type=MediaType.JSON,
        )
    if isinstance(exc, NotAuthorizedException):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        login_url = f"/login?next={quote(target, safe='/')}"
        if getattr(request, "htmx", False):
            return Response("", status_code=401, headers={"HX-Redirect": login_url})
        return Redirect(login_url)
    return _error_page(request, status)


def _error_page(request: Request[Any, Any, Any], status: int) -> Template:
    context = {
        "status": status,
        "title": _TITLES.get(status, _TITLES[500] if status >= 500 else _TITLES[400]),
        "explanation": _EXPLANATIONS.get(status, ""),
    }
    headers = {"Cache-Control": "no-store"}
    return render(
        request,
        "errors/error.html",
        context,
        fragment="errors/_error.html",
        status_code=status,
        headers=headers,
        personal_data=True,
    )
