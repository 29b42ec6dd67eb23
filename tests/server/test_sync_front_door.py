"""Issue "Sync is the front door": every reproduction, through plain HTTP requests with the person's own
session and the sync header, as an adversarial signed-in user would try it. Each failed on the code
before the rule books."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import httpx
from litestar import Litestar

from server.auth import service as auth_service
from server.models import (
    AuditEvent,
    CorrectiveAction,
    Feedback,
    Inspection,
    OkuyamiAppointment,
    OkuyamiCase,
    Role,
    Section,
    SyncConflict,
    SyncRejected,
    User,
)
from server.sync_api.service import _WEB_CLIENTS
from tests.server.conftest import LoginAs, post_form, sign_in
from tests.server.sync_people import published_template

HEADERS = {"X-Madoguchi-Sync": "1", "Content-Type": "application/json"}
PASSWORD = "a-password-for-tests-1"


class Tablet:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.client_id = str(uuid.uuid4())
        self.seq = 0

    def op(self, table: str, record: str, kind: str, fields: dict[str, Any], base: int | None = None) -> Any:
        self.seq += 1
        return {
            "op_id": str(uuid.uuid4()),
            "client_seq": self.seq,
            "hlc": f"{1730000000000 + self.seq:013d}:00000:{self.client_id}",
            "table": table,
            "record_id": record,
            "kind": kind,
            "base_version": base,
            "fields": fields,
        }

    async def send(self, *ops: Any) -> list[dict[str, Any]]:
        registered = await self.client.post(
            "/api/sync/v1/clients", headers=HEADERS, content=json.dumps({"client_id": self.client_id})
        )
        assert registered.status_code == 200, registered.text
        response = await self.client.post(
            "/api/sync/v1/push",
            headers=HEADERS,
            content=json.dumps({"client_id": self.client_id, "ops": list(ops)}),
        )
        assert response.status_code == 200, response.text
        assert response.json()["last_seq"] == self.seq
        results: list[dict[str, Any]] = response.json()["results"]
        return results

    async def push(
        self, table: str, record: str, kind: str, fields: dict[str, Any], base: int | None = None
    ) -> Any:
        return (await self.send(self.op(table, record, kind, fields, base)))[0]


async def other_section() -> Section:
    own = (await User.get(login="demo-staff")).section_id
    section = await Section.exclude(id=own).exclude(code="somu").first()
    assert section is not None
    return section


async def as_other(client: httpx.AsyncClient, role: Role) -> httpx.AsyncClient:
    """Signed in as a 保護課-like account: the same role in another section."""
    login = f"other-{role.value}"
    if not await User.exists(login=login):
        await auth_service.create_user(
            login=login, display_name=login, password=PASSWORD, role=role, section=await other_section()
        )
    response = await sign_in(client, login, PASSWORD)
    assert response.status_code == 302
    return client


async def comment(tablet: Tablet, text: str = "窓口が混んでいた。taro@example.jp 090-1234-5678") -> str:
    section = (await User.get(login="demo-staff")).section_id
    record = str(uuid.uuid4())
    fields = {"received_on": "2024-10-01", "channel": "box", "text": text, "sections": [section]}
    fields["contact"] = "taro@example.jp"
    assert (await tablet.push("feedback", record, "create", fields))["status"] == "applied"
    return record


async def action(tablet: Tablet) -> str:
    section = (await User.get(login="demo-staff")).section_id
    record = str(uuid.uuid4())
    fields = {"section_id": section, "title": "案内表示の更新"}
    assert (await tablet.push("corrective_actions", record, "create", fields))["status"] == "applied"
    return record


async def concurrent(
    client: httpx.AsyncClient,
    table: str,
    record: str,
    name: str,
    version: int,
    values: tuple[str, str] = ("一", "二"),
) -> str:
    """Two tablets of the signed-in person change one field at once: a conflict they created."""
    for value in values:
        result = await Tablet(client).push(table, record, "patch", {name: value}, version)
        assert result["status"] in ("applied", "conflict"), result
    return str((await SyncConflict.get(table_name=table, record_id=record, status="open")).id)


# 1. A conflict `resolve` skips every rule of the table.
async def test_a_resolution_sets_only_the_disputed_field_and_never_publishes_unmasked(
    login_as: LoginAs,
) -> None:
    client = await login_as("demo-staff")
    record = await comment(Tablet(client))
    chief = await login_as("demo-chief")
    conflict = await concurrent(chief, "feedback", record, "place", 1)
    values = {"status": "published", "published_comment": "taro@example.jp", "published_answer": "x"}
    result = await Tablet(chief).push(
        "feedback", record, "resolve", {"conflict_id": conflict, "action": "apply", "values": values}, 3
    )
    assert result["status"] == "rejected"
    # Another section's chief cannot even decide it, nor see it in the inbox.
    other = await as_other(chief, Role.CHIEF)
    decided = await Tablet(other).push(
        "feedback",
        record,
        "resolve",
        {"conflict_id": conflict, "action": "apply", "values": {"place": "一"}},
        3,
    )
    assert decided["status"] == "rejected" and "decide" in decided["error"]
    assert conflict not in (await other.get("/conflicts")).text
    assert (await Feedback.get(id=record)).status == "received"
    assert "taro@example.jp" not in (await other.get("/voice/answers")).text


async def test_a_resolution_cannot_jump_a_corrective_action_to_confirmed(login_as: LoginAs) -> None:
    client = await login_as("demo-chief")
    record = await action(Tablet(client))
    conflict = await concurrent(client, "corrective_actions", record, "description", 1)
    for values in ({"status": "confirmed"}, {"description": "一", "status": "confirmed"}):
        result = await Tablet(client).push(
            "corrective_actions",
            record,
            "resolve",
            {"conflict_id": conflict, "action": "apply", "values": values},
            3,
        )
        assert result["status"] == "rejected", result
    # A refused step in the inbox (a tablet skipping 受付, 対応中 and 完了報告) is not accepted either.
    jump = await Tablet(client).push("corrective_actions", record, "patch", {"status": "confirmed"}, 3)
    assert jump["status"] == "conflict"
    refused = await SyncConflict.get(record_id=record, kind="invalid_transition")
    keep = await Tablet(client).push(
        "corrective_actions",
        record,
        "resolve",
        {"conflict_id": str(refused.id), "action": "apply", "values": {"status": "confirmed"}},
        4,
    )
    assert keep["status"] == "rejected" and "skip" in keep["error"]
    stored = await CorrectiveAction.get(id=record)
    assert stored.status == "raised" and stored.closed_on is None


async def test_a_resolution_cannot_store_what_the_desk_does_not_collect(login_as: LoginAs) -> None:
    client = await login_as("demo-okuyami")
    case = str(uuid.uuid4())
    tablet = Tablet(client)
    fields = {"visit_date": "2024-10-01", "notice_shown_at": "2024-10-01T09:00:00+09:00"}
    assert (await tablet.push("okuyami_cases", case, "create", fields))["status"] == "applied"
    conflict = await concurrent(client, "okuyami_cases", case, "visit_date", 1, ("2024-10-02", "2024-10-03"))
    for values in (
        {"answers": {"deceased.my_number": "123456789012"}},
        {"answers": {"applicant.bank_account": "1234567"}},
        {"visit_date": "2024-10-02", "answers": {"deceased.cause_of_death": "x"}},
    ):
        result = await Tablet(client).push(
            "okuyami_cases",
            case,
            "resolve",
            {"conflict_id": conflict, "action": "apply", "values": values},
            3,
        )
        assert result["status"] == "rejected", result
    assert "my_number" not in (await OkuyamiCase.get(id=case)).answers


# 2. Staff of one section change other sections' records.
async def test_another_sections_staff_cannot_change_an_action_or_a_submitted_inspection(
    login_as: LoginAs,
) -> None:
    client = await login_as("demo-staff")
    own = Tablet(client)
    record = await action(own)
    inspection = str(uuid.uuid4())
    template = await published_template()
    section = (await User.get(login="demo-staff")).section_id
    fields = {"template_id": template.id, "section_id": section, "place": "1階"}
    assert (await own.push("inspections", inspection, "create", fields))["status"] == "applied"
    assert (await own.push("inspections", inspection, "patch", {"status": "submitted"}, 1))[
        "status"
    ] == "applied"
    text = await comment(own)

    other = await as_other(client, Role.STAFF)
    tablet = Tablet(other)
    mine = (await other_section()).id
    results = await tablet.send(
        tablet.op("corrective_actions", record, "patch", {"title": "他課が書き換え"}, 1),
        tablet.op("corrective_actions", record, "patch", {"section_id": mine}, 1),
        tablet.op("corrective_actions", record, "patch", {"status": "accepted"}, 1),
        tablet.op("inspections", inspection, "delete", {}, 2),
        tablet.op("feedback", text, "patch", {"text": "書き換えた意見"}, 1),
    )
    assert [r["status"] for r in results] == ["rejected"] * 5, results
    stored = await CorrectiveAction.get(id=record)
    assert (stored.title, stored.section_id, stored.status) == ("案内表示の更新", section, "raised")
    assert not (await Inspection.get(id=inspection)).deleted
    assert (await other.get(f"/inspections/{inspection}")).status_code == 200
    assert "書き換えた" not in (await Feedback.get(id=text)).text


# 3. Residents' contact details reach every account.
async def test_contact_details_are_pulled_only_by_chiefs_and_managers_and_each_delivery_is_audited(
    client: httpx.AsyncClient, app: Litestar
) -> None:
    await sign_in(client, "demo-staff")
    record = await comment(Tablet(client))
    received: dict[str, Any] = {}
    for login in ("demo-staff", "demo-chief", "demo-manager", "demo-okuyami", "demo-admin"):
        await sign_in(client, login)
        response = await client.get("/api/sync/v1/pull", headers={"X-Madoguchi-Sync": "1"})
        assert response.status_code == 200
        rows = [c["row"] for c in response.json()["changes"] if c["id"] == record]
        received[login] = rows[0] if rows else None
    assert received["demo-staff"] is not None and "contact" not in received["demo-staff"]
    assert received["demo-staff"]["text"].startswith("窓口が混んでいた")
    assert received["demo-chief"]["contact"] == received["demo-manager"]["contact"] == "taro@example.jp"
    assert received["demo-okuyami"] is None or "contact" not in received["demo-okuyami"]
    assert received["demo-admin"] is None or "contact" not in received["demo-admin"]
    audited = await AuditEvent.filter(action="feedback.contact.view", target_id=record).values_list(
        "login", flat=True
    )
    assert sorted(audited) == ["demo-chief", "demo-manager"]


# 4. Any 課長 sees and decides every section's conflicts.
async def test_the_inbox_lists_only_what_the_person_may_decide(login_as: LoginAs) -> None:
    client = await login_as("demo-chief")
    record = await action(Tablet(client))
    conflict = await concurrent(client, "corrective_actions", record, "description", 1)
    assert conflict in (await client.get("/conflicts")).text
    other = await as_other(client, Role.CHIEF)
    assert conflict not in (await other.get("/conflicts")).text
    assert (await other.get(f"/conflicts/{conflict}")).status_code == 404
    await sign_in(client, "demo-manager")
    assert conflict in (await client.get("/conflicts")).text


# 5. Conflict pages keep a bereavement family's data on the tablet.
async def test_conflict_pages_and_the_booked_notice_are_not_stored_and_are_audited(login_as: LoginAs) -> None:
    client = await login_as("demo-okuyami")
    case = str(uuid.uuid4())
    fields = {"visit_date": "2024-10-01", "notice_shown_at": "2024-10-01T09:00:00+09:00"}
    assert (await Tablet(client).push("okuyami_cases", case, "create", fields))["status"] == "applied"
    conflict = await concurrent(client, "okuyami_cases", case, "visit_date", 1, ("2024-10-02", "2024-10-03"))
    listing = await client.get("/conflicts")
    assert conflict in listing.text and listing.headers["cache-control"] == "no-store"
    assert await AuditEvent.filter(action="conflicts_listed", login="demo-okuyami").exists()
    detail = await client.get(f"/conflicts/{conflict}")
    assert detail.headers["cache-control"] == "no-store"
    appointment = await OkuyamiAppointment.create(
        ward="高津区", day=dt.date(2030, 4, 1), slot=1, caller_name="川崎 花子", caller_phone="044-000-0000"
    )
    page = await client.get(f"/okuyami/new?appointment={appointment.id}")
    assert "川崎 花子" in page.text and page.headers["cache-control"] == "no-store"
    assert await AuditEvent.filter(
        action="okuyami.appointment_viewed", target_id=str(appointment.id)
    ).exists()
    assert (await client.get("/okuyami/new?appointment=99999999999")).status_code == 200


# 6. Bad values answer 500, and the tablet retries a 500 forever.
async def test_bad_values_are_rejected_per_operation_and_listed_at_sync(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    tablet = Tablet(client)
    section = (await User.get(login="demo-staff")).section_id
    goal = {"section_id": section, "fiscal_year": 2024}
    bad = [
        tablet.op("section_goals", str(uuid.uuid4()), "create", {**goal, "title": "絵文字\ud83d"}),
        tablet.op("section_goals", str(uuid.uuid4()), "create", {**goal, "title": "ヌル\x00文字"}),
        tablet.op(
            "section_goals",
            str(uuid.uuid4()),
            "create",
            {**goal, "title": "x", "standards": [[[[[[[[[["x"]]]]]]]]]]},
        ),
        tablet.op(
            "feedback",
            str(uuid.uuid4()),
            "create",
            {"received_on": "2024-10-01", "channel": "box", "text": "t", "sections": [[1]]},
        ),
        tablet.op("inspections", str(uuid.uuid4()), "create", {"template_id": "x", "section_id": section}),
        tablet.op(
            "corrective_actions",
            str(uuid.uuid4()),
            "create",
            {"section_id": section, "title": "t", "due_on": "2024-13-45"},
        ),
        tablet.op("section_goals", str(uuid.uuid4()), "create", {**goal, "title": "x", "colour": "red"}),
        tablet.op("section_goals", str(uuid.uuid4()), "create", {**goal, "title": "x", "fiscal_year": 2**40}),
    ]
    good = tablet.op("section_goals", str(uuid.uuid4()), "create", {**goal, "title": "待ち時間"})
    results = await tablet.send(*bad, good)
    assert [r["status"] for r in results] == ["rejected"] * len(bad) + ["applied"]
    listed = await SyncRejected.filter(client_id=tablet.client_id).count()
    assert listed == len(bad)
    page = await client.get("/sync")
    assert page.status_code == 200 and "ヌル\ufffd文字" in page.text

    desk = await login_as("demo-okuyami")
    cases = Tablet(desk)
    case = str(uuid.uuid4())
    fields = {"visit_date": "2024-10-01", "notice_shown_at": "2024-10-01T09:00:00+09:00"}
    results = await cases.send(
        cases.op("okuyami_cases", case, "create", fields),
        cases.op("okuyami_cases", case, "patch", {"tablet_views": {"kind": "guide_viewed"}}, 1),
        cases.op("okuyami_cases", case, "patch", {"tablet_views": ["guide_viewed"]}, 1),
    )
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected"]


async def test_json_nested_beyond_any_reader_is_a_422_not_a_500(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    body = '{"client_id": "' + str(uuid.uuid4()) + '", "ops": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = await client.post("/api/sync/v1/push", headers=HEADERS, content=body)
    assert response.status_code == 422


async def test_nul_in_a_web_form_is_dropped_on_every_database(client: httpx.AsyncClient) -> None:
    await client.get("/voice")
    response = await post_form(client, "/voice", {"comment": "ご案内\x00ありがとう", "place": "1階\x01"})
    assert response.status_code in (200, 302, 303), response.text
    stored = await Feedback.filter(channel="web").first()
    assert stored is not None and stored.text == "ご案内ありがとう" and stored.place == "1階"


# 7. A malformed signature breaks an inspection for good.
async def test_a_malformed_signature_is_rejected_and_the_inspection_still_shows(login_as: LoginAs) -> None:
    from server.inspections.records import answer_id
    from server.inspections.templates import items_of

    client = await login_as("demo-staff")
    tablet = Tablet(client)
    template = await published_template()
    signature = next((i for i in items_of(template).values() if i.type == "signature"), None)
    assert signature is not None
    inspection = str(uuid.uuid4())
    section = (await User.get(login="demo-staff")).section_id
    record = answer_id(inspection, signature.key)
    base = {"inspection_id": inspection, "item_key": signature.key}
    results = await tablet.send(
        tablet.op("inspections", inspection, "create", {"template_id": template.id, "section_id": section}),
        tablet.op("inspection_answers", record, "create", {**base, "value": {"strokes": [["a", "b"]]}}),
        tablet.op("inspection_answers", record, "create", {**base, "value": {"strokes": [[True, 2]]}}),
        tablet.op(
            "inspection_answers",
            record,
            "create",
            {**base, "value": {"w": 300, "h": 100, "strokes": [[1, 2, 3, 4]]}},
        ),
    )
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected", "applied"], results
    assert (await client.get(f"/inspections/{inspection}")).status_code == 200
    assert (await client.get(f"/inspections/{inspection}/report.pdf")).status_code == 200


# 8. The browser's and the public form's client ids can be claimed.
async def test_the_servers_own_client_ids_cannot_be_registered(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    staff = await User.get(login="demo-staff")
    for reserved in (
        uuid.uuid5(_WEB_CLIENTS, f"web:{staff.id}"),
        uuid.uuid5(_WEB_CLIENTS, f"public:feedback:{uuid.uuid4()}"),
    ):
        response = await client.post(
            "/api/sync/v1/clients", headers=HEADERS, content=json.dumps({"client_id": str(reserved)})
        )
        assert response.status_code == 403, response.text
