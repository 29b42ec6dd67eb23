"""Registering a tablet for the signed-in person, and revoking a lost one."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from server.models import Device, User
from server.timekeeping import now


class DeviceRefused(Exception):
    """The device may not sync: it belongs to someone else or was revoked."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Registration:
    device: Device
    created: bool


def reserved(client_id: uuid.UUID) -> bool:
    """A tablet names itself with a random (version 4) UUID. The server's own clients (a person's browser,
    each comment of the public form) have ids derived from names (version 5) that anyone could compute,
    so no such id is ever registered as somebody's tablet, nor any other kind a tablet never makes."""
    return client_id.version != 4


async def register(
    user: User, client_id: uuid.UUID, *, label: str = "", user_agent: str = ""
) -> Registration:
    """Bind a client id to this person. A client id already bound to someone else is refused, never moved."""
    if reserved(client_id):
        raise DeviceRefused("reserved")
    device = await Device.get_or_none(client_id=client_id)
    if device is None:
        device = await Device.create(
            client_id=client_id, user=user, label=label[:100], user_agent=user_agent[:300], last_seen_at=now()
        )
        return Registration(device=device, created=True)
    if device.user_id != user.id:
        raise DeviceRefused("other_user")
    if device.revoked:
        raise DeviceRefused("revoked")
    device.last_seen_at = now()
    # The platform a browser reports names a new device; a name already given (by an administrator)
    # is kept, not overwritten by 「Linux」 at every sync.
    if label and not device.label:
        device.label = label[:100]
    await device.save(update_fields=["last_seen_at", "label"])
    return Registration(device=device, created=False)


async def device_for(user: User, client_id: uuid.UUID) -> Device:
    """The registered, unrevoked device of this person with this id."""
    if reserved(client_id):
        raise DeviceRefused("reserved")
    device = await Device.get_or_none(client_id=client_id)
    if device is None:
        raise DeviceRefused("unregistered")
    if device.user_id != user.id:
        raise DeviceRefused("other_user")
    if device.revoked:
        raise DeviceRefused("revoked")
    return device


async def revoke(client_id: uuid.UUID, by: User) -> Device | None:
    device = await Device.get_or_none(client_id=client_id)
    if device is None or device.revoked:
        return device
    device.revoked_at = now()
    device.revoked_by = by.login
    await device.save(update_fields=["revoked_at", "revoked_by"])
    return device
