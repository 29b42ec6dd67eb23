"""The year's plan on a tablet: read from the home page, kept for reading in a basement without signal,
and the team a person looks up from it."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.e2e.conftest import controlled_by_service_worker, sign_in
from tests.live_server import LiveServer


async def test_staff_open_the_plan_and_read_it_again_offline(page: Page, live_server: LiveServer) -> None:
    await sign_in(page, live_server.url, "demo-staff")
    await controlled_by_service_worker(page)
    await page.get_by_role("link", name="サービス向上計画").click()
    await expect(page.locator("h1")).to_have_text("令和６年度高津区役所サービス向上計画")
    policies = page.locator("[data-policies] li")
    await expect(policies).to_have_count(4)
    await expect(page.get_by_text("※ 市の指針に基づく取り組むべき事項")).to_have_count(3)

    await page.context.set_offline(True)
    await page.reload()
    await expect(page.locator("h1")).to_have_text("令和６年度高津区役所サービス向上計画")
    await expect(policies.first).to_contain_text("日頃から市民ニーズの的確な把握")
    await expect(page.locator("#status-bar")).to_contain_text("オフライン")
    await page.context.set_offline(False)

    await (
        page.locator("[data-item='1-3']")
        .get_by_role("link", name="おくやみコーナー運営ワーキング（新設）")
        .click()
    )
    await expect(page.locator("h1")).to_have_text("おくやみコーナー運営ワーキング（新設）")
    await expect(page.locator("[data-missing]")).to_contain_text("区民課")


async def test_the_plan_reads_on_a_phone_without_sideways_scrolling(
    page: Page, live_server: LiveServer
) -> None:
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto(f"{live_server.url}/voice/plan")
    await expect(page.locator("h1")).to_have_text("令和６年度高津区役所サービス向上計画")
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
