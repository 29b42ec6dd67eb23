"""The template editor on a tablet: reordering moves the item in place and keeps what else was typed."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.e2e.conftest import LiveServer, sign_in


async def test_moving_an_item_keeps_the_page_focus_and_typed_text(
    page: Page, live_server: LiveServer
) -> None:
    await sign_in(page, live_server.url, "demo-admin")
    await page.goto(f"{live_server.url}/admin/templates")
    await page.get_by_role("button", name="新しい版を作って編集").first.click()
    await expect(page.locator("h1")).to_contain_text("下書き")
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
