"""The sync API as a tablet uses it, including every way a request can be wrong."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from server.models import Device, SectionGoal, SyncRejected, User
from tests.server.conftest import LoginAs, post_form

HEADERS = {"X-Madoguchi-Sync": "1", "Content-Type": "application/json"}


class Tablet:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.client_id = str(uuid.uuid4())
        self.seq = 0
        self.cursor = ""

    async def register(self) -> httpx.Response:
        return await self.client.post(
            "/api/sync/v1/clients",
            headers=HEADERS,
            content=json.dumps({"client_id": self.client_id, "label": "窓口用", "unsent": 2}),
        )

    def op(
        self, record_id: str, kind: str, fields: dict[str, Any], base: int | None = None
    ) -> dict[str, Any]:
        self.seq += 1
        return {
            "op_id": str(uuid.uuid4()),
            "client_seq": self.seq,
            "hlc": f"{1730000000000 + self.seq:013d}:00000:x",
            "table": "section_goals",
            "record_id": record_id,
            "kind": kind,
            "base_version": base,
            "fields": fields,
        }

    async def push(self, *ops: dict[str, Any]) -> httpx.Response:
        return await self.client.post(
            "/api/sync/v1/push",
            headers=HEADERS,
            content=json.dumps({"client_id": self.client_id, "ops": list(ops)}),
        )

    async def pull(self) -> dict[str, Any]:
        response = await self.client.get(
            "/api/sync/v1/pull", params={"cursor": self.cursor}, headers={"X-Madoguchi-Sync": "1"}
        )
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        self.cursor = page["cursor"]
        return page


async def goal_fields(login: str = "demo-staff") -> dict[str, Any]:
    user = await User.get(login=login)
    return {"section_id": user.section_id, "fiscal_year": 2024, "title": "窓口の待ち時間を短くする"}


async def test_a_tablet_registers_pushes_and_pulls(login_as: LoginAs) -> None:
    tablet = Tablet(await login_as("demo-staff"))
    registered = await tablet.register()
    assert registered.status_code == 200 and registered.json()["last_seq"] == 0
    device = await Device.get(client_id=tablet.client_id)
    assert device.label == "窓口用" and device.unsent_reported == 2
    goal = str(uuid.uuid4())
    response = await tablet.push(
        tablet.op(goal, "create", await goal_fields()),
        tablet.op(goal, "patch", {"progress": "4月: 案内係を配置"}, base=1),
    )
    assert response.status_code == 200, response.text
    assert [r["status"] for r in response.json()["results"]] == ["applied", "applied"]
    assert response.json()["last_seq"] == 2
    page = await tablet.pull()
    assert page["changes"][0]["row"]["progress"] == "4月: 案内係を配置" and page["changes"][0]["version"] == 2
    projected = await SectionGoal.get(id=goal)
    assert projected.title == "窓口の待ち時間を短くする" and projected.version == 2
    assert (await tablet.register()).json()["last_seq"] == 2


async def test_the_api_demands_its_header_and_json(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    no_header = await client.post(
        "/api/sync/v1/clients", content="{}", headers={"Content-Type": "application/json"}
    )
    assert no_header.status_code == 403
    not_json = await client.post("/api/sync/v1/clients", content="{oops", headers=HEADERS)
    assert not_json.status_code == 422 and "not valid JSON" in not_json.text
    form = await client.post("/api/sync/v1/clients", data={"a": "b"}, headers={"X-Madoguchi-Sync": "1"})
    assert form.status_code == 422


async def test_malformed_pushes_name_every_bad_field_and_never_500(login_as: LoginAs) -> None:
    tablet = Tablet(await login_as("demo-staff"))
    await tablet.register()
    bodies: list[Any] = [
        [],
        "text",
        42,
        {"client_id": "nope", "ops": []},
        {
            "client_id": tablet.client_id,
            "ops": [{"op_id": "x", "client_seq": 0, "kind": "explode", "fields": []}],
        },
        {"client_id": tablet.client_id, "ops": [None, 1, "x"]},
        {"client_id": tablet.client_id, "ops": [{**tablet.op(str(uuid.uuid4()), "create", {}), "extra": 1}]},
    ]
    for body in bodies:
        response = await tablet.client.post("/api/sync/v1/push", headers=HEADERS, content=json.dumps(body))
        assert response.status_code == 422, (body, response.text)
        assert response.json()["details"]["errors"]
    bad = await tablet.client.post("/api/sync/v1/push", headers=HEADERS, content=json.dumps(bodies[4]))
    paths = {e["path"] for e in bad.json()["details"]["errors"]}
    assert {"ops[0].op_id", "ops[0].client_seq", "ops[0].kind", "ops[0].fields", "ops[0].hlc"} <= paths


async def test_a_value_too_large_is_that_operations_rejection_and_the_outbox_moves_on(
    login_as: LoginAs,
) -> None:
    """A value no field holds is not a malformed envelope: the tablet drops that one operation (and the
    person sees it at /sync), while the rest of its outbox is applied."""
    tablet = Tablet(await login_as("demo-staff"))
    await tablet.register()
    goal = str(uuid.uuid4())
    response = await tablet.push(
        tablet.op(str(uuid.uuid4()), "create", {**await goal_fields(), "title": "x" * 200_000}),
        tablet.op(goal, "create", await goal_fields()),
    )
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["rejected", "applied"]
    assert "title is too long" in results[0]["error"] and response.json()["last_seq"] == 2
    assert await SyncRejected.filter(client_id=tablet.client_id).count() == 1


async def test_numbers_json_does_not_have_are_refused_not_stored(login_as: LoginAs) -> None:
    tablet = Tablet(await login_as("demo-staff"))
    await tablet.register()
    goal = str(uuid.uuid4())
    for constant in ("NaN", "Infinity", "-Infinity"):
        body = json.dumps(
            {"client_id": tablet.client_id, "ops": [tablet.op(goal, "create", await goal_fields())]}
        )
        body = body.replace('"fiscal_year": 2024', f'"fiscal_year": {constant}')
        response = await tablet.client.post("/api/sync/v1/push", headers=HEADERS, content=body)
        assert response.status_code == 422 and "not valid JSON" in response.text, response.text
    assert (await tablet.register()).json()["last_seq"] == 0


async def test_a_body_over_the_limit_is_refused_with_413(login_as: LoginAs) -> None:
    tablet = Tablet(await login_as("demo-staff"))
    response = await tablet.client.post(
        "/api/sync/v1/push", headers=HEADERS, content=b"x" * (1024 * 1024 + 10)
    )
    assert response.status_code == 413


async def test_a_gap_answers_409_with_the_expected_sequence(login_as: LoginAs) -> None:
    tablet = Tablet(await login_as("demo-staff"))
    await tablet.register()
    tablet.seq = 4
    response = await tablet.push(tablet.op(str(uuid.uuid4()), "create", await goal_fields()))
    assert response.status_code == 409 and response.json()["expected_seq"] == 1


async def test_unregistered_other_people_s_and_revoked_devices_cannot_push(login_as: LoginAs) -> None:
    staff = Tablet(await login_as("demo-staff"))
    op = staff.op(str(uuid.uuid4()), "create", await goal_fields())
    assert (await staff.push(op)).status_code == 403
    await staff.register()
    await post_form(staff.client, "/logout", {})
    await login_as("demo-chief")
    assert (await staff.register()).status_code == 403
    assert (await staff.push(op)).status_code == 403
    await Device.filter(client_id=staff.client_id).update(
        revoked_by="demo-admin", revoked_at=datetime.now(UTC)
    )
    await post_form(staff.client, "/logout", {})
    await login_as("demo-staff")
    assert (await staff.push(op)).status_code == 403


async def test_roles_and_sections_decide_what_a_person_may_change(login_as: LoginAs) -> None:
    okuyami = Tablet(await login_as("demo-okuyami"))
    await okuyami.register()
    result = (await okuyami.push(okuyami.op(str(uuid.uuid4()), "create", await goal_fields()))).json()[
        "results"
    ][0]
    assert result["status"] == "rejected" and "role" in result["error"]
    assert await SyncRejected.filter(login="demo-okuyami").exists()
    await post_form(okuyami.client, "/logout", {})
    staff = Tablet(await login_as("demo-staff"))
    await staff.register()
    other_section = {**(await goal_fields()), "section_id": (await User.get(login="demo-manager")).section_id}
    result = (await staff.push(staff.op(str(uuid.uuid4()), "create", other_section))).json()["results"][0]
    assert result["status"] == "rejected" and "own section" in result["error"]


async def test_a_tampered_cursor_is_refused_clearly(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    response = await client.get(
        "/api/sync/v1/pull", params={"cursor": "forged"}, headers={"X-Madoguchi-Sync": "1"}
    )
    assert response.status_code == 422 and response.json()["details"]["errors"][0]["path"] == "cursor"
