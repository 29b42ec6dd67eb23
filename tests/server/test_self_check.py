"""Self-checks: answering online and offline, one record per answer, the chief's view, confirming and
locking, and every way an answer can be refused."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx

from server.compliance.rules import answer_id
from server.compliance.service import current_period
from server.models import (
    Role,
    SelfCheckAnswer,
    SelfCheckConfirmation,
    SelfCheckSetting,
    SyncConflict,
    SyncRejected,
    User,
)
from server.timekeeping import today
from tests.server.conftest import LoginAs, post_form
from tests.server.deciding import decide, keep_choices

HEADERS = {"X-Madoguchi-Sync": "1", "Content-Type": "application/json"}


class Tablet:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.client_id = str(uuid.uuid4())
        self.seq = 0

    async def register(self) -> None:
        response = await self.client.post(
            "/api/sync/v1/clients", headers=HEADERS, content=json.dumps({"client_id": self.client_id})
        )
        assert response.status_code == 200, response.text

    async def send(
        self, record_id: str, kind: str, fields: dict[str, Any], base: int | None = None
    ) -> dict[str, Any]:
        self.seq += 1
        op = {
            "op_id": str(uuid.uuid4()),
            "client_seq": self.seq,
            "hlc": f"{1730000000000 + self.seq:013d}:00000:{self.client_id}",
            "table": "self_check_answers",
            "record_id": record_id,
            "kind": kind,
            "base_version": base,
            "fields": fields,
        }
        response = await self.client.post(
            "/api/sync/v1/push",
            headers=HEADERS,
            content=json.dumps({"client_id": self.client_id, "ops": [op]}),
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()["results"][0]
        return result


async def answer(
    user: User, period: str, code: str, result: str, note: str = ""
) -> tuple[str, dict[str, Any]]:
    respondent = f"user:{user.id}"
    fields: dict[str, Any] = {
        "section_id": user.section_id,
        "period": period,
        "respondent": respondent,
        "standard_code": code,
        "standard_version": 1,
        "result": result,
    }
    if note:
        fields["note"] = note
    return answer_id(period, respondent, code), fields


async def test_two_tablets_answering_the_same_standard_make_one_record(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    staff = await User.get(login="demo-staff")
    period = await current_period(today())
    first, second = Tablet(client), Tablet(client)
    await first.register()
    await second.register()
    record_id, fields = await answer(staff, period, "SB-01", "compliant")
    assert (await first.send(record_id, "create", fields))["status"] == "applied"
    assert (await second.send(record_id, "create", fields))["status"] in ("applied", "merged")
    answers = await SelfCheckAnswer.filter(period=period, respondent=f"user:{staff.id}")
    assert [(a.standard_code, a.result, a.contested) for a in answers] == [("SB-01", "compliant", False)]
    page = await client.get("/self-check")
    assert page.status_code == 200 and "data-answered-count>1<" in page.text.replace(" ", "")


async def test_bad_answers_are_refused_with_a_reason(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    staff = await User.get(login="demo-staff")
    tablet = Tablet(client)
    await tablet.register()
    period = await current_period(today())
    record_id, fields = await answer(staff, period, "SB-02", "noncompliant")
    refused = await tablet.send(record_id, "create", fields)
    assert refused["status"] == "rejected" and "note is required" in refused["error"]
    staff.phone_duty = False
    await staff.save()
    record_id, fields = await answer(staff, period, "SB-13", "compliant")  # a telephone standard
    assert "does not apply" in (await tablet.send(record_id, "create", fields))["error"]
    record_id, fields = await answer(staff, "2099-04", "SB-01", "compliant")
    assert "not started" in (await tablet.send(record_id, "create", fields))["error"]
    record_id, fields = await answer(staff, period, "SB-01", "maybe")
    assert "Choose kept" in (await tablet.send(record_id, "create", fields))["error"]
    other = await User.get(login="demo-manager")  # another section
    record_id, fields = await answer(other, period, "SB-01", "compliant")
    assert "own section" in (await tablet.send(record_id, "create", fields))["error"]
    # What was refused is kept where the person sees it, translated.
    assert await SyncRejected.filter(login="demo-staff").count() == 5
    listing = await client.get("/sync")
    assert "「未遵守」にはメモが必要です" in listing.text and "担当業務には適用されません" in listing.text


async def test_answering_without_script_keeps_what_was_typed(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    staff = await User.get(login="demo-staff")
    period = await current_period(today())
    missing_note = await post_form(
        client, "/self-check/answer", {"period": period, "standard_code": "SB-04", "result": "noncompliant"}
    )
    assert missing_note.status_code == 422 and "「未遵守」にはメモが必要です" in missing_note.text
    saved = await post_form(
        client,
        "/self-check/answer",
        {
            "period": period,
            "standard_code": "SB-04",
            "result": "noncompliant",
            "note": "混雑時に声かけが遅れた",
        },
    )
    assert saved.status_code == 302
    row = await SelfCheckAnswer.get(id=answer_id(period, f"user:{staff.id}", "SB-04"))
    assert (row.result, row.note) == ("noncompliant", "混雑時に声かけが遅れた")
    future = await post_form(
        client, "/self-check/answer", {"period": "2099-04", "standard_code": "SB-04", "result": "compliant"}
    )
    assert future.status_code == 422 and "この期間はまだ始まっていません" in future.text
    earlier = (
        (await client.get("/self-check"))
        .text.split("前年度")[0]
        .rsplit('href="/self-check?period=', 1)[1][:7]
    )
    assert earlier.endswith("-03")  # the last month of the previous fiscal year is one tap away
    last_year = await client.get("/self-check", params={"period": earlier})
    assert (
        last_year.status_code == 200
        and "現在の期間" in last_year.text
        and f'value="{earlier}"' in last_year.text
    )
    bad_period = await client.get("/self-check", params={"period": "not-a-month"})
    assert bad_period.status_code == 422 and "セルフチェックの期間ではありません" in bad_period.text


async def test_the_chief_sees_who_has_not_answered_reminds_and_confirms(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    staff = await User.get(login="demo-staff")
    period = await current_period(today())
    tablet = Tablet(client)
    await tablet.register()
    record_id, fields = await answer(staff, period, "SB-01", "compliant")
    await tablet.send(record_id, "create", fields)
    await post_form(client, "/logout", {})

    chief = await login_as("demo-chief")
    page = await chief.get("/self-check/section")
    assert page.status_code == 200
    row = page.text.split(f'data-respondent="user:{staff.id}"')[1].split("</tr>")[0]
    assert "デモ 係員" in row and "1 / 30" in row and "回答途中" in row and "催促する" in row
    assert "100.0%" in page.text and "（1件中1件）" in page.text and "件数少" in page.text
    await post_form(chief, "/self-check/section/remind", {"period": period, "user_id": str(staff.id)})
    await post_form(chief, "/self-check/section/confirm", {"period": period})
    assert await SelfCheckConfirmation.exists(section_id=staff.section_id, period=period)
    # Every expected answer now exists and is locked, the unanswered ones empty.
    answers = await SelfCheckAnswer.filter(
        section_id=staff.section_id, period=period, respondent=f"user:{staff.id}"
    )
    assert len(answers) == 30 and {a.status for a in answers} == {"confirmed"}
    everyone = await SelfCheckAnswer.filter(section_id=staff.section_id, period=period)
    assert {a.respondent for a in everyone} == {
        f"user:{staff.id}",
        f"user:{(await User.get(login='demo-chief')).id}",
    }
    assert sum(1 for a in answers if a.result is None) == 29
    await post_form(chief, "/logout", {})

    client = await login_as("demo-staff")
    # Confirmed: the reminder no longer waits on the home page, and the sheet says it is locked.
    assert "data-reminder" not in (await client.get("/")).text
    assert "data-confirmed" in (await client.get("/self-check")).text
    # An edit made on a tablet that had not seen the confirmation becomes a conflict, not a change.
    late = await tablet.send(record_id, "patch", {"result": "noncompliant", "note": "名札を忘れた"}, base=1)
    assert late["status"] == "conflict"
    kept = await SelfCheckAnswer.get(id=record_id)
    assert (kept.result, kept.contested) == ("compliant", True)
    assert await SyncConflict.filter(record_id=record_id, kind="locked_record", status="open").exists()
    # A new answer for the confirmed period is refused, and kept on the sync page.
    new_id, new_fields = await answer(staff, period, "SB-05", "compliant")
    # An answer nobody gave before the confirmation is locked the same way (the record exists, empty).
    assert (await tablet.send(new_id, "create", new_fields))["status"] == "conflict"
    assert (await SelfCheckAnswer.get(id=new_id)).result is None
    closed = await post_form(
        client, "/self-check/answer", {"period": period, "standard_code": "SB-06", "result": "compliant"}
    )
    assert closed.status_code == 422 and "課長の確認を待っています" in closed.text
    assert 'value="compliant" checked' in closed.text.split('id="std-SB-06"')[1].split("</form>")[0]


async def test_a_reminder_waits_on_the_staff_home_page(login_as: LoginAs) -> None:
    chief = await login_as("demo-chief")
    staff = await User.get(login="demo-staff")
    period = await current_period(today())
    await post_form(chief, "/self-check/section/remind", {"period": period, "user_id": str(staff.id)})
    await post_form(chief, "/logout", {})
    client = await login_as("demo-staff")
    home = await client.get("/")
    assert "data-reminder" in home.text and "デモ 課長" in home.text and "/self-check?period=" in home.text


async def test_a_section_can_answer_as_a_whole(login_as: LoginAs) -> None:
    chief = await login_as("demo-chief")
    await post_form(chief, "/self-check/section/mode", {"mode": "section"})
    staff = await User.get(login="demo-staff")
    assert (await SelfCheckSetting.get(section_id=staff.section_id)).mode == "section"
    page = await chief.get("/self-check/section")
    assert "課全体" in page.text
    await post_form(chief, "/logout", {})
    client = await login_as("demo-staff")
    period = await current_period(today())
    saved = await post_form(
        client, "/self-check/answer", {"period": period, "standard_code": "SB-01", "result": "compliant"}
    )
    assert saved.status_code == 302
    row = await SelfCheckAnswer.get(id=answer_id(period, f"section:{staff.section_id}", "SB-01"))
    assert row.result == "compliant"


async def test_the_chief_decides_a_late_answer_in_the_inbox(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    staff = await User.get(login="demo-staff")
    period = await current_period(today())
    tablet = Tablet(client)
    await tablet.register()
    record_id, fields = await answer(staff, period, "SB-01", "compliant")
    await tablet.send(record_id, "create", fields)
    await post_form(client, "/logout", {})
    chief = await login_as("demo-chief")
    await post_form(chief, "/self-check/section/confirm", {"period": period})
    await post_form(chief, "/logout", {})
    client = await login_as("demo-staff")
    late = await tablet.send(
        record_id, "patch", {"result": "noncompliant", "note": "名札を忘れた日があった"}, base=1
    )
    assert late["status"] == "conflict"
    await post_form(client, "/logout", {})

    chief = await login_as("demo-chief")
    inbox = await chief.get("/conflicts")
    row = next(part for part in inbox.text.split("<tr data-record=")[1:] if "セルフチェックの回答" in part)
    assert "未遵守" in row and "noncompliant" not in row
    # The row names whose answer to which standard, and speaks of a confirmation, not a signature.
    assert "デモ 係員" in row and "SB-01" in row and "期間の確定後に変更された" in row and "署名" not in row
    conflict = await SyncConflict.get(record_id=record_id, field="result", status="open")
    detail = await chief.get(f"/conflicts/{conflict.id}")
    assert "SB-01 名札を来庁者から見える位置に着用している" in detail.text and "デモ 係員" in detail.text
    assert 'name="value"' not in detail.text  # an answer is chosen among those given, never typed
    assert "確定した値を残す" in detail.text and "署名" not in detail.text
    kept = await decide(chief, conflict.id, detail.text, choice=keep_choices(detail.text)[0])
    assert kept.status_code == 302
    decided = await SelfCheckAnswer.get(id=record_id)
    assert (decided.result, decided.status) == ("noncompliant", "confirmed")


async def test_answers_reach_only_their_own_section(login_as: LoginAs) -> None:
    from server.auth import service as auth_service
    from server.models import Section

    client = await login_as("demo-staff")
    staff = await User.get(login="demo-staff")
    tablet = Tablet(client)
    await tablet.register()
    record_id, fields = await answer(staff, await current_period(today()), "SB-01", "compliant")
    await tablet.send(record_id, "create", fields)
    await post_form(client, "/logout", {})
    other = await Section.get(code="somu")
    await auth_service.create_user(
        login="somu-staff",
        display_name="総務 係員",
        password="demo-password-for-tests",
        role=Role.STAFF,
        section=other,
    )
    for login, expected in (("somu-staff", False), ("demo-chief", True), ("demo-manager", True)):
        reader = await login_as(login)
        device = Tablet(reader)
        await device.register()
        pulled = await reader.get("/api/sync/v1/pull", headers={"X-Madoguchi-Sync": "1"})
        ids = [c["id"] for c in pulled.json()["changes"]]
        assert (record_id in ids) is expected, login
        await post_form(reader, "/logout", {})


async def test_a_refusal_quoting_what_a_device_sent_is_shown_as_text(login_as: LoginAs) -> None:
    client = await login_as("demo-chief")
    chief = await User.get(login="demo-chief")
    tablet = Tablet(client)
    await tablet.register()
    record_id, fields = await answer(chief, await current_period(today()), "SB-01", "compliant")
    refused = await tablet.send(record_id, "create", {**fields, "status": "<b>x</b>"})
    assert refused["status"] == "rejected" and "<b>x</b>" in refused["error"]
    page = await client.get("/sync")
    assert "<b>x</b>" not in page.text and "&lt;b&gt;x&lt;/b&gt;" in page.text


async def test_a_retired_standard_leaves_new_sheets_but_stays_where_it_was_answered(
    login_as: LoginAs,
) -> None:
    from server.compliance.service import set_active
    from server.models import ServiceStandard

    client = await login_as("demo-staff")
    period = await current_period(today())
    await post_form(
        client, "/self-check/answer", {"period": period, "standard_code": "SB-01", "result": "compliant"}
    )
    for code in ("SB-01", "SB-02"):
        await set_active(await ServiceStandard.get(code=code), False, "demo-admin")
    page = await client.get("/self-check")
    assert (
        page.text.count("data-answer ") == 29
        and 'id="std-SB-01"' in page.text
        and 'id="std-SB-02"' not in page.text
    )
    refused = await post_form(
        client, "/self-check/answer", {"period": period, "standard_code": "SB-02", "result": "compliant"}
    )
    assert refused.status_code == 422 and "この基準は廃止されています" in refused.text
    answered = await SelfCheckAnswer.get(standard_code="SB-01", period=period)
    assert (answered.result, answered.standard_version) == ("compliant", 1)
