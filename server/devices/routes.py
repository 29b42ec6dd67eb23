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
from server.flash import flash
from server.form_body import FormBody
from server.i18n import N_
from server.models import Device, Role
from server.rendering import render

ADMIN = roles(Role.ADMIN)
LABEL_MAX = 100


@get("/admin/devices", opt=ADMIN)
async def list_devices(request: Request[Any, Any, Any]) -> Template:
    """Every device that has synced, whose it is, when it was last seen and what it still has to send."""
    devices = await Device.all().select_related("user").order_by("-last_seen_at")
    return render(request, "devices/index.html", {"devices": devices, "errors": {}, "typed": {}})


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


@post("/admin/devices/{client_id:uuid}/label", opt=ADMIN)
async def rename_device(
    request: Request[Any, Any, Any], client_id: FromPath[uuid.UUID], data: FormBody
) -> Template | Redirect:
    """Give a device the name staff know it by (「区民課 タブレット1」) instead of its browser's platform."""
    device = await Device.get_or_none(client_id=client_id)
    if device is None:
        raise NotFoundException()
    label = " ".join(data.get("label", "").split())
    if not label or len(label) > LABEL_MAX:
        devices = await Device.all().select_related("user").order_by("-last_seen_at")
        context = {
            "devices": devices,
            "errors": {str(client_id): N_("Enter a name of at most 100 characters.")},
            "typed": {str(client_id): data.get("label", "")},
        }
        return render(request, "devices/index.html", context, status_code=422)
    device.label = label
    await device.save(update_fields=["label"])
    await record(request, "device_renamed", target_type="device", target_id=str(client_id))
    flash(request, N_("Device name saved."))
    return Redirect("/admin/devices")


routes = [list_devices, revoke_device, rename_device]
