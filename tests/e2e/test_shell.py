"""The shell a ward employee meets on a tablet: signing in, installing, working offline, updating."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, controlled_by_service_worker, sign_in

ROLE_HOMES = [
    ("demo-staff", "係員", None),
    ("demo-okuyami", "おくやみ担当", None),
    ("demo-chief", "課長", None),
    ("demo-manager", "管理者", None),
    ("demo-admin", "システム管理者", "利用者"),
]


@pytest.mark.parametrize(("login", "role_label", "card"), ROLE_HOMES)
async def test_each_role_signs_in_to_their_home(page: Page, live_server: LiveServer, login: str,
                                                role_label: str, card: str | None) -> None:  # fmt: skip
    await sign_in(page, live_server.url, login)
    await expect(page.locator(".account-role")).to_contain_text(role_label)
    await expect(page.locator("html")).to_have_attribute("lang", "ja")
    if card:
        await expect(page.locator(".work-card", has_text=card)).to_be_visible()
    else:
        await expect(page.locator('a[href="/admin/users"]')).to_have_count(0)


async def test_wrong_password_is_explained_in_japanese(page: Page, live_server: LiveServer) -> None:
    await page.goto(f"{live_server.url}/login")
    await page.get_by_label("ログイン名").fill("demo-staff")
    await page.get_by_label("パスワード").fill("wrong-password")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("alert")).to_contain_text("ログイン名またはパスワードが正しくありません")
    await expect(page.get_by_label("ログイン名")).to_have_value("demo-staff")


async def test_installable_and_controlled_by_the_service_worker(page: Page, live_server: LiveServer) -> None:
    await sign_in(page, live_server.url, "demo-staff")
    await controlled_by_service_worker(page)
    manifest_href = await page.locator('link[rel="manifest"]').get_attribute("href")
    manifest = await page.evaluate("(href) => fetch(href).then((r) => r.json())", manifest_href)
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert any(icon["sizes"] == "512x512" for icon in manifest["icons"])
    scope = await page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == f"{live_server.url}/"


async def test_offline_reload_keeps_the_shell_and_visited_pages(page: Page, live_server: LiveServer) -> None:
    await sign_in(page, live_server.url, "demo-admin")
    await controlled_by_service_worker(page)
    await page.reload()  # now under the worker, the home page is stored for offline reading
    await page.goto(f"{live_server.url}/admin/users")
    await expect(page.locator("h1")).to_have_text("利用者")

    await page.context.set_offline(True)
    await page.reload()
    await expect(page.locator("h1")).to_have_text("利用者")
    await expect(page.locator("#status-bar")).to_contain_text("オフライン")
    await page.goto(f"{live_server.url}/")
    await expect(page.locator("h1")).to_contain_text("こんにちは")
    # Never opened on this tablet: the offline page, with the styles still applied.
    await page.goto(f"{live_server.url}/admin/sections")
    await expect(page.locator("h1")).to_have_text("オフラインです")
    color = await page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    assert color == "rgb(11, 79, 138)"

    await page.context.set_offline(False)
    await page.goto(f"{live_server.url}/admin/sections")
    await expect(page.locator("h1")).to_have_text("課")
    await expect(page.locator("#status-bar")).to_contain_text("オンライン")


async def test_htmx_fragments_are_never_stored_as_pages(page: Page, live_server: LiveServer) -> None:
    await sign_in(page, live_server.url, "demo-admin")
    await controlled_by_service_worker(page)
    await page.evaluate("fetch('/admin/audit', {headers: {'HX-Request': 'true'}}).then((r) => r.text())")
    stored = await page.evaluate("""async () => {
        const found = [];
        for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) found.push(request.url);
        }
        return found;
    }""")
    assert not any(url.endswith("/admin/audit") for url in stored)


async def test_sign_out_clears_the_tablet_but_never_unsent_changes(
    page: Page, live_server: LiveServer
) -> None:
    await sign_in(page, live_server.url, "demo-staff")
    await controlled_by_service_worker(page)
    await page.reload()
    user_key = await page.locator("body").get_attribute("data-user-key")
    assert user_key
    # An entry made offline and not yet sent, exactly as the outbox stores it.
    await page.evaluate("""(userKey) => MadoguchiDB.transaction(['outbox', 'records'], 'readwrite', (s) => {
        s.outbox.put({op_id: 'op-1', user_key: userKey, client_seq: 1, table: 'inspections', kind: 'patch'});
        s.records.put({user_key: userKey, table: 'inspections', id: 'r-1', fields: {place: '1階 窓口'}});
    })""", user_key)  # fmt: skip
    await page.evaluate("window.dispatchEvent(new Event('madoguchi:outbox-changed'))")
    await expect(page.locator("#status-bar")).to_contain_text("未送信の変更: 1件")

    await page.get_by_role("button", name="ログアウト").click()
    dialog = page.locator("#logout-dialog")
    await expect(dialog).to_be_visible()
    await expect(dialog).to_contain_text("1件の変更がまだサーバーに届いていません")
    await dialog.get_by_role("button", name="キャンセル").click()
    await expect(page.locator(".account-name")).to_be_visible()

    await page.get_by_role("button", name="ログアウト").click()
    await dialog.get_by_role("button", name="端末に残してログアウト").click()
    await expect(page.locator("[data-signed-out]")).to_be_visible()
    counts = await page.evaluate("""() => MadoguchiDB.transaction(['outbox', 'records'], 'readonly',
        async (s) => [await MadoguchiDB.done(s.outbox.count()),
                      await MadoguchiDB.done(s.records.count())])""")  # fmt: skip
    assert counts == [1, 0], "the unsent change stays, the local record goes"
    pages = await page.evaluate("caches.keys().then((names) => names.filter((n) => n.includes('-pages-')))")
    for name in pages:
        assert (
            await page.evaluate("(n) => caches.open(n).then((c) => c.keys()).then((k) => k.length)", name)
            == 0
        )

    await sign_in(page, live_server.url, "demo-staff")
    await expect(page.locator("#status-bar")).to_contain_text("未送信の変更: 1件")


async def test_update_is_offered_and_applied_only_with_consent(
    browser: Browser, fresh_server: LiveServer
) -> None:
    fresh_server.start()
    context = await browser.new_context(locale="ja-JP", viewport={"width": 1180, "height": 820})
    page = await context.new_page()
    try:
        await sign_in(page, fresh_server.url, "demo-admin")
        await controlled_by_service_worker(page)
        first = await page.evaluate("navigator.serviceWorker.controller.scriptURL")
        first_version = await page.evaluate("caches.keys()")

        fresh_server.stop()
        fresh_server.release = "second"
        fresh_server.start()
        await page.goto(f"{fresh_server.url}/admin/users/new")
        await page.get_by_label("氏名").fill("書きかけの名前")
        await page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
        banner = page.locator("#update-banner")
        await expect(banner).to_be_visible(timeout=15000)

        # A half-filled form: the person is asked, and saying no keeps the page and what was typed.
        page.once("dialog", lambda d: d.dismiss())
        await banner.get_by_role("button", name="今すぐ更新").click()
        await page.wait_for_timeout(500)
        await expect(page.get_by_label("氏名")).to_have_value("書きかけの名前")

        page.once("dialog", lambda d: d.accept())
        async with page.expect_event("load"):
            await banner.get_by_role("button", name="今すぐ更新").click()
        caches_now = await page.evaluate("caches.keys()")
        assert caches_now != first_version
        assert not any(re.search(name.split("-")[-1], " ".join(caches_now)) for name in first_version
                       if name.startswith("madoguchi-shell-"))  # fmt: skip
        assert await page.evaluate("navigator.serviceWorker.controller.scriptURL") == first
    finally:
        await context.close()
