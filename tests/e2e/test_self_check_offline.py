"""A 係員 fills the month's self-check offline on a tablet, reloads offline, syncs; the 課長 sees the
section's 遵守率 and confirms the period."""

from __future__ import annotations

from playwright.async_api import Browser, Dialog, Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.test_accessibility import SMALL_TARGETS
from tests.e2e.test_two_tablets import all_sent, tablet

NOT_KEPT = "SB-03"
NOT_APPLICABLE = "SB-13"


def row(page: Page, code: str):  # type: ignore[no-untyped-def]
    return page.locator(f"form#std-{code}")


async def test_a_self_check_filled_offline_reaches_the_chief(
    browser: Browser, live_server: LiveServer
) -> None:
    context, staff = await tablet(browser, live_server, "demo-staff")
    try:
        await staff.goto(f"{live_server.url}/self-check")  # opened once online: kept for offline use
        forms = staff.locator("form[data-answer]")
        await expect(forms).to_have_count(30)
        codes = [await f.get_attribute("data-code") or "" for f in await forms.all()]
        assert await staff.evaluate(SMALL_TARGETS) == []  # every answer is one large tap

        await context.set_offline(True)
        for code in codes:
            if code == NOT_KEPT:
                await row(staff, code).get_by_role("radio", name="未遵守", exact=True).check()
                # A note is required; it is asked for, not scolded for, before the person moves on.
                await expect(row(staff, code).get_by_label("守れなかった内容と理由")).to_be_focused()
                await expect(row(staff, code).locator("[data-note-error]")).to_be_hidden()
                await row(staff, code).get_by_label("守れなかった内容と理由").fill("混雑時に私語があった")
                # Saved as it is written, like every other tap: no button to remember.
                await expect(row(staff, code).get_by_role("button", name="この回答を保存")).to_be_hidden()
                await expect(row(staff, code).locator("[data-note-error]")).to_be_hidden()
            elif code == NOT_APPLICABLE:
                await row(staff, code).get_by_role("radio", name="該当なし", exact=True).check()
            else:
                await row(staff, code).get_by_role("radio", name="遵守", exact=True).check()
                # One tap saves: no note, no button in the way.
                await expect(row(staff, code).get_by_role("button", name="この回答を保存")).to_be_hidden()
            await expect(row(staff, code).locator("[data-answer-status]")).to_contain_text(
                "この端末に保存しました"
            )
        await expect(staff.locator("[data-answered-count]")).to_have_text("30")
        await expect(staff.locator("#status-bar")).to_contain_text("未送信の変更: 30件")

        # The page is closed and opened again, still offline: every answer is still there.
        await staff.close()
        staff = await context.new_page()
        await staff.goto(f"{live_server.url}/self-check")
        await expect(row(staff, "SB-01").get_by_role("radio", name="遵守", exact=True)).to_be_checked()
        await expect(row(staff, NOT_KEPT).get_by_role("radio", name="未遵守", exact=True)).to_be_checked()
        await expect(row(staff, NOT_KEPT).get_by_label("守れなかった内容と理由")).to_have_value(
            "混雑時に私語があった"
        )
        await expect(
            row(staff, NOT_APPLICABLE).get_by_role("radio", name="該当なし", exact=True)
        ).to_be_checked()
        await expect(staff.locator("[data-answered-count]")).to_have_text("30")

        await context.set_offline(False)
        await all_sent(staff)
        await staff.reload()
        await expect(staff.locator("[data-answered-count]")).to_have_text("30")
        await expect(row(staff, NOT_KEPT).locator("textarea")).to_have_value("混雑時に私語があった")
    finally:
        await context.close()

    chief_context, chief = await tablet(browser, live_server, "demo-chief")
    try:
        await chief.goto(f"{live_server.url}/self-check/section")
        # 28 kept of 29 applicable: 該当なし is outside the rate, which comes with its count.
        rate = chief.locator("[data-section-rate]")
        await expect(rate).to_contain_text("96.6%")
        await expect(rate).to_contain_text("（29件中28件）")
        await expect(chief.locator("tr[data-respondent]", has_text="デモ 係員")).to_contain_text("回答済み")
        assert await chief.evaluate(SMALL_TARGETS) == []
        # Irreversible: asked first, with the number of answers still missing.
        asked: list[str] = []

        async def agree(dialog: Dialog) -> None:
            asked.append(dialog.message)
            await dialog.accept()

        chief.once("dialog", agree)
        await chief.get_by_role("button", name="この期間を確定する").click()
        await expect(chief.locator("[data-confirmed]")).to_contain_text("デモ 課長")
        await expect(chief.get_by_role("button", name="この期間を確定する")).to_have_count(0)
        assert len(asked) == 1 and "確定しますか" in asked[0], asked
    finally:
        await chief_context.close()
