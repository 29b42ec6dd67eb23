"""A bereavement desk visit with no network: the purpose notice, the family's questionnaire kept on the
tablet through a reload, then synced; the guide printed to PDF; a 係員 cannot open it; the audit log
shows every view."""

from __future__ import annotations

import datetime as dt

from playwright.async_api import Browser, Locator, Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.test_accessibility import SMALL_TARGETS
from tests.e2e.test_two_tablets import all_sent, tablet

DESK_PAGES = ("/okuyami/new", "/okuyami/intake")
# A はい / いいえ / わからない choice is tapped through its whole labelled box, as a checkbox row is.
DESK_SMALL_TARGETS = SMALL_TARGETS


async def desk_pages_kept_for_offline(page: Page) -> None:
    kept = """async (paths) => {
      const found = new Set();
      for (const name of await caches.keys()) {
        if (!name.startsWith("madoguchi-pages")) continue;
        const cache = await caches.open(name);
        for (const request of await cache.keys()) found.add(new URL(request.url).pathname);
      }
      return paths.every((p) => found.has(p));
    }"""
    for _ in range(150):
        if await page.evaluate(kept, list(DESK_PAGES)):
            return
        await page.wait_for_timeout(100)
    raise AssertionError("the desk's pages were not kept for offline use")


def question(page: Page, field: str) -> Locator:
    return page.locator(f"[data-question='{field}']")


async def test_an_offline_visit_becomes_a_printed_guide_only_the_desk_sees(
    browser: Browser, live_server: LiveServer
) -> None:
    context, page = await tablet(browser, live_server, "demo-okuyami")
    staff_context, staff = await tablet(browser, live_server, "demo-staff")
    admin_context, admin = await tablet(browser, live_server, "demo-admin")
    try:
        await page.goto(f"{live_server.url}/okuyami")
        await desk_pages_kept_for_offline(page)

        await context.set_offline(True)
        await page.goto(f"{live_server.url}/okuyami/new")
        await expect(page.locator("h1")).to_have_text("利用目的の明示")
        await page.get_by_role("button", name="説明しました:質問を始める").click()
        await expect(page.locator("h1")).to_have_text("ご家族への質問")
        case_id = (await page.evaluate("location.hash")).lstrip("#")
        assert len(case_id) == 36

        await page.get_by_label("氏名", exact=True).fill("高津 花子")
        await page.get_by_label("生年月日").fill("1950-02-28")
        await page.get_by_label("死亡年月日").fill("2026-11-20")
        # The household questions matter only for a head of household.
        await expect(question(page, "household.remaining_members_aged_15_plus")).to_be_hidden()
        await question(page, "deceased.is_householder").get_by_label("はい").check()
        await expect(question(page, "household.remaining_members_aged_15_plus")).to_be_visible()
        await page.get_by_label("住民票上の世帯に残る方は何人ですか").select_option("2")
        await page.get_by_label("そのうち15歳以上は何人ですか").select_option("2")
        await page.get_by_label("そのうち国民健康保険の加入者は何人ですか").select_option("unknown")
        await question(page, "deceased.health_insurance").get_by_label("後期高齢者医療").check()
        await question(page, "cards.mynumber_card").get_by_label("はい").check()
        await question(page, "pension.receiving").get_by_label("厚生年金を含む").check()
        await page.get_by_role("button", name="保存して案内を表示").click()
        await expect(page.locator("[data-sync-form-status]")).to_contain_text("この端末に保存しました")

        # A reload with no network: the answers are still there.
        await page.reload()
        await expect(page.get_by_label("生年月日")).to_have_value("1950-02-28")
        await expect(question(page, "deceased.is_householder").get_by_label("はい")).to_be_checked()
        await expect(page.get_by_label("そのうち15歳以上は何人ですか")).to_have_value("2")

        await context.set_offline(False)
        await page.get_by_role("button", name="今すぐ同期").click()
        await all_sent(page)

        await page.goto(f"{live_server.url}/okuyami/cases/{case_id}")
        await expect(page.locator("h1")).to_contain_text("おくやみ手続きのご案内")
        guide = page.locator("[data-okuyami-guide]")
        await expect(guide).to_contain_text("世帯主変更届")
        await expect(guide).to_contain_text("後期高齢者医療 資格喪失")
        await expect(guide).to_contain_text("令和8年12月4日（2026年）")  # 14 days after 20 Nov 2026
        await expect(guide).to_contain_text("確認が必要な手続き")
        printed = await page.pdf(format="A4")
        assert printed.startswith(b"%PDF")
        response = await page.request.get(f"{live_server.url}/okuyami/cases/{case_id}/guide.pdf")
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        assert (await response.body()).startswith(b"%PDF")

        # The family's round, recorded at the desk with the network down again.
        await context.set_offline(True)
        await page.reload()
        await page.locator("#s-kouki_loss").select_option("done")
        await page.get_by_role("button", name="状況を保存").click()
        await expect(page.locator("[data-okuyami-progress] [data-sync-form-status]")).to_contain_text(
            "この端末に保存しました"
        )
        await context.set_offline(False)
        await page.get_by_role("button", name="今すぐ同期").click()
        await all_sent(page)
        await page.goto(f"{live_server.url}/okuyami/cases/{case_id}")
        await expect(page.locator("#s-kouki_loss")).to_have_value("done")

        # Every control of the desk's pages is big enough to tap.
        case_pages = ("", "/intake", "/sheets/kouki_funeral_allowance")
        paths = [f"/okuyami/cases/{case_id}{suffix}" for suffix in case_pages] + [
            "/okuyami/new",
            "/okuyami/appointments",
        ]
        for path in paths:
            await page.goto(f"{live_server.url}{path}")
            assert await page.evaluate(DESK_SMALL_TARGETS) == [], path

        # A 係員 cannot open the case, nor the desk.
        for url in (f"/okuyami/cases/{case_id}", f"/okuyami/cases/{case_id}/guide.pdf", "/okuyami"):
            denied = await staff.request.get(f"{live_server.url}{url}")
            assert denied.status == 403, url
        await staff.goto(f"{live_server.url}/okuyami/cases/{case_id}")
        await expect(staff.locator("body")).not_to_contain_text("高津 花子")

        await admin.goto(f"{live_server.url}/admin/audit")
        rows = admin.locator("tr", has_text=case_id)
        for action in ("okuyami.notice_shown", "okuyami.guide_viewed", "okuyami.guide_pdf"):
            # The log shows a Japanese label; the recorded code stays on the cell.
            await expect(rows.filter(has=admin.locator(f'[data-audit-action="{action}"]'))).not_to_have_count(
                0
            )
        viewed = rows.filter(has=admin.locator('[data-audit-action="okuyami.guide_viewed"]')).first
        await expect(viewed).to_contain_text("demo-okuyami")
        await expect(viewed).to_contain_text("おくやみ案内の閲覧")
        assert page.errors == [] and staff.errors == [] and admin.errors == []  # type: ignore[attr-defined]
    finally:
        await context.close()
        await staff_context.close()
        await admin_context.close()


