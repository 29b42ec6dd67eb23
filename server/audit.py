"""Writing to the audit log. Every view, print or export of personal data goes through ``record``."""

from __future__ import annotations

from typing import Any

from litestar import Request

from server.models import AuditEvent, User


def client_ip(request: Request[Any, Any, Any]) -> str:
    client = request.client
    return client.host if client else ""


async def record(
    request: Request[Any, Any, Any] | None,
    action: str,
    *,
    user: User | None = None,
    login: str = "",
    target_type: str = "",
    target_id: str | int = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    if user is None and request is not None:
        user = request.scope.get("state", {}).get("user")
    return await AuditEvent.create(
        user_id=user.id if user else None,
        login=user.login if user else login,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        detail=detail or {},
        ip=client_ip(request) if request is not None else "",
    )
