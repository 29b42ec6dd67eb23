"""The access rule: every route says who may use it in ``opt``, and one app-wide guard enforces it.

A route that declares nothing is refused to everyone (fail closed), and the authorisation-matrix test
lists every route, so a new route cannot ship without a rule.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from server.models import AuditEvent, Role, User
from server.sessions import request_rotation

SESSION_USER = "uid"
SESSION_STAMP = "stamp"


def session_stamp(secret: str, user: User) -> str:
    """What a session was granted on: the password and the role, section and ward of the person then.

    A session whose stamp no longer matches ends at its next request, on every instance at once, so a
    password reset, a changed role or a moved section ends every session the person had.
    """
    granted = f"{user.id}|{user.password_hash}|{user.role}|{user.section_id}|{user.ward}"
    return hmac.new(secret.encode(), granted.encode(), hashlib.sha256).hexdigest()[:32]


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
        secret = connection.app.state.madoguchi.settings.secret_key
        stamp = str(session.get(SESSION_STAMP, ""))  # type: ignore[union-attr]
        if user is not None and not hmac.compare_digest(stamp, session_stamp(secret, user)):
            await AuditEvent.create(
                user_id=user.id,
                login=user.login,
                action="session_ended",
                detail={"reason": "credentials_changed"},
            )
            user = None
        if user is None:
            # Ended (password or role changed, account stopped): the row is deleted and the cookie expired.
            connection.scope["session"] = {}
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


def begin_session(request: Request[Any, Any, Any], user: User) -> None:
    """Start a session for ``user`` under a fresh id (an id planted before sign-in is worthless)."""
    request_rotation(request)
    secret = request.app.state.madoguchi.settings.secret_key
    request.set_session({SESSION_USER: user.id, SESSION_STAMP: session_stamp(secret, user)})
    request.scope.setdefault("state", {})["user"] = user
