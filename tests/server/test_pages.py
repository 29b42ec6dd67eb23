"""The layout, the page-or-fragment render path, languages, escaping and error pages."""

from __future__ import annotations

import httpx
import pytest

from server.models import AuditEvent, User
from tests.server.conftest import LoginAs, post_form


async def test_each_role_has_a_home_page_with_its_work(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    page = await client.get("/")
    assert page.status_code == 200
    assert 'href="/admin/users"' in page.text and "利用者" in page.text
    assert "令和" in page.text and "年度" in page.text
    assert page.headers["vary"] == "HX-Request, HX-History-Restore-Request"


async def test_staff_home_does_not_offer_admin_work(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    page = await client.get("/")
    assert 'href="/admin/users"' not in page.text
    assert "係員" in page.text and "区民課" in page.text


async def test_htmx_request_gets_the_fragment_alone(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    full = await client.get("/admin/audit")
    fragment = await client.get("/admin/audit", headers={"HX-Request": "true"})
    assert "<html" in full.text and "<tr>" in full.text
    assert "<html" not in fragment.text and "<tr>" in fragment.text
    assert full.headers["vary"] == fragment.headers["vary"] == "HX-Request, HX-History-Restore-Request"
    assert fragment.headers["cache-control"] == "no-store"
    boosted = await client.get("/admin/audit", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.text
    # Back after a filter change: htmx asks again to rebuild the page, so it gets the whole page.
    restore = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    assert "<html" in (await client.get("/admin/audit", headers=restore)).text


async def test_english_is_one_tap_away_and_remembered(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    response = await post_form(client, "/language", {"lang": "en", "next": "/"})
    assert response.status_code == 302
    page = await client.get("/")
    assert 'lang="en"' in page.text and "Sign out" in page.text and "FY" in page.text
    assert (await User.get(login="demo-staff")).language == "en"
    back = await post_form(client, "/language", {"lang": "ja", "next": "https://elsewhere.example/"})
    assert back.headers["location"] == "/"
    assert 'lang="ja"' in (await client.get("/")).text


async def test_text_from_users_is_escaped(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    await User.filter(login="demo-staff").update(display_name='<script>alert("x")</script>')
    page = await client.get("/admin/users")
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text


async def test_not_found_is_a_page_in_the_layout(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    response = await client.get("/no-such-page")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.text and 'class="site-header"' in response.text
    fragment = await client.get("/no-such-page", headers={"HX-Request": "true"})
    assert fragment.status_code == 404 and "<html" not in fragment.text


async def test_server_error_is_a_calm_page_not_a_traceback(
    login_as: LoginAs, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = await login_as("demo-staff")

    def broken(role: object) -> list[object]:
        raise RuntimeError("database on fire")

    monkeypatch.setattr("server.home.routes.work_for", broken)
    response = await client.get("/")
    assert response.status_code == 500
    assert "サーバーで問題が発生しました" in response.text
    assert "database on fire" not in response.text and "Traceback" not in response.text


async def test_signed_in_pages_are_tagged_for_the_offline_cache_per_user(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    staff_page = await client.get("/")
    assert staff_page.headers["cache-control"] == "private, no-cache"
    staff_key = staff_page.headers["x-madoguchi-user"]
    assert staff_key and staff_key != "2"
    await post_form(client, "/logout", {})
    await login_as("demo-chief")
    assert (await client.get("/")).headers["x-madoguchi-user"] != staff_key


async def test_audit_log_is_readable_by_an_admin(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    page = await client.get("/admin/audit")
    assert "login" in page.text and "demo-admin" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert await AuditEvent.filter(action="audit_log_viewed").exists()


async def test_anonymous_pages_carry_no_user_tag(client: httpx.AsyncClient) -> None:
    page = await client.get("/login")
    assert "x-madoguchi-user" not in page.headers
