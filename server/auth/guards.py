"""The access rule: every route says who may use it in ``opt``, and one app-wide guard enforces it.

A route that declares nothing is refused to everyone (fail closed), and the authorisation-matrix test
lists every route, so a new route cannot ship without a rule.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from server.models import Role, User

SESSION_USER = "uid"


def roles(*allowed: Role) -> dict[str, Any]:
    """``opt`` for a route only these roles may use."""
    return {"roles": frozenset(allowed)}


PUBLIC: dict[str, Any] = {"public": True}
SIGNED_IN = roles(*Role)
SUPERVISORS = roles(Role.CHIEF, Role.MANAGER)


async def current_user(connection: ASGIConnection[Any, Any, Any, Any]) -> User | None:
    """The signed-in, still active user of this request (loaded once, kept on the request state)."""
    state = connection.scope.setdefault("state", {})
    if "user" in state:
        return state["user"]  # type: ignore[no-any-return]
    user = None
    session = connection.scope.get("session")
    uid = session.get(SESSION_USER) if isinstance(session, dict) else None
    if isinstance(uid, int):
        user = await User.get_or_none(id=uid, active=True).select_related("section")
    state["user"] = user
    return user


async def access_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    opt = handler.opt
    user = await current_user(connection)
    if opt.get("public"):
        return
    allowed = opt.get("roles")
    if not allowed:
        raise PermissionDeniedException("This page has no access rule.")
    if user is None:
        raise NotAuthorizedException("Please sign in.")
    if user.role not in allowed:
        raise PermissionDeniedException("Your role may not use this page.")
