"""What trips a ward employee up on a first day: each test reproduces one defect seen on the tablet."""

from __future__ import annotations

from playwright.async_api import Browser, Dialog, Page, expect

from tests.e2e.conftest import LiveServer, controlled_by_service_worker, scripts_ready, sign_in
from tests.e2e.test_two_tablets import all_sent, tablet


async def start_inspection(page: Page, base: str, place: str) -> None:
    await page.goto(f"{base}/inspections/new")
    await page.get_by_label("点検表").select_option(label="職場点検（第1版）")
    await page.get_by_label("場所").fill(place)
    await page.get_by_role("button", name="開始").click()
    await expect(page.locator("[data-walk-place]")).to_have_text(place)


async def test_repeat_badge_only_on_an_item_that_failed_here_before_and_one_action_per_finding(
    browser: Browser, live_server: LiveServer
) -> None:
    context, page = await tablet(browser, live_server, "demo-staff")
    place = "1階 待合 記載台"
    try:
        # A brand-new inspection: no item carries 「再発」.
        await start_inspection(page, live_server.url, place)
        await expect(page.locator("[data-repeat]:visible")).to_have_count(0)
        first = page.locator("[data-key='mado-02']")
        await first.get_by_role("button", name="不適").click()
        await first.locator("[data-note]").fill("記載台に前の人の申請書が残っていた")
        await first.locator("[data-note]").blur()
        await expect(first.locator("[data-repeat]")).to_be_hidden()
        await page.get_by_role("button", name="今すぐ同期").click()
        await all_sent(page)

        # The next inspection of the same place: the same item failing again is a repeat, another is not.
        await start_inspection(page, live_server.url, place)
        again = page.locator("[data-key='mado-02']")
        other = page.locator("[data-key='mado-03']")
        await expect(page.locator("[data-repeat]:visible")).to_have_count(0)
        await again.get_by_role("button", name="不適").click()
        await expect(again.locator("[data-repeat]")).to_be_visible()
        await expect(again.locator("[data-repeat]")).to_have_text("再発")
        await other.get_by_role("button", name="不適").click()
        await expect(other.locator("[data-repeat]")).to_be_hidden()

        # 是正処置: not without saying what is wrong; then one action however often it is tapped.
        raise_action = again.get_by_role("button", name="是正処置を起票")
        await raise_action.click()
        await expect(again.locator("[data-error]")).to_contain_text("メモが必要")
        await again.locator("[data-note]").fill("記載台の申請書がまた放置されていた")
        await raise_action.click(click_count=3)
        link = again.locator("[data-action-state]")
        await expect(link).to_have_text("是正処置を起票しました")
        await expect(raise_action).to_be_hidden()
        await page.get_by_role("button", name="今すぐ同期").click()
        await all_sent(page)
        href = await link.get_attribute("href")
        assert href and href.startswith("/actions/")
        await page.goto(f"{live_server.url}/actions")
        rows = page.locator("tbody tr", has_text="記載台の申請書がまた放置されていた")
        await expect(rows).to_have_count(1)
        await page.goto(f"{live_server.url}{href}")
        await expect(page.locator("h1")).to_contain_text("記載台の申請書がまた放置されていた")
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        await context.close()


async def test_a_self_check_note_is_kept_when_the_person_moves_to_another_period(
    browser: Browser, live_server: LiveServer
) -> None:
    context, page = await tablet(browser, live_server, "demo-staff")
    try:
        await page.goto(f"{live_server.url}/self-check")
        others = page.locator(".period-nav a:not([aria-current])")
        await others.first.click()
        await expect(page.locator("form[data-answer]").first).to_be_visible()
        here = page.url
        answer = page.locator("form#std-SB-05")
        note = answer.get_by_label("守れなかった内容と理由")
        error = answer.locator("[data-note-error]")

        await answer.get_by_role("radio", name="未遵守", exact=True).check()
        await expect(note).to_be_visible()
        await expect(error).to_be_hidden()  # not the instant 未遵守 is tapped

        # Moving on without a note: the page stays and says what is missing.
        await page.locator(".period-nav a:not([aria-current])").last.click()
        await expect(error).to_be_visible()
        assert page.url == here

        # A note typed and another period tapped at once: the answer and its note are kept.
        await note.press_sequentially("窓口で名札を付けていなかった", delay=5)
        await expect(error).to_be_hidden()
        await page.locator(".period-nav a:not([aria-current])").last.click()
        await page.wait_for_url(lambda url: url != here)
        await page.goto(here)
        await expect(answer.get_by_role("radio", name="未遵守", exact=True)).to_be_checked()
        await expect(note).to_have_value("窓口で名札を付けていなかった")
        await page.get_by_role("button", name="今すぐ同期").click()
        await all_sent(page)
        await context.close()

        # The server has it: another tablet sees the answer with its note.
        context, page = await tablet(browser, live_server, "demo-staff")
        await page.goto(here)
        await expect(page.locator("form#std-SB-05").get_by_label("守れなかった内容と理由")).to_have_value(
            "窓口で名札を付けていなかった"
        )
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        await context.close()


