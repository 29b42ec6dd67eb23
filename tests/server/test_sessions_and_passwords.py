"""Sessions end when what they were granted on changes; a person changes their own password; passwords
that attackers try first are refused everywhere a password is set."""

from __future__ import annotations

import re

import httpx
import pytest
from litestar import Litestar

from server.models import AuditEvent, User
from tests.databases import DEMO_PASSWORD
from tests.server.conftest import post_form, sign_in

NEW_PASSWORD = "kawasemi-no-hane-7"


def field_error(html: str, name: str) -> str:
    """The message shown beside one field (not the hint, which names the rules too)."""
    found = re.search(rf'id="f-{name}-error">([^<]*)<', html)
    return found.group(1) if found else ""


def second_tablet(app: Litestar) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=("192.0.2.20", 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def user_edit(client: httpx.AsyncClient, login: str, **changes: str) -> httpx.Response:
    user = await User.get(login=login)
    data = {
        "display_name": user.display_name,
        "role": str(user.role),
        "section_id": str(user.section_id or ""),
        "ward": user.ward,
        "active": "on",
        "password": "",
        **changes,
    }
    return await post_form(client, f"/admin/users/{user.id}", data)


async def test_logout_expires_the_cookie_at_once(client: httpx.AsyncClient) -> None:
    await sign_in(client, "demo-staff")
    response = await post_form(client, "/logout", {})
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("madoguchi_session="))
    assert "Max-Age=0" in cookie


async def test_a_password_reset_by_the_administrator_ends_the_person_s_sessions(
    app: Litestar, client: httpx.AsyncClient
) -> None:
    async with second_tablet(app) as tablet:
        await sign_in(tablet, "demo-staff")
        assert (await tablet.get("/")).status_code == 200
        await sign_in(client, "demo-admin")
        assert (await user_edit(client, "demo-staff", password=NEW_PASSWORD)).status_code == 302
        ended = await tablet.get("/")
        assert ended.status_code == 302 and ended.headers["location"].startswith("/login")
        # The sync API refuses the ended session too.
        pull = await tablet.get("/api/sync/v1/pull", headers={"x-madoguchi-sync": "1"})
        assert pull.status_code == 401
        assert (await sign_in(tablet, "demo-staff", NEW_PASSWORD)).status_code == 302
    actions = [e.action for e in await AuditEvent.all().order_by("id")]
    assert {"password_reset", "sessions_ended", "session_ended"} <= set(actions)
    # The administrator's own session is untouched.
    assert (await client.get("/admin/users")).status_code == 200


async def test_a_role_change_ends_the_person_s_sessions(app: Litestar, client: httpx.AsyncClient) -> None:
    async with second_tablet(app) as tablet:
        await sign_in(tablet, "demo-chief")
        assert (await tablet.get("/conflicts")).status_code == 200
        await sign_in(client, "demo-admin")
        assert (await user_edit(client, "demo-chief", role="staff")).status_code == 302
        ended = await tablet.get("/conflicts")
        assert ended.status_code == 302 and ended.headers["location"].startswith("/login")
    changed = await AuditEvent.get(action="role_changed")
    assert changed.detail == {"from": "chief", "to": "staff"}


async def test_an_administrator_resetting_their_own_password_stays_signed_in(
    client: httpx.AsyncClient,
) -> None:
    await sign_in(client, "demo-admin")
    assert (await user_edit(client, "demo-admin", password=NEW_PASSWORD)).status_code == 302
    assert (await client.get("/admin/users")).status_code == 200


async def test_changing_one_s_own_password_ends_the_other_sessions_only(
    app: Litestar, client: httpx.AsyncClient
) -> None:
    async with second_tablet(app) as tablet:
        await sign_in(tablet, "demo-staff")
        await sign_in(client, "demo-staff")
        page = await client.get("/account/password")
        assert page.status_code == 200 and "パスワードの変更" in page.text
        changed = await post_form(
            client,
            "/account/password",
            {"current": DEMO_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        )
        assert changed.status_code == 302 and changed.headers["location"] == "/account/password?done=1"
        assert "他の端末" in (await client.get(changed.headers["location"])).text
        assert (await client.get("/")).status_code == 200
        assert (await tablet.get("/")).status_code == 302
    client.cookies.delete("madoguchi_session")
    assert (await sign_in(client, "demo-staff", DEMO_PASSWORD)).status_code == 401
    assert (await sign_in(client, "demo-staff", NEW_PASSWORD)).status_code == 302
    assert await AuditEvent.filter(action="password_changed", login="demo-staff").count() == 1


async def test_a_wrong_current_password_is_refused_and_counts_as_a_failed_sign_in(
    client: httpx.AsyncClient,
) -> None:
    await sign_in(client, "demo-staff")
    for _ in range(5):
        wrong = await post_form(
            client,
            "/account/password",
            {"current": "not-it-at-all", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        )
        assert wrong.status_code == 422 and "正しくありません" in field_error(wrong.text, "current")
    paused = await post_form(
        client, "/account/password", {"current": DEMO_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert paused.status_code == 422 and "15分" in paused.text
    assert await AuditEvent.filter(action="password_changed").count() == 0


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pw", "10文字以上"),
        ("password123", "よく使われる"),
        ("QWERTYUIOP", "よく使われる"),
        ("demo-staff-2026", "ログイン名"),
        ("高津区役所のパスワード", "ログイン名"),
        ("takatsu-ward-office", "ログイン名"),
    ],
)
async def test_weak_passwords_are_refused_everywhere_a_password_is_set(
    client: httpx.AsyncClient, password: str, message: str
) -> None:
    await sign_in(client, "demo-staff")
    own = await post_form(
        client, "/account/password", {"current": DEMO_PASSWORD, "new": password, "confirm": password}
    )
    assert own.status_code == 422 and message in field_error(own.text, "new")
    await post_form(client, "/logout", {})
    await sign_in(client, "demo-admin")
    reset = await user_edit(client, "demo-staff", password=password)
    assert reset.status_code == 422 and message in field_error(reset.text, "password")
    assert await AuditEvent.filter(action="password_changed").count() == 0
