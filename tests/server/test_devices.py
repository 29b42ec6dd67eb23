from __future__ import annotations

import uuid

import pytest

from server.devices import service
from server.devices.service import DeviceRefused
from server.models import AuditEvent, Device, User
from tests.server.conftest import LoginAs, post_form


async def test_a_client_id_stays_with_the_person_who_registered_it(database_url: str) -> None:
    from server.db import connected

    async with connected(database_url):
        staff, chief = await User.get(login="demo-staff"), await User.get(login="demo-chief")
        client_id = uuid.uuid4()
        first = await service.register(staff, client_id, label="1階 タブレット")
        again = await service.register(staff, client_id)
        assert first.created and not again.created and again.device.label == "1階 タブレット"
        with pytest.raises(DeviceRefused, match="other_user"):
            await service.register(chief, client_id)
        with pytest.raises(DeviceRefused, match="unregistered"):
            await service.device_for(staff, uuid.uuid4())
        await service.revoke(client_id, chief)
        with pytest.raises(DeviceRefused, match="revoked"):
            await service.device_for(staff, client_id)
        with pytest.raises(DeviceRefused, match="revoked"):
            await service.register(staff, client_id)


async def test_admin_sees_devices_and_revokes_a_lost_one(login_as: LoginAs) -> None:
    staff = await User.get(login="demo-staff")
    client_id = uuid.uuid4()
    await service.register(staff, client_id, label="地下 書庫用")
    client = await login_as("demo-admin")
    page = await client.get("/admin/devices")
    assert "地下 書庫用" in page.text and "デモ 係員" in page.text
    response = await post_form(client, f"/admin/devices/{client_id}/revoke", {})
    assert response.status_code == 302
    device = await Device.get(client_id=client_id)
    assert device.revoked and device.revoked_by == "demo-admin"
    assert await AuditEvent.filter(action="device_revoked", target_id=str(client_id)).exists()
    assert "無効化済み" in (await client.get("/admin/devices")).text
    missing = await post_form(client, f"/admin/devices/{uuid.uuid4()}/revoke", {})
    assert missing.status_code == 404
