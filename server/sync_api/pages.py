"""Each person's sync page: what the server refused from their tablets, and their devices."""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, get
from litestar.response import Template

from server.auth.guards import SIGNED_IN
from server.conflicts import service as conflicts
from server.models import Device, Role, SyncRejected
from server.rendering import render


@get("/sync", opt=SIGNED_IN)
async def sync_status(request: Request[Any, Any, Any]) -> Template:
    """Changes not accepted (with the reason), this person's devices, and the inbox link for supervisors."""
    user = request.scope["state"]["user"]
    rejected = await SyncRejected.filter(login=user.login).order_by("-id").limit(100)
    devices = await Device.filter(user_id=user.id).order_by("-last_seen_at")
    return render(
        request,
        "sync/index.html",
        {
            "rejected": [(r, json.loads(r.fields_json)) for r in rejected],
            "devices": devices,
            "awaiting": await conflicts.records_awaiting(user),
            "supervisor": user.role in (Role.CHIEF, Role.MANAGER, Role.OKUYAMI),  # who has an inbox
        },
        personal_data=True,
    )


routes = [sync_status]
