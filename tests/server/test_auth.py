from __future__ import annotations

import httpx
from litestar import Litestar

from server.models import AuditEvent, User
from tests.databases import DEMO_PASSWORD
from tests.server.conftest import CSRF_COOKIE, csrf_token, post_form, sign_in


async def test_anonymous_visitor_is_sent_to_the_login_page(client: httpx.AsyncClient) -> None:
    response = await client.get("/admin/users?x=1")
    assert response.status_code == 302
    assert response.headers["location"] == "/login?next=/admin/users%3Fx%3D1"
    page = await client.get("/login")
    assert page.status_code == 200
    assert 'lang="ja"' in page.text
    assert "ログイン名" in page.text and 'autocomplete="current-password"' in page.text


async def test_sign_in_starts_a_fresh_http_only_session(client: httpx.AsyncClient) -> None:
    await client.get("/login")
    # An id planted before sign-in (session fixation) must not survive it.
    client.cookies.set("madoguchi_session", "planted-by-someone-else")
    response = await sign_in(client, "demo-staff")
    assert response.status_code == 302 and response.headers["location"] == "/"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("madoguchi_session="))
    assert "planted-by-someone-else" not in cookie
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Secure" not in cookie
    new_id = cookie.split(";")[0].split("=", 1)[1]
    client.cookies.clear()
    home = await client.get("/", headers={"cookie": f"madoguchi_session={new_id}"})
    assert home.status_code == 200 and "デモ 係員" in home.text
    planted = await client.get("/", headers={"cookie": "madoguchi_session=planted-by-someone-else"})
    assert planted.status_code == 302
    assert await AuditEvent.filter(action="login", login="demo-staff").count() == 1


async def test_secure_cookie_when_served_over_https(app: Litestar, settings: object) -> None:
    from server.app import create_app
    from server.config import Settings

    assert isinstance(settings, Settings)
    secure_app = create_app(Settings(**{**settings.__dict__, "secure_cookies": True}))
    transport = httpx.ASGITransport(app=secure_app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as https_client:
        response = await sign_in(https_client, "demo-staff")
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("madoguchi_session="))
    assert "Secure" in cookie


async def test_wrong_password_says_so_in_japanese_and_keeps_the_login(client: httpx.AsyncClient) -> None:
    response = await sign_in(client, "demo-staff", "not-the-password")
    assert response.status_code == 401
    assert "ログイン名またはパスワードが正しくありません" in response.text
    assert 'value="demo-staff"' in response.text
    assert await AuditEvent.filter(action="login_failed", login="demo-staff").count() == 1


async def test_empty_fields_are_reported_beside_the_field(client: httpx.AsyncClient) -> None:
    response = await post_form(client, "/login", {"login": "", "password": ""})
    assert response.status_code == 422
    assert 'id="f-login-error"' in response.text and 'id="f-password-error"' in response.text


async def test_repeated_failures_pause_sign_in_even_with_the_right_password(
    client: httpx.AsyncClient,
) -> None:
    for _ in range(5):
        assert (await sign_in(client, "demo-chief", "wrong-password")).status_code == 401
    blocked = await sign_in(client, "demo-chief", DEMO_PASSWORD)
    assert blocked.status_code == 401
    assert "15分" in blocked.text
    # Another account from another address is not affected.
    other = await sign_in(client, "demo-manager")
    assert other.status_code == 302


async def test_disabled_account_cannot_sign_in(client: httpx.AsyncClient) -> None:
    await User.filter(login="demo-staff").update(active=False)
    assert (await sign_in(client, "demo-staff")).status_code == 401


async def test_disabling_an_account_ends_its_open_sessions(client: httpx.AsyncClient) -> None:
    await sign_in(client, "demo-staff")
    assert (await client.get("/")).status_code == 200
    await User.filter(login="demo-staff").update(active=False)
    assert (await client.get("/")).status_code == 302


async def test_post_without_csrf_token_is_refused(client: httpx.AsyncClient) -> None:
    await client.get("/login")
    response = await client.post("/login", data={"login": "demo-staff", "password": DEMO_PASSWORD})
    assert response.status_code == 403
    assert "ログイン" not in response.headers.get("location", "")


async def test_htmx_post_carries_the_token_in_a_header(client: httpx.AsyncClient) -> None:
    token = await csrf_token(client)
    response = await client.post(
        "/login",
        data={"login": "demo-staff", "password": DEMO_PASSWORD},
        headers={"x-csrftoken": token, "HX-Request": "true"},
    )
    assert response.status_code == 302


async def test_logout_ends_the_session(client: httpx.AsyncClient) -> None:
    await sign_in(client, "demo-staff")
    response = await post_form(client, "/logout", {})
    assert response.status_code == 302 and response.headers["location"] == "/login?bye=1"
    assert (await client.get("/")).status_code == 302
    assert "ログアウトしました" in (await client.get("/login?bye=1")).text
    assert client.cookies.get(CSRF_COOKIE)


async def test_next_parameter_cannot_leave_the_site(client: httpx.AsyncClient) -> None:
    response = await post_form(
        client, "/login", {"login": "demo-staff", "password": DEMO_PASSWORD, "next": "//evil.example/steal"}
    )
    assert response.headers["location"] == "/"


async def test_password_is_stored_as_argon2id() -> None:
    # Runs without the app: the demo accounts in the template database were created by the seed.
    from server.auth.passwords import hash_password, verify_password

    hashed = hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "correct horse battery")
    assert not verify_password(hashed, "wrong")
    assert not verify_password(None, "anything")
