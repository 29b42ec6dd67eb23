"""A 管理者 reviews the plan's results: filters the dashboard, reads a panel's numbers, downloads them and
the fiscal-year report as a PDF."""

from __future__ import annotations

import io
import re

from playwright.async_api import Browser, expect
from pypdf import PdfReader

from tests.e2e.conftest import LiveServer
from tests.e2e.test_two_tablets import all_sent, tablet


async def test_a_manager_filters_the_dashboard_and_downloads_a_table(
    browser: Browser, live_server: LiveServer
) -> None:
    # A 課長 sets a goal for the year from a tablet: the dashboard's goals panel will show it.
    chief_context, chief = await tablet(browser, live_server, "demo-chief")
    try:
        await chief.goto(f"{live_server.url}/goals/new")
        await chief.get_by_label("目標", exact=False).first.fill("証明書の交付を15分以内に")
        await chief.get_by_role("button", name="保存").click()
        await chief.wait_for_url(f"{live_server.url}/goals")
        await all_sent(chief)
    finally:
        await chief_context.close()

    context, page = await tablet(browser, live_server, "demo-manager")
    try:
        await page.get_by_role("link", name="ダッシュボード").first.click()
        await expect(page.locator("h1")).to_have_text("ダッシュボード")
        # Each panel arrives on its own.
        for title in (
            "点検と点数",
            "是正処置（改善）",
            "ひと言ポスト：受付から改善まで",
            "課の目標と進み具合",
            "おくやみコーナー：来庁件数と対応時間",
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

        # A chart's numbers open in a table under it, from the keyboard too.
        goals_table = page.locator("#panel-goals details table")
        await expect(goals_table).to_be_hidden()
        await page.locator("#panel-goals summary", has_text="数値を表で見る").focus()
        await page.keyboard.press("Enter")
        await expect(goals_table).to_be_visible()
        await expect(goals_table).to_contain_text("証明書の交付を15分以内に")

        # The whole dashboard as one page, as it prints.
        await page.get_by_role("link", name="すべてのパネルを1ページで表示").click()
        await expect(page.locator(".panel")).to_have_count(8)

        # The fiscal-year report of the plan, downloaded as a PDF with its Japanese text intact.
        await page.go_back()
        await page.get_by_role("link", name="年度報告").click()
        await expect(page.locator("h1")).to_contain_text("年度報告")
        async with page.expect_download() as pdf_info:
            await page.get_by_role("link", name="PDF", exact=True).click()
        pdf = (await (await pdf_info.value).path()).read_bytes()
        assert pdf.startswith(b"%PDF")
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        assert "年度報告" in text and "区民課" in text
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        await context.close()