async def test_a_booking_needs_a_connection_and_keeps_what_was_typed(
    browser: Browser, live_server: LiveServer
) -> None:
    """Bookings are online only (a slot promised to a family must be certain): offline, the form says so
    and keeps the caller's details; back online, the same press books, and a taken slot is refused in
    place with everything typed kept."""
    context, page = await tablet(browser, live_server, "demo-okuyami")
    try:
        day = (dt.date.today() + dt.timedelta(days=7 - dt.date.today().weekday())).isoformat()  # a Monday
        await page.goto(f"{live_server.url}/okuyami/appointments?day={day}")
        status = page.locator("[data-online-only-status]")
        await expect(status).to_be_hidden()
        await page.locator("#f-day").fill(day)
        await page.locator("#f-slot").select_option("1")
        await page.locator("#f-caller_name").fill("溝口 一郎")
        await page.locator("#f-caller_phone").fill("044-000-0000")

        await context.set_offline(True)
        await expect(status).to_be_visible()
        await page.get_by_role("button", name="予約する").click()
        await expect(status).to_contain_text("接続がないため、いま予約はできません")
        await expect(page.locator("#f-caller_name")).to_have_value("溝口 一郎")
        await expect(page.locator("[data-slot='1']")).not_to_contain_text("溝口 一郎")

        await context.set_offline(False)
        await expect(status).to_be_hidden()
        await page.get_by_role("button", name="予約する").click()
        await expect(page.locator("[data-slot='1']")).to_contain_text("溝口 一郎")

        # The same slot again: refused where it was typed, nothing lost.
        await page.locator("#f-day").fill(day)
        await page.locator("#f-slot").select_option("1")
        await page.locator("#f-caller_name").fill("久地 次郎")
        await page.get_by_role("button", name="予約する").click()
        await expect(page.locator("#f-slot-error")).to_contain_text("この枠はすでに予約されています")
        await expect(page.locator("#f-caller_name")).to_have_value("久地 次郎")
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        await context.close()
