"""ひと言ポスト in the browser: a resident's comment online, a slip entered offline, answered, published."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.test_two_tablets import all_sent, tablet

COMMENT = (
    "2番窓口の田中さんの説明がとても分かりやすかったです。溝口駅から来た高津太郎 090-1234-5678 "
    "taro@example.com 高津区溝口1-2-3"
)
SLIP = "待合の椅子が足りず、高齢の方が立って待っていました"


async def test_from_the_box_and_the_web_to_a_published_masked_answer(
    browser: Browser, live_server: LiveServer
) -> None:
    # A resident, on a phone, with no account.
    resident = await browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844})
    phone = await resident.new_page()
    await phone.goto(f"{live_server.url}/voice")
    await phone.get_by_role("button", name="送信する").click()
    await expect(phone.locator(".error")).to_contain_text("ご意見を入力してください")
    await phone.get_by_label("ご意見", exact=False).first.fill(COMMENT)
    await phone.get_by_role("button", name="送信する").click()
    await expect(phone.locator("h1")).to_have_text("ご意見ありがとうございました")
    reference = await phone.locator("[data-reference]").inner_text()
    assert reference.startswith("T-")

    staff_context, staff = await tablet(browser, live_server, "demo-staff")
    chief_context, chief = await tablet(browser, live_server, "demo-chief")
    manager_context, manager = await tablet(browser, live_server, "demo-manager")
    try:
        # A 係員 types a slip from the box with no network.
        await staff.goto(f"{live_server.url}/feedback")
        await staff.goto(f"{live_server.url}/feedback/new")
        await staff_context.set_offline(True)
        await staff.reload()
        await staff.locator("#f-text").fill(SLIP)
        await staff.get_by_label("関係する場所・窓口").fill("1階 待合")
        await staff.get_by_role("button", name="保存").click()
        await expect(staff.locator("[data-sync-form-status]")).to_contain_text("この端末に保存しました")
        await expect(staff.locator("#status-bar")).to_contain_text("未送信の変更: 1件")
        await staff_context.set_offline(False)
        await staff.get_by_role("button", name="今すぐ同期").click()
        await all_sent(staff)

        # Triage both comments to 区民課 (the chief's section).
        await staff.goto(f"{live_server.url}/feedback")
        for text in (SLIP[:10], "2番窓口の田中"):
            await staff.get_by_role("link", name=text).first.click()
            await staff.get_by_label("区分").select_option(label="接遇")
            await staff.get_by_label("お褒め・要望・苦情").select_option(label="お褒め")
            await staff.get_by_label("区民課").check()
            await staff.get_by_role("button", name="振り分けを保存").click()
            await expect(staff.locator(".badge").first).to_have_text("振り分け済み")
            await staff.goto(f"{live_server.url}/feedback")

        # The 課長 drafts the answer to the resident's comment.
        await chief.goto(f"{live_server.url}/feedback")
        await chief.get_by_role("link", name="2番窓口の田中").click()
        await chief.get_by_label("区民への回答（案）").fill(
            "田中さんに伝えました。今後も分かりやすい説明に努めます。"
        )
        await chief.get_by_role("button", name="回答案を保存").click()
        await expect(chief.locator(".badge").first).to_have_text("回答案作成済み")
        detail_url = chief.url

        # The 管理者 approves, checks the masked text and publishes.
        await manager.goto(detail_url)
        await manager.get_by_role("button", name="回答を承認する").click()
        await manager.get_by_role("link", name="公開の準備").click()
        comment_box = manager.get_by_label("公開するご意見")
        masked = await comment_box.input_value()
        assert "090-1234-5678" not in masked and "田中" not in masked and "＊＊＊" in masked
        assert "高津太郎" not in masked and "taro@example.com" not in masked and "溝口1-2-3" not in masked
        # What was replaced is listed by kind, each replacement and the place name left in are highlighted.
        replaced = manager.locator("[data-replaced]")
        await expect(replaced).to_contain_text(
            "氏名：3件"
        )  # 田中 and 高津太郎 in the comment, 田中 in the answer
        await expect(replaced).to_contain_text("電話番号：1件")
        await expect(replaced).to_contain_text("メールアドレス：1件")
        await expect(replaced).to_contain_text("住所：1件")
        preview = manager.locator("[data-preview]").first
        await expect(preview.locator("mark[data-masked]")).to_have_count(5)
        await expect(preview.locator("mark[data-proper-noun]")).to_have_text(["溝口駅"])
        mark = preview.locator("mark[data-proper-noun]")
        background = await mark.evaluate("el => getComputedStyle(el).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "transparent")
        # Publishing waits for the approver to confirm having read it.
        await manager.get_by_role("button", name="公開する").click()
        await expect(manager.locator(".field-invalid .error")).to_contain_text("確認したことをチェック")
        await manager.get_by_label("個人を特定できる情報がないことを確認しました", exact=False).check()
        await manager.get_by_role("button", name="公開する").click()
        await expect(manager.locator(".badge").first).to_have_text("公開済み")

        # The public page shows the answer, without the names or the number.
        await phone.goto(f"{live_server.url}/voice/answers")
        published = phone.locator("[data-published]")
        await expect(published).to_have_count(1)
        await expect(published).to_contain_text("今後も分かりやすい説明に努めます")
        text = await published.inner_text()
        assert "090-1234-5678" not in text and "田中" not in text and "高津太郎" not in text
        for page in (staff, chief, manager):
            assert page.errors == []  # type: ignore[attr-defined]
    finally:
        for context in (resident, staff_context, chief_context, manager_context):
            await context.close()
