"""The template editor on a tablet: reordering moves the item in place and keeps what else was typed."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.e2e.conftest import LiveServer, scripts_ready, sign_in
from tests.e2e.test_accessibility import SMALL_TARGETS


async def test_moving_an_item_keeps_the_page_focus_and_typed_text(
    page: Page, live_server: LiveServer
) -> None:
    await sign_in(page, live_server.url, "demo-admin")
    await page.goto(f"{live_server.url}/admin/templates")
    await page.get_by_role("button", name="新しい版を作って編集").first.click()
    await expect(page.locator("h1")).to_contain_text("下書き")
    await scripts_ready(page)
    editor_url = page.url
    await page.get_by_label("英語名").fill("typed, not saved yet")
    items = page.locator(".item-row .item-text")
    first, second = await items.nth(0).inner_text(), await items.nth(1).inner_text()

    down = page.get_by_role("button", name=f"下へ移動：{first}")
    await down.focus()
    await page.keyboard.press("Enter")

    await expect(items.nth(0)).to_have_text(second)
    await expect(items.nth(1)).to_have_text(first)
    await expect(page.get_by_role("button", name=f"下へ移動：{first}")).to_be_focused()
    await expect(page.get_by_label("英語名")).to_have_value("typed, not saved yet")
    assert page.url == editor_url
    await page.reload()
    await expect(items.nth(0)).to_have_text(second)


async def test_an_item_is_reworded_in_place_with_mistakes_shown_in_the_form(
    page: Page, live_server: LiveServer
) -> None:
    await sign_in(page, live_server.url, "demo-admin")
    await page.goto(f"{live_server.url}/admin/templates")
    await (
        page.locator("a, button", has_text="下書き")
        .or_(page.get_by_role("button", name="新しい版を作って編集"))
        .first.click()
    )
    await expect(page.locator("h1")).to_contain_text("下書き")
    await scripts_ready(page)
    editor_url = page.url
    item = page.locator(".item-row").nth(2)
    old_text = await item.locator(".item-text").inner_text()

    await item.get_by_role("link", name=f"編集：{old_text}").click()
    form = item.locator("form", has=page.get_by_label("点検する内容"))
    await expect(form.get_by_label("点検する内容")).to_have_value(old_text)
    await form.get_by_label("点検する内容").fill("")
    await form.get_by_label("最大値").fill("abc")
    await form.get_by_role("button", name="保存").click()
    await expect(item.get_by_text("点検する内容を入力してください。")).to_be_visible()
    await expect(form.get_by_label("最大値")).to_have_value("abc")

    await form.get_by_label("点検する内容").fill("記載台の記入例が最新の様式になっている")
    await form.get_by_label("最大値").fill("")
    await form.get_by_label("種類").select_option("pass_fail")
    await form.get_by_role("button", name="保存").click()
    await expect(item.locator(".item-text")).to_have_text("記載台の記入例が最新の様式になっている")
    await expect(item.locator("form", has=page.get_by_label("点検する内容"))).to_have_count(0)
    assert page.url == editor_url


async def test_editor_and_rounds_controls_are_large_enough_to_tap(
    page: Page, live_server: LiveServer
) -> None:
    await page.set_viewport_size({"width": 820, "height": 1180})  # a tablet held upright
    await sign_in(page, live_server.url, "demo-admin")
    await page.goto(f"{live_server.url}/admin/templates")
    assert await page.evaluate(SMALL_TARGETS) == []
    await (
        page.locator("a, button", has_text="下書き")
        .or_(page.get_by_role("button", name="新しい版を作って編集"))
        .first.click()
    )
    await expect(page.locator("h1")).to_contain_text("下書き")
    draft_url = page.url
    assert await page.evaluate(SMALL_TARGETS) == []
    key = await page.locator(".item-row").first.get_attribute("id")
    for path in (
        f"{draft_url.removeprefix(live_server.url)}/items/{(key or '').removeprefix('item-')}",
        "/admin/templates/new",
        "/inspections/rounds",
        "/inspections/rounds/manage",
    ):
        await page.goto(f"{live_server.url}{path}")
        assert await page.evaluate(SMALL_TARGETS) == [], path
