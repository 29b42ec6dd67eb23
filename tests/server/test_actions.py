"""改善: the corrective-action lifecycle, who may take each step, overdue and carried-over actions."""

from __future__ import annotations

import datetime as dt
import uuid

import httpx

from server.auth import service as auth_service
from server.calendar_ja import fiscal_year
from server.models import CorrectiveAction, Role, Section, User
from server.timekeeping import today
from tests.server.conftest import LoginAs, csrf_token, post_form, sign_in

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


async def raise_action(client: httpx.AsyncClient, **overrides: str) -> str:
    section = (await User.get(login="demo-staff")).section_id
    data = {
        "section_id": str(section),
        "title": "記載台の記入例を新しくする",
        "description": "令和6年度の様式に合わせる",
        "due_on": (today() + dt.timedelta(days=14)).isoformat(),
        "priority": "high",
        "place": "2階 区民課",
        **overrides,
    }
    response = await post_form(client, "/actions/new", data)
    assert response.status_code == 302, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


async def step(
    client: httpx.AsyncClient, action: str, target: str, photo: bytes | None = None, **fields: str
) -> httpx.Response:
    files = {"evidence": ("after.png", photo, "image/png")} if photo else None
    data = {"target": target, "_csrf_token": await csrf_token(client), **fields}
    return await client.post(f"/actions/{action}/step", data=data, files=files)


async def test_an_action_goes_from_raised_to_confirmed_with_every_step_recorded(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    action = await raise_action(client)
    assert (await step(client, action, "accepted")).status_code == 302
    assert (await step(client, action, "in_progress")).status_code == 302
    missing = await step(client, action, "reported")
    assert missing.status_code == 422 and "行った対応を入力してください" in missing.text
    reported = await step(client, action, "reported", photo=PNG, report_note="記入例を差し替えた")
    assert reported.status_code == 302
    # A 係員 cannot confirm their own fix: the page offers no such step and the server refuses it.
    page = await client.get(f"/actions/{action}")
    assert "効果を確認して完了にする" not in page.text and "記入例を差し替えた" in page.text
    assert (await step(client, action, "confirmed")).status_code == 409
    assert (await CorrectiveAction.get(id=action)).status == "reported"

    await sign_in(client, "demo-chief")
    sent_back = await step(client, action, "in_progress")
    assert sent_back.status_code == 422 and "差し戻す理由" in sent_back.text
    assert (await step(client, action, "in_progress", reason="写真が不鮮明")).status_code == 302
    await sign_in(client, "demo-staff")
    await step(client, action, "reported", report_note="撮り直した")
    await sign_in(client, "demo-chief")
    assert (await step(client, action, "confirmed")).status_code == 302

    stored = await CorrectiveAction.get(id=action)
    assert stored.status == "confirmed" and stored.closed_on == today()
    history = (await client.get(f"/actions/{action}")).text
    for label in (
        "起票",
        "受付済み",
        "対応中",
        "完了報告済み",
        "確認済み（完了）",
        "デモ 課長",  # people by name, not by login
        "デモ 係員",
    ):
        assert label in history
    assert "写真が不鮮明" in history and "/api/sync/v1/blobs/" in history


async def test_only_the_responsible_section_moves_its_action(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    action = await raise_action(client)
    other = await Section.exclude(id=(await User.get(login="demo-staff")).section_id).first()
    assert other is not None
    await auth_service.create_user(
        login="other-staff",
        display_name="他課 係員",
        password="another-password-1",
        role=Role.STAFF,
        section=other,
    )
    await sign_in(client, "other-staff", "another-password-1")
    assert (await step(client, action, "accepted")).status_code == 409
    assert (await CorrectiveAction.get(id=action)).status == "raised"
    await sign_in(client, "demo-manager")
    assert (await step(client, action, "accepted")).status_code == 302


async def test_bad_input_on_a_new_action_is_explained_and_kept(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    response = await post_form(
        client,
        "/actions/new",
        {"section_id": "999", "title": "", "due_on": "来週", "description": "<b>x</b>"},
    )
    assert response.status_code == 422
    for message in (
        "担当の課を選んでください",
        "改善が必要な内容を入力してください",
        "期限を入力してください",
    ):
        assert message in response.text
    assert "&lt;b&gt;x&lt;/b&gt;" in response.text
    assert await CorrectiveAction.all().count() == 0


async def test_overdue_actions_are_flagged_and_open_ones_carry_over_into_the_new_year(app: object) -> None:
    now = today()
    year = fiscal_year(now)
    last_year = dt.date(year - 1, 6, 1)
    section = (await Section.first()).id  # type: ignore[union-attr]
    rows = {
        "overdue": dict(
            raised_on=now - dt.timedelta(days=30), due_on=now - dt.timedelta(days=1), status="accepted"
        ),
        "on time": dict(raised_on=now, due_on=now + dt.timedelta(days=5), status="raised"),
        "carried": dict(raised_on=last_year, due_on=last_year + dt.timedelta(days=30), status="in_progress"),
        "closed last year": dict(
            raised_on=last_year, due_on=last_year, status="confirmed", closed_on=last_year
        ),
    }
    for title, fields in rows.items():
        await CorrectiveAction.create(id=uuid.uuid4(), section_id=section, title=title, **fields)
    from server.actions import service

    listed = await service.for_year(year, section=None, status="", overdue=False, today=now)
    titles = {a.title for a in listed}
    assert titles == {"overdue", "on time", "carried"}
    assert {a.title for a in listed if service.carried_over(a, year)} == {"carried"}
    assert {a.title for a in listed if service.is_overdue(a, now)} == {"overdue", "carried"}
    only_overdue = await service.for_year(year, section=None, status="", overdue=True, today=now)
    assert {a.title for a in only_overdue} == {"overdue", "carried"}
    previous = await service.for_year(year - 1, section=None, status="", overdue=False, today=now)
    assert {a.title for a in previous} == {"carried", "closed last year"}
