"""The bereavement desk in the browser and through the sync API: purpose notice first, the questionnaire,
the guide and its PDF, who may see what, progress, statistics without names, and the retention purge."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from typing import Any

import httpx
from litestar import Litestar

from server.i18n import LANGUAGE_COOKIE
from server.models import AuditEvent, OkuyamiAppointment, OkuyamiCase, SyncRecord
from server.okuyami.service import purge_expired
from server.state import AppState
from server.timekeeping import today
from tests.server.conftest import LoginAs, post_form

HEADERS = {"X-Madoguchi-Sync": "1", "Content-Type": "application/json"}

ANSWERS = {
    "deceased.name_kanji": "高津 太郎",
    "deceased.date_of_birth": "1944-03-10",
    "deceased.date_of_death": "2026-10-20",
    "deceased.health_insurance": "kokuho",
    "deceased.is_householder": "true",
    "household.remaining_members": "2",
    "household.remaining_members_aged_15_plus": "2",
    "household.remaining_kokuho_members": "unknown",
    "cards.mynumber_card": "true",
    "pension.receiving": "kosei",
    "funeral.performed_or_planned": "true",
    "funeral.date": "2026-10-24",
}


async def start_case(client: httpx.AsyncClient) -> str:
    notice = await client.get("/okuyami/new")
    assert notice.status_code == 200 and "利用目的の明示" in notice.text
    started = await post_form(client, "/okuyami/new", {"visit_date": "2026-10-28"})
    assert started.status_code == 302, started.text
    found = re.match(r"/okuyami/cases/([0-9a-f-]+)/intake$", started.headers["location"])
    assert found, started.headers["location"]
    return found.group(1)


async def actions_on(case_id: str) -> list[str]:
    return [e.action for e in await AuditEvent.filter(target_id=case_id).order_by("id")]


async def test_the_desk_shows_the_notice_then_takes_answers_and_prints_the_guide(login_as: LoginAs) -> None:
    client = await login_as("demo-okuyami")
    case_id = await start_case(client)
    assert await actions_on(case_id) == ["okuyami.notice_shown"]

    bad = {**ANSWERS, "deceased.date_of_death": "1940-01-01", "deceased.date_of_birth": "2026-02-30"}
    refused = await post_form(client, f"/okuyami/cases/{case_id}/intake", bad)
    assert refused.status_code == 422
    assert "死亡年月日が生年月日より前です" in refused.text or "正しい日付" in refused.text
    assert "正しい日付(年-月-日)ではありません" in refused.text
    # What was typed is still there.
    assert 'value="高津 太郎"' in refused.text and 'value="2026-02-30"' in refused.text

    saved = await post_form(client, f"/okuyami/cases/{case_id}/intake", ANSWERS)
    assert saved.status_code == 302 and saved.headers["location"] == f"/okuyami/cases/{case_id}"
    guide = await client.get(f"/okuyami/cases/{case_id}")
    assert guide.status_code == 200
    page = guide.text
    # Walking order: 区民課 (世帯主変更, マイナンバー) before 保険年金課 (国保).
    assert page.index("世帯主変更届") < page.index("国民健康保険 資格喪失")
    # The NHI deadline: 14 days after 20 Oct 2026, in 和暦 and 西暦.
    assert "令和8年11月3日（2026年）" in page
    # Funeral allowance: two years (730 days) after the funeral on 24 Oct 2026.
    assert "令和10年10月23日（2028年）" in page
    # Unknown number of NHI members → the NHI householder change is to be confirmed, not dropped.
    to_confirm = page[page.index("確認が必要な手続き") :]
    assert "国民健康保険 世帯主の変更" in to_confirm
    # Outside bodies listed separately.
    assert "年金受給権者死亡届・未支給年金の請求(厚生年金・共済)" in page[page.index("区役所以外の手続き") :]
    assert "銀行・証券口座" in page

    pdf = await client.get(f"/okuyami/cases/{case_id}/guide.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and b"HeiseiKakuGo-W5" in pdf.content
    printed = await client.post(
        f"/okuyami/cases/{case_id}/printed", headers={"x-csrftoken": client.cookies["madoguchi_csrf"]}
    )
    assert printed.status_code == 204
    assert await actions_on(case_id) == [
        "okuyami.notice_shown",
        "okuyami.guide_viewed",
        "okuyami.guide_pdf",
        "okuyami.guide_printed",
    ]
    listed = await client.get("/okuyami")
    assert "高津 太郎" in listed.text
    client.cookies.set(LANGUAGE_COOKIE, "en")
    english = await client.get(f"/okuyami/cases/{case_id}")
    assert (
        english.status_code == 200
        and "Change of householder" in english.text
        and "2026-11-03" in english.text
    )


async def test_only_the_desk_sees_a_case_and_managers_see_counts_without_names(
    login_as: LoginAs, app: Litestar
) -> None:
    client = await login_as("demo-okuyami")
    case_id = await start_case(client)
    await post_form(client, f"/okuyami/cases/{case_id}/intake", ANSWERS)
    assert (await client.get(f"/okuyami/cases/{case_id}")).status_code == 200
    await client.post("/logout", data={"_csrf_token": client.cookies["madoguchi_csrf"]})

    for login in ("demo-staff", "demo-chief", "demo-manager", "demo-admin"):
        other = await login_as(login)
        for url in (f"/okuyami/cases/{case_id}", f"/okuyami/cases/{case_id}/guide.pdf", "/okuyami"):
            assert (await other.get(url)).status_code == 403, (login, url)
        await other.post("/logout", data={"_csrf_token": other.cookies["madoguchi_csrf"]})

    manager = await login_as("demo-manager")
    # Nor does a manager's tablet receive the case when it syncs.
    headers = {"X-Madoguchi-Sync": "1"}
    page = (await manager.get("/api/sync/v1/pull", params={"cursor": ""}, headers=headers)).json()
    assert all(change["table"] != "okuyami_cases" for change in page["changes"])
    assert "高津 太郎" not in json.dumps(page, ensure_ascii=False)
    stats = await manager.get("/okuyami/statistics")
    assert stats.status_code == 200
    assert "高津 太郎" not in stats.text and 'data-figure="cases">1<' in stats.text
    assert "世帯主変更届" in stats.text


async def test_answers_typed_offline_that_cannot_be_used_come_back_at_their_fields(login_as: LoginAs) -> None:
    client = await login_as("demo-okuyami")
    client_id = str(uuid.uuid4())
    register = await client.post(
        "/api/sync/v1/clients", headers=HEADERS, content=json.dumps({"client_id": client_id, "label": "窓口"})
    )
    assert register.status_code in (200, 201), register.text
    case_id = str(uuid.uuid4())

    def op(seq: int, kind: str, fields: dict[str, Any], base: int | None) -> dict[str, Any]:
        return {
            "op_id": str(uuid.uuid4()),
            "client_seq": seq,
            "hlc": f"{1790000000000 + seq:013d}:00000:{client_id}",
            "table": "okuyami_cases",
            "record_id": case_id,
            "kind": kind,
            "base_version": base,
            "fields": fields,
        }

    no_notice = await client.post(
        "/api/sync/v1/push",
        headers=HEADERS,
        content=json.dumps(
            {"client_id": client_id, "ops": [op(1, "create", {"visit_date": "2026-11-01"}, None)]}
        ),
    )
    assert no_notice.json()["results"][0]["status"] == "rejected"
    ops = [
        op(
            2,
            "create",
            {"visit_date": "2026-11-01", "notice_shown_at": "2026-11-01T01:00:00Z", "status": "open"},
            None,
        ),
        op(3, "patch", {"answers": {**ANSWERS, "deceased.date_of_death": "2099-01-01"}}, 1),
        op(4, "patch", {"answers": {"deceased.cause_of_death": "x"}}, 1),
        op(5, "patch", {"answers": {"deceased.shoe_size": "27"}}, 1),
        op(6, "patch", {"answers": {"deceased.is_householder": True}}, 1),
    ]
    pushed = await client.post(
        "/api/sync/v1/push", headers=HEADERS, content=json.dumps({"client_id": client_id, "ops": ops})
    )
    statuses = [r["status"] for r in pushed.json()["results"]]
    assert statuses == ["applied", "applied", "rejected", "rejected", "rejected"], pushed.text

    guide = await client.get(f"/okuyami/cases/{case_id}")
    assert guide.status_code == 422
    assert "死亡年月日が未来の日付です" in guide.text and 'value="2099-01-01"' in guide.text
    assert await actions_on(case_id) == ["okuyami.notice_shown", "okuyami.intake_viewed"]


async def test_a_staff_tablet_cannot_write_cases(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    client_id = str(uuid.uuid4())
    await client.post(
        "/api/sync/v1/clients", headers=HEADERS, content=json.dumps({"client_id": client_id, "label": "x"})
    )
    create = {
        "op_id": str(uuid.uuid4()),
        "client_seq": 1,
        "hlc": f"{1790000000000:013d}:00000:{client_id}",
        "table": "okuyami_cases",
        "record_id": str(uuid.uuid4()),
        "kind": "create",
        "base_version": None,
        "fields": {"visit_date": "2026-11-01", "notice_shown_at": "2026-11-01T01:00:00Z"},
    }
    pushed = await client.post(
        "/api/sync/v1/push", headers=HEADERS, content=json.dumps({"client_id": client_id, "ops": [create]})
    )
    assert pushed.json()["results"][0]["status"] == "rejected"
    assert await OkuyamiCase.all().count() == 0


async def test_progress_closing_and_the_purge_keep_only_anonymous_figures(
    login_as: LoginAs, app: Litestar
) -> None:
    client = await login_as("demo-okuyami")
    case_id = await start_case(client)
    await post_form(client, f"/okuyami/cases/{case_id}/intake", ANSWERS)
    assert (await client.get(f"/okuyami/cases/{case_id}")).status_code == 200

    bad = await post_form(client, f"/okuyami/cases/{case_id}/progress", {"status.kokuho_loss": "lost"})
    assert bad.status_code == 422 and "状況を選んでください" in bad.text
    done = await post_form(
        client,
        f"/okuyami/cases/{case_id}/progress",
        {"status.kokuho_loss": "done", "status.mynumber_card_return": "received", "close": "1"},
    )
    assert done.status_code == 302
    case = await OkuyamiCase.get(id=case_id)
    assert case.status == "closed" and case.handling_minutes is not None
    assert json.loads(case.progress) == {"kokuho_loss": "done", "mynumber_card_return": "received"}
    page = await client.get(f"/okuyami/cases/{case_id}")
    assert re.search(r'<option value="done" selected>完了</option>', page.text)
    desk = await client.get("/okuyami")
    assert re.search(r"\d+件中 受付済1件・完了1件", desk.text), desk.text

    state: AppState = app.state.madoguchi
    assert case.closed_on is not None
    old = await OkuyamiAppointment.create(
        day=case.closed_on, slot=1, caller_name="溝口 一郎", caller_phone="044"
    )
    assert await purge_expired(state.sync, case.closed_on + dt.timedelta(days=364), 365) == 0
    assert (await OkuyamiAppointment.get(id=old.id)).caller_name == "溝口 一郎"
    assert await purge_expired(state.sync, case.closed_on + dt.timedelta(days=365), 365) == 1
    assert (await OkuyamiAppointment.get(id=old.id)).caller_name == ""
    purged = await OkuyamiCase.get(id=case_id)
    assert purged.purged and purged.deceased_name == "" and purged.answers == "{}"
    assert "household_head_change" in json.loads(purged.procedures)
    record = await SyncRecord.get(table_name="okuyami_cases", record_id=case_id)
    assert record.purged and "高津" not in json.dumps(record.state, ensure_ascii=False)
    assert (await client.get(f"/okuyami/cases/{case_id}")).status_code == 404
    stats = await client.get("/okuyami/statistics")
    assert 'data-figure="cases">1<' in stats.text and 'data-figure="closed">1<' in stats.text


def next_monday() -> dt.date:
    day = today() + dt.timedelta(days=1)
    while day.weekday() != 0:
        day += dt.timedelta(days=1)
    return day


async def test_bookings_fill_the_day_s_slots_and_lead_to_the_visit(login_as: LoginAs) -> None:
    client = await login_as("demo-okuyami")
    monday = next_monday().isoformat()
    booking = {"day": monday, "slot": "2", "caller_name": "溝口 一郎", "caller_phone": "044-000-0000"}
    booked = await post_form(client, "/okuyami/appointments", booking)
    assert booked.status_code == 302
    page = await client.get(f"/okuyami/appointments?day={monday}")
    assert "溝口 一郎" in page.text and f'data-free="{monday}">3<' in page.text

    taken = await post_form(client, "/okuyami/appointments", {**booking, "caller_name": "久地 次郎"})
    assert taken.status_code == 422 and "この枠はすでに予約されています" in taken.text
    assert 'value="久地 次郎"' in taken.text
    saturday = (next_monday() + dt.timedelta(days=5)).isoformat()
    for bad, message in [
        ({**booking, "day": "2020-01-06"}, "過ぎています"),
        ({**booking, "day": saturday}, "土曜日・日曜日"),
        ({**booking, "caller_name": ""}, "氏名を入力してください"),
        ({**booking, "slot": "9"}, "枠を選んでください"),
        ({**booking, "caller_phone": "call me"}, "数字とハイフンで"),
    ]:
        refused = await post_form(client, "/okuyami/appointments", bad)
        assert refused.status_code == 422 and message in refused.text, bad

    appointment = await OkuyamiAppointment.get(caller_name="溝口 一郎")
    notice = await client.get(f"/okuyami/new?appointment={appointment.id}")
    assert "溝口 一郎" in notice.text
    started = await post_form(client, "/okuyami/new", {"appointment_id": str(appointment.id)})
    case_id = started.headers["location"].split("/")[3]
    assert str((await OkuyamiAppointment.get(id=appointment.id)).case_id) == case_id

    cancelled = await post_form(client, f"/okuyami/appointments/{appointment.id}/cancel", {})
    assert cancelled.status_code == 302
    assert f'data-free="{monday}">4<' in (await client.get(f"/okuyami/appointments?day={monday}")).text
    await client.post("/logout", data={"_csrf_token": client.cookies["madoguchi_csrf"]})
    staff = await login_as("demo-staff")
    assert (await staff.get(f"/okuyami/appointments?day={monday}")).status_code == 403


async def test_a_pre_filled_sheet_prints_the_answers_and_a_bank_account_only_on_the_pdf(
    login_as: LoginAs,
) -> None:
    client = await login_as("demo-okuyami")
    case_id = await start_case(client)
    answers = {**ANSWERS, "applicant.name_kanji": "高津 花子", "funeral.chief_mourner_name": "高津 花子"}
    await post_form(client, f"/okuyami/cases/{case_id}/intake", answers)
    guide = await client.get(f"/okuyami/cases/{case_id}")
    assert f"/okuyami/cases/{case_id}/sheets/kokuho_funeral_allowance" in guide.text

    sheet = await client.get(f"/okuyami/cases/{case_id}/sheets/kokuho_funeral_allowance")
    assert sheet.status_code == 200
    assert "高津 太郎" in sheet.text and "昭和19年3月10日（1944年）" in sheet.text
    assert "令和8年10月24日（2026年）" in sheet.text and "振込先の口座" in sheet.text
    # Not prefillable (an outside body's form), or not in this family's guide: no sheet.
    assert (
        await client.get(f"/okuyami/cases/{case_id}/sheets/employer_insurance_loss_burial")
    ).status_code == 404
    assert (await client.get(f"/okuyami/cases/{case_id}/sheets/dog_death_report")).status_code == 404

    url = f"/okuyami/cases/{case_id}/sheets/kokuho_funeral_allowance/pdf"
    bad = await post_form(client, url, {"bank_name": "川崎銀行", "account_number": "12-34"})
    assert bad.status_code == 422 and "8桁以内" in bad.text and 'value="川崎銀行"' in bad.text
    bank = {
        "bank_name": "川崎銀行",
        "bank_branch": "溝口",
        "account_type": "ordinary",
        "account_number": "7654321",
    }
    pdf = await post_form(client, url, bank)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # The account went onto the PDF, and nowhere else.
    stored = json.dumps(
        [
            await OkuyamiCase.all().values(),
            await SyncRecord.all().values("state"),
            await AuditEvent.all().values(),
        ],
        ensure_ascii=False,
        default=str,
    )
    assert "7654321" not in stored and "川崎銀行" not in stored
    actions = await actions_on(case_id)
    assert actions[-2:] == ["okuyami.sheet_viewed", "okuyami.sheet_pdf"]
