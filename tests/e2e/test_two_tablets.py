"""Two tablets edit the same goal while both are offline; nothing typed on either is lost."""

from __future__ import annotations

from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import LiveServer, controlled_by_service_worker, sign_in

TABLET = {"locale": "ja-JP", "viewport": {"width": 1180, "height": 820}, "timezone_id": "Asia/Tokyo"}


async def tablet(browser: Browser, server: LiveServer, login: str) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(**TABLET)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    await sign_in(page, server.url, login)
    await controlled_by_service_worker(page)
    return context, page


async def all_sent(page: Page) -> None:
    await expect(page.locator("[data-outbox]")).to_have_attribute("data-pending", "false", timeout=15000)


async def test_offline_edits_on_two_tablets_merge_and_the_clash_goes_to_the_inbox(
    browser: Browser, live_server: LiveServer
) -> None:
    context_a, a = await tablet(browser, live_server, "demo-staff")
    context_b, b = await tablet(browser, live_server, "demo-staff")
    try:
        # Tablet A adds the goal online.
        await a.goto(f"{live_server.url}/goals/new")
        await a.get_by_label("目標", exact=False).first.fill("窓口の待ち時間を短くする")
        await a.get_by_role("button", name="保存").click()
        await a.wait_for_url(f"{live_server.url}/goals")
        goal_link = a.get_by_role("link", name="窓口の待ち時間を短くする")
        goal_url = live_server.url + (await goal_link.get_attribute("href") or "")
        for page in (a, b):
            await page.goto(goal_url)  # opened once online: the page is kept for offline use
            await expect(page.get_by_label("目標値")).to_have_value("")

        await context_a.set_offline(True)
        await context_b.set_offline(True)
        await a.get_by_label("目標値").fill("平均10分以内")
        await a.get_by_label("指標").fill("平均待ち時間")
        await a.get_by_role("button", name="保存").click()
        await expect(a.locator("[data-sync-form-status]")).to_contain_text("この端末に保存しました")
        await b.get_by_label("目標値").fill("平均15分以内")
        await b.get_by_label("進捗").fill("案内係を配置した")
        await b.get_by_role("button", name="保存").click()
        await expect(b.locator("#status-bar")).to_contain_text("未送信の変更: 1件")

        # Both tablets close the page and open it again, still offline: what was typed is still there.
        await a.close()
        await b.close()
        a, b = await context_a.new_page(), await context_b.new_page()
        for page in (a, b):
            await page.goto(goal_url)
        await expect(a.get_by_label("目標値")).to_have_value("平均10分以内")
        await expect(a.get_by_label("指標")).to_have_value("平均待ち時間")
        await expect(b.get_by_label("目標値")).to_have_value("平均15分以内")
        await expect(b.get_by_label("進捗")).to_have_value("案内係を配置した")

        await context_a.set_offline(False)
        await all_sent(a)
        await context_b.set_offline(False)
        await all_sent(b)

        await b.reload()
        # Different fields merged: A's indicator and B's progress are both there.
        await expect(b.get_by_label("指標")).to_have_value("平均待ち時間")
        await expect(b.get_by_label("進捗")).to_have_value("案内係を配置した")
        await expect(b.locator("[data-contested]")).to_contain_text("目標値")
        provisional = await b.get_by_label("目標値").input_value()
        assert provisional in ("平均10分以内", "平均15分以内")

        chief_context, chief = await tablet(browser, live_server, "demo-chief")
        try:
            await chief.goto(f"{live_server.url}/conflicts")
            row = chief.locator("tr[data-record]")
            await expect(row).to_have_count(1)
            await expect(row).to_contain_text("平均10分以内")
            await expect(row).to_contain_text("平均15分以内")
            await row.get_by_role("link", name="判断する").click()
            await expect(chief.locator("[data-candidate]")).to_have_count(2)
            await (
                chief.locator("tr[data-candidate]", has_text="平均10分以内")
                .get_by_role("button", name="この値にする", exact=True)
                .click()
            )
            await expect(chief.locator("[data-empty]")).to_be_visible()
        finally:
            await chief_context.close()
        await a.goto(goal_url)
        await expect(a.get_by_label("目標値")).to_have_value("平均10分以内")
        await expect(a.locator("[data-contested]")).to_have_count(0)
    finally:
        await context_a.close()
        await context_b.close()
