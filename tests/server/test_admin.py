from __future__ import annotations

from server.models import AuditEvent, Section, User
from tests.server.conftest import LoginAs, post_form, sign_in


async def test_admin_adds_a_user_who_can_then_sign_in(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    section = await Section.get(code="eisei")
    response = await post_form(
        client,
        "/admin/users/new",
        {
            "login": "yamada.hanako",
            "display_name": "山田 花子",
            "role": "staff",
            "section_id": str(section.id),
            "password": "a-long-password",
            "active": "on",
        },
    )
    assert response.status_code == 302
    user = await User.get(login="yamada.hanako").select_related("section")
    assert user.section and user.section.name == "衛生課"
    assert await AuditEvent.filter(action="user_created", target_id=str(user.id)).exists()
    await post_form(client, "/logout", {})
    assert (await sign_in(client, "yamada.hanako", "a-long-password")).status_code == 302


async def test_bad_user_form_keeps_what_was_typed_and_explains_each_field(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    response = await post_form(
        client,
        "/admin/users/new",
        {
            "login": "Bad Login!",
            "display_name": "鈴木 一郎",
            "role": "staff",
            "section_id": "",
            "password": "short",
        },
    )
    assert response.status_code == 422
    text = response.text
    assert 'value="鈴木 一郎"' in text and 'value="bad login!"' in text
    assert (
        'id="f-login-error"' in text and 'id="f-section_id-error"' in text and 'id="f-password-error"' in text
    )
    assert "10文字以上" in text
    assert not await User.exists(display_name="鈴木 一郎")


async def test_duplicate_login_is_refused(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    response = await post_form(
        client,
        "/admin/users/new",
        {"login": "demo-staff", "display_name": "x", "role": "manager", "password": "a-long-password"},
    )
    assert response.status_code == 422 and "既に使われています" in response.text


async def test_admin_cannot_lock_themselves_out(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    me = await User.get(login="demo-admin")
    response = await post_form(
        client,
        f"/admin/users/{me.id}",
        {"display_name": me.display_name, "role": "staff", "section_id": str(me.section_id)},
    )
    assert response.status_code == 422
    assert (await User.get(id=me.id)).role == "admin"


async def test_password_reset_by_admin(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    staff = await User.get(login="demo-staff")
    response = await post_form(
        client,
        f"/admin/users/{staff.id}",
        {
            "display_name": "デモ 係員",
            "role": "staff",
            "section_id": str(staff.section_id),
            "active": "on",
            "password": "brand-new-password",
        },
    )
    assert response.status_code == 302
    await post_form(client, "/logout", {})
    assert (await sign_in(client, "demo-staff", "brand-new-password")).status_code == 302


async def test_sections_are_seeded_and_editable(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    page = await client.get("/admin/sections")
    for name in (
        "総務課",
        "地域振興課",
        "区民課",
        "保険年金課",
        "高齢・障害課",
        "児童家庭課",
        "衛生課",
        "道路公園センター",
    ):
        assert name in page.text
    response = await post_form(
        client,
        "/admin/sections/new",
        {"code": "kaikei", "name": "会計室", "sort_order": "200", "active": "on"},
    )
    assert response.status_code == 302
    assert await Section.exists(code="kaikei", name="会計室")
    bad = await post_form(client, "/admin/sections/new", {"code": "kumin", "name": "", "sort_order": "x"})
    assert bad.status_code == 422
    assert 'id="f-code-error"' in bad.text and 'id="f-name-error"' in bad.text
    assert 'id="f-sort_order-error"' in bad.text
