"""The administrator's list of syncing devices, with revocation for a lost or retired tablet."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server.audit import record
from server.auth.guards import roles
from server.devices import service
from server.models import Device, Role
from server.rendering import render

ADMIN = roles(Role.ADMIN)


@get("/admin/devices", opt=ADMIN)
async def list_devices(request: Request[Any, Any, Any]) -> Template:
    """Every device that has synced, whose it is, when it was last seen and what it still has to send."""
    devices = await Device.all().select_related("user").order_by("-last_seen_at")
    return render(request, "devices/index.html", {"devices": devices})


@post("/admin/devices/{client_id:uuid}/revoke", opt=ADMIN)
async def revoke_device(request: Request[Any, Any, Any], client_id: FromPath[uuid.UUID]) -> Redirect:
    """Stop a device from syncing; its next contact is refused and told to clear its data."""
    device = await service.revoke(client_id, request.scope["state"]["user"])
    if device is None:
        raise NotFoundException()
    await record(
        request,
        "device_revoked",
        target_type="device",
        target_id=str(client_id),
        detail={"owner": device.user_id},
    )
    return Redirect("/admin/devices")


routes = [list_devices, revoke_device]
