"""A 管理者 reviews the plan's results: filters the dashboard, reads a panel's numbers, downloads them."""

from __future__ import annotations

import re

from playwright.async_api import Browser, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.test_two_tablets import tablet


async def test_a_manager_filters_the_dashboard_and_downloads_a_table(
    browser: Browser, live_server: LiveServer
) -> None:
    context, page = await tablet(browser, live_server, "demo-manager")
    try:
        await page.get_by_role("link", name="ダッシュボード").first.click()
        await expect(page.locator("h1")).to_have_text("ダッシュボード")
        # Each panel arrives on its own.
        for title in (
            "点検と点数",
            "是正処置（改善）",
            "ひと言ポスト：受付から改善まで",
            "端末ごとの同期状況",
        ):
            await expect(page.locator(".panel h2", has_text=title)).to_be_visible()
        await expect(page.locator("#panel-sync table")).to_be_visible()

        await page.get_by_label("課", exact=True).select_option(label="区民課")
        await page.get_by_label("開始月").fill("2026-10")
        await page.get_by_label("終了月").fill("2026-11")
        await page.get_by_role("button", name="表示").click()
        await expect(page).to_have_url(
            re.compile(r"section=\d+.*month_from=2026-10|month_from=2026-10.*section=\d+")
        )
        await expect(page.locator("#panel-actions")).to_contain_text("区民課")
        await expect(page.locator("#panel-actions .hint").first).to_contain_text("令和8年10月1日")

        # The numbers behind the chart, and the same table as a file for Excel.
        async with page.expect_download() as download_info:
            await page.locator("#panel-feedback").get_by_role("link", name="CSVをダウンロード").click()
        download = await download_info.value
        content = (await download.path()).read_bytes()
        assert content.startswith("\ufeff".encode()) and "受付" in content.decode("utf-8-sig")

        # The whole dashboard as one page, as it prints.
        await page.get_by_role("link", name="すべてのパネルを1ページで表示").click()
        await expect(page.locator(".panel")).to_have_count(6)
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        await context.close()
