"""Field-ready fixes seen from the server: Japan time everywhere, 年度 named as staff name them."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import uuid

import httpx
import pytest

from server.calendar_ja import fiscal_year, fiscal_year_label, format_moment
from server.devices import service as device_service
from server.models import Device, Feedback, Section, User
from server.timekeeping import today
from tests.server.conftest import LoginAs, post_form, sign_in
from tests.server.deciding import decide, keep_choices
from tests.server.test_actions import raise_action, step
from tests.server.test_conflict_inbox import two_tablets_disagree
from tests.server.test_feedback import leave

JST_MOMENT = r"令和\d+年\d+月\d+日（\d{4}年） \d\d:\d\d"


@pytest.mark.parametrize(
    ("moment", "language", "shown"),
    [
        ("2026-12-03T01:02:59+00:00", "ja", "令和8年12月3日（2026年） 10:02"),
        ("2026-12-03T20:30:00Z", "ja", "令和8年12月4日（2026年） 05:30"),  # the next day in Japan
        (dt.datetime(2019, 4, 30, 15, 0), "ja", "令和元年5月1日（2019年） 00:00"),  # naive: stored UTC
        ("2026-12-03T01:02:00+00:00", "en", "2026-12-03 10:02"),
        (None, "ja", ""),
    ],
)
def test_one_format_for_a_moment_in_japan_time(moment: object, language: str, shown: str) -> None:
    assert format_moment(moment, language) == shown  # type: ignore[arg-type]


async def test_an_actions_history_is_in_japan_time(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    action = await raise_action(client)
    assert (await step(client, action, "accepted")).status_code == 302
    page = (await client.get(f"/actions/{action}")).text
    history = page[page.index('class="history"') :]
    assert len(re.findall(JST_MOMENT, history)) >= 1
    assert not re.search(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d", history), "a stored UTC string is shown"


@pytest.mark.parametrize("path", ["/actions", "/dashboard", "/reports"])
async def test_fiscal_year_filters_name_the_year_in_reiwa(login_as: LoginAs, path: str) -> None:
    client = await login_as("demo-manager")
    page = (await client.get(path)).text
    year = fiscal_year(today())
    assert re.search(rf'<option value="{year}"\s+selected>{fiscal_year_label(year)}</option>', page), page
    assert 'type="number" min="2000"' not in page


def flash_of(html: str) -> list[str]:
    region = re.search(
        r'<div class="flash-region" id="flash" role="status" data-flash>(.*?)</div>', html, re.S
    )
    assert region, "every page has the one flash region"
    return re.findall(r'<p class="alert alert-success flash-message">(.*?)</p>', region.group(1))


async def test_a_save_that_reloads_the_page_says_so_once(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    section = await Section.get(code="eisei")
    created = await post_form(
        client,
        "/admin/users/new",
        {
            "login": "takatsu.jiro",
            "display_name": "高津 次郎",
            "role": "staff",
            "section_id": str(section.id),
            "password": "a-long-password",
            "active": "on",
        },
    )
    assert created.status_code == 302
    page = await client.get(created.headers["location"])
    assert flash_of(page.text) == ["アカウントを作成しました。"]
    assert page.headers["cache-control"] == "no-store"  # not kept as the offline copy
    assert flash_of((await client.get("/admin/users")).text) == []  # shown once


async def test_a_conflict_decision_is_confirmed(login_as: LoginAs) -> None:
    _goal, conflict_id = await two_tablets_disagree(login_as)
    chief = await login_as("demo-chief")
    page = (await chief.get(f"/conflicts/{conflict_id}")).text
    response = await decide(chief, conflict_id, page, choice=keep_choices(page)[0])
    assert response.status_code == 302
    assert flash_of((await chief.get(response.headers["location"])).text) == ["判断を保存しました。"]


async def test_feedback_steps_are_confirmed(client: httpx.AsyncClient, login_as: LoginAs) -> None:
    await leave(client, "案内表示が小さくて読めない")
    feedback = await Feedback.get(channel="web")
    url = f"/feedback/{feedback.id}"
    await login_as("demo-chief")
    kumin = (await User.get(login="demo-chief")).section_id
    triage = {"category": "guidance", "kind": "request", "sections": str(kumin)}
    assert (await post_form(client, f"{url}/triage", triage)).status_code == 302
    assert flash_of((await client.get(url)).text) == ["振り分けを保存しました。"]
    assert (await post_form(client, f"{url}/answer", {"text": "文字を大きくします"})).status_code == 302
    assert flash_of((await client.get(url)).text) == ["回答案を保存しました。"]
    await sign_in(client, "demo-manager")
    assert (await post_form(client, f"{url}/approve", {})).status_code == 302
    assert flash_of((await client.get(url)).text) == ["回答を承認しました。"]


async def test_a_forged_flash_is_not_shown(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    payload = base64.urlsafe_b64encode(json.dumps([{"message": "<b>pwned</b>", "values": {}}]).encode())
    client.cookies.set("madoguchi_flash", f"{payload.decode()}.{'0' * 32}")
    page = await client.get("/admin/users")
    assert flash_of(page.text) == [] and "pwned" not in page.text


async def test_a_new_inspection_starts_with_the_template_due_for_the_person_s_section(
    login_as: LoginAs,
) -> None:
    client = await login_as("demo-staff")
    page = (await client.get("/inspections/new")).text
    chosen = re.findall(
        r'<option value="\d+" selected>([^<]+)</option>', page[page.index('id="f-template"') :]
    )
    assert chosen and chosen[0].startswith("職場点検（"), (
        chosen
    )  # monthly and due; not the quarterly アメニティ点検


async def test_the_audit_log_speaks_japanese_and_filters_by_person_action_and_date(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    await login_as("demo-admin")
    staff = await User.get(login="demo-staff")
    await post_form(
        client,
        f"/admin/users/{staff.id}",
        {"login": "demo-staff", "display_name": "デモ 係員", "role": "staff",
         "section_id": str(staff.section_id), "active": "on"},
    )  # fmt: skip
    page = (await client.get("/admin/audit")).text
    assert "ログイン" in page and "アカウント変更" in page
    assert ">login<" not in page and "user #" not in page
    assert "アカウント デモ 係員" in page  # the account's name, not its number
    assert "デモ 係員" in page and "デモ システム管理者" in page  # who, by name

    mine = (await client.get("/admin/audit?who=demo-staff&action=login")).text
    rows = re.findall(r'<td data-audit-action="([^"]+)">', mine)
    assert rows and set(rows) == {"login"}
    assert "デモ システム管理者" not in mine.split('id="audit-rows"')[1]
    day = today()
    assert re.findall(
        r"<td data-audit-action", (await client.get(f"/admin/audit?since={day}&until={day}")).text
    )
    tomorrow = day + dt.timedelta(days=1)
    later = (await client.get(f"/admin/audit?since={tomorrow}")).text
    assert re.findall(r"<td data-audit-action", later) == []  # nothing recorded tomorrow yet


async def test_people_are_named_not_given_by_login(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    action = await raise_action(client)
    page = (await client.get(f"/actions/{action}")).text
    facts = page[page.index("<dl") : page.index("</dl>")]
    history = page[page.index('class="history"') :]
    assert "デモ 係員" in facts and "demo-staff" not in facts
    assert "デモ 係員" in history and "demo-staff" not in history


async def test_the_admin_names_a_device_and_the_name_stays(login_as: LoginAs) -> None:
    staff = await User.get(login="demo-staff")
    client_id = uuid.uuid4()
    await device_service.register(staff, client_id, label="Linux")
    client = await login_as("demo-admin")
    empty = await post_form(client, f"/admin/devices/{client_id}/label", {"label": "  "})
    assert empty.status_code == 422 and "100文字以内で名前を入力してください" in empty.text
    saved = await post_form(client, f"/admin/devices/{client_id}/label", {"label": "区民課 タブレット1"})
    assert saved.status_code == 302
    page = (await client.get("/admin/devices")).text
    assert 'value="区民課 タブレット1"' in page and flash_of(page) == ["端末の名前を保存しました。"]
    await device_service.register(staff, client_id, label="Linux")  # the tablet's next sync
    assert (await Device.get(client_id=client_id)).label == "区民課 タブレット1"


@pytest.mark.parametrize(
    "path",
    [
        "/actions?section=&status=",
        "/feedback?section=&status=",
        "/inspections?section=&status=",
        "/reports?year=2026&month=&section=",
        "/dashboard?year=2026&month_from=&month_to=&section=",
    ],
)
async def test_a_filter_s_all_sections_choice_is_no_filter(login_as: LoginAs, path: str) -> None:
    """The filter forms send 「すべての課」 as ``section=``: that is no filter, not a bad request (400)."""
    client = await login_as("demo-manager")
    response = await client.get(path, headers={"HX-Request": "true"})
    assert response.status_code == 200
