"""The sync API (``/api/sync/v1``): the only JSON the app speaks. See docs/sync.md."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromQuery

from server.auth.guards import SIGNED_IN
from server.conflicts import service as conflicts
from server.devices import service as devices
from server.models import Device, User
from server.monitoring import metrics
from server.sync_api.service import SyncService
from server.sync_api.transport import (
    MAX_PUSH_BYTES,
    MAX_SMALL_BYTES,
    PayloadError,
    json_object,
    require_sync_header,
)
from server.timekeeping import now
from sync import CursorError, GapError, ValidationError, parse_push

PREFIX = "/api/sync/v1"


def _service(request: Request[Any, Any, Any]) -> SyncService:
    service: SyncService = request.app.state.madoguchi.sync
    return service


def _user(request: Request[Any, Any, Any]) -> User:
    user: User = request.scope["state"]["user"]
    return user


async def _device(user: User, client_id: str) -> Device:
    try:
        return await devices.device_for(user, uuid.UUID(client_id))
    except devices.DeviceRefused as refused:
        raise PermissionDeniedException(f"device refused: {refused.reason}") from None


@post(f"{PREFIX}/clients", opt=SIGNED_IN, request_max_body_size=MAX_SMALL_BYTES, status_code=200)
async def register_client(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """Register (or refresh) this tablet for the signed-in person; reports its unsent count for the admins."""
    body = await json_object(request)
    errors = []
    try:
        client_id = uuid.UUID(str(body.get("client_id")))
    except ValueError:
        errors.append({"path": "client_id", "message": "must be a UUID"})
    label = body.get("label", "")
    unsent = body.get("unsent", 0)
    if not isinstance(label, str) or len(label) > 100:
        errors.append({"path": "label", "message": "must be a short text"})
    if not isinstance(unsent, int) or isinstance(unsent, bool) or unsent < 0:
        errors.append({"path": "unsent", "message": "must be a whole number ≥ 0"})
    if errors:
        raise PayloadError(errors)
    user = _user(request)
    try:
        registration = await devices.register(
            user, client_id, label=label, user_agent=request.headers.get("user-agent", "")
        )
    except devices.DeviceRefused as refused:
        raise PermissionDeniedException(f"device refused: {refused.reason}") from None
    registration.device.unsent_reported = unsent
    await registration.device.save(update_fields=["unsent_reported"])
    service = _service(request)
    return {
        "client_id": str(client_id),
        "last_seq": await service.last_seq(str(client_id)),
        "server_time": now().isoformat(),
        "scopes": sorted(service.engine_for(user).registry.names()),
    }


@post(f"{PREFIX}/push", opt=SIGNED_IN, request_max_body_size=MAX_PUSH_BYTES, status_code=200)
async def push(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    """Apply a batch of operations from one tablet, in order."""
    body = await json_object(request)
    try:
        batch = parse_push(body)
    except ValidationError as exc:
        raise PayloadError([{"path": path, "message": message} for path, message in exc.errors]) from None
    user = _user(request)
    device = await _device(user, batch.client_id)
    try:
        response = await _service(request).push(user, batch)
    except GapError as gap:
        return Response({"error": "gap", "expected_seq": gap.expected_seq}, status_code=409)
    device.last_seen_at = device.last_sync_at = now()
    await device.save(update_fields=["last_seen_at", "last_sync_at"])
    metrics.record_push(response.results)
    return Response({**asdict(response), "server_time": now().isoformat()}, status_code=200)


@get(f"{PREFIX}/pull", opt=SIGNED_IN)
async def pull(
    request: Request[Any, Any, Any], cursor: FromQuery[str] = "", limit: FromQuery[int] = 500
) -> dict[str, Any]:
    """The next page of changes the signed-in person may see."""
    require_sync_header(request)
    if not 1 <= limit <= 1000:
        raise PayloadError([{"path": "limit", "message": "must be between 1 and 1000"}])
    try:
        page = await _service(request).pull(_user(request), cursor, limit)
    except CursorError:
        raise PayloadError([{"path": "cursor", "message": "not a cursor this server issued"}]) from None
    metrics.record_pull(len(page.changes))
    answer = {**asdict(page), "server_time": now().isoformat()}
    if not page.has_more:
        # The records awaiting a decision in this person's scopes, as the conflict inbox counts them:
        # the tablet's status bar shows this number instead of counting push results of its own.
        answer["open_conflicts"] = await conflicts.records_awaiting(_user(request))
    return answer


routes = [register_client, push, pull]