async def until_asked(page: Page, asked: list[str], count: int) -> None:
    for _ in range(50):
        if len(asked) >= count:
            return
        await page.wait_for_timeout(100)
    raise AssertionError(f"asked {len(asked)} times, expected {count}: {asked}")


async def test_irreversible_template_steps_are_asked_first_and_every_save_is_confirmed(
    browser: Browser, fresh_server: LiveServer
) -> None:
    fresh_server.start()
    context = await browser.new_context(locale="ja-JP", viewport={"width": 1180, "height": 820})
    page = await context.new_page()
    asked: list[str] = []
    answer = {"accept": False}

    async def on_dialog(dialog: Dialog) -> None:
        asked.append(dialog.message)
        await (dialog.accept() if answer["accept"] else dialog.dismiss())

    page.on("dialog", on_dialog)
    try:
        await sign_in(page, fresh_server.url, "demo-admin")
        await controlled_by_service_worker(page)
        await page.goto(f"{fresh_server.url}/admin/templates")
        await page.get_by_role("button", name="新しい版を作って編集").first.click()
        await expect(page.locator("h1")).to_contain_text("下書き")
        await scripts_ready(page)
        await expect(page.locator("#flash")).to_have_text("使用中の版から新しい下書きの版を作成しました。")

        # Removing an item: asked; saying no keeps it, saying yes removes it and says so.
        items = page.locator(".item-row .item-text")
        count = await items.count()
        first = await items.first.inner_text()
        await page.get_by_role("button", name=f"削除：{first}").click()
        await until_asked(page, asked, 1)
        assert first in asked[0]
        await expect(items).to_have_count(count)
        answer["accept"] = True
        await page.get_by_role("button", name=f"削除：{first}").click()
        await expect(items).to_have_count(count - 1)
        await expect(page.locator("#flash")).to_have_text("項目を削除しました。")

        # Publishing: asked, then done and confirmed.
        answer["accept"] = False
        publish = page.get_by_role("button", name="第2版を公開")
        await publish.click()
        await until_asked(page, asked, 3)
        assert "公開しますか" in asked[2]
        await expect(publish).to_be_visible()
        answer["accept"] = True
        await publish.click()
        await expect(page.locator("#flash")).to_contain_text("この版を公開しました")
        await expect(page.locator("#flash")).to_have_attribute("role", "status")
    finally:
        await context.close()


async def test_back_after_a_filter_change_shows_the_whole_page(
    browser: Browser, live_server: LiveServer
) -> None:
    context, page = await tablet(browser, live_server, "demo-chief")
    try:
        await page.goto(f"{live_server.url}/actions")
        await scripts_ready(page)
        start = page.url
        await page.get_by_label("状態").select_option(index=2)
        await page.wait_for_url(lambda url: "status=" in url)
        await page.go_back()
        await page.wait_for_url(start)
        # The header, the filters and the list are all there, not the table rows alone.
        await expect(page.locator("header.site-header")).to_be_visible()
        await expect(page.locator("h1")).to_be_visible()
        await expect(page.get_by_label("状態")).to_be_visible()
        await expect(page.locator("#action-rows")).to_have_count(1)
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        await context.close()


async def test_the_status_line_shows_one_sync_state_at_a_time(
    browser: Browser, live_server: LiveServer
) -> None:
    context = await browser.new_context(locale="ja-JP", viewport={"width": 1180, "height": 820})
    page = await context.new_page()
    states = ("すべて送信済み", "まだ同期していません", "同期しています", "未送信の変更")
    seen: list[str] = []
    try:
        await sign_in(page, live_server.url, "demo-manager")
        for _ in range(40):
            shown = await page.locator("#status-bar").inner_text()  # what is visible, not hidden parts
            present = [state for state in states if state in shown]
            assert len(present) <= 1, shown
            seen.extend(present)
            await page.wait_for_timeout(75)
        await expect(page.locator("#status-bar")).to_contain_text("すべて送信済み")
        assert "すべて送信済み" in seen
    finally:
        await context.close()
