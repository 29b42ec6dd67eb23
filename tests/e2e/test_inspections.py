"""A whole 職場点検 offline on a tablet, then the 課長 sees it and takes its corrective action to 確認."""

from __future__ import annotations

import base64

from playwright.async_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.test_two_tablets import all_sent, tablet

# A small red PNG, as if from the tablet's camera.
PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEklEQVR4nGP4z8CAFWEXHbQSACj/P8Fu7N9hAAAAAElFTkSuQmCC"
)
FAIL_KEY = "mado-02"


async def walk_page_kept_for_offline(page: Page) -> None:
    """Wait until the service worker holds a walk-through page (kept without it ever being opened)."""
    kept = """async () => {
      for (const name of await caches.keys()) {
        if (!name.startsWith("madoguchi-pages")) continue;
        const keys = await (await caches.open(name)).keys();
        if (keys.some((r) => new URL(r.url).pathname.startsWith("/inspections/walk/"))) return true;
      }
      return false;
    }"""
    for _ in range(150):
        if await page.evaluate(kept):
            return
        await page.wait_for_timeout(100)
    raise AssertionError("the walk-through page was not kept for offline use")


async def answer_everything(page: Page) -> None:
    """One tap per item: 適 everywhere but one 不適; the date and the signature where the template asks."""
    for tab in range(await page.locator("[data-part-tab]").count() - 1):
        await page.locator(f"[data-part-tab='{tab}']").click()
        part = page.locator(f"[data-part='{tab}']")
        for item in await part.locator("[data-item]").all():
            key = await item.get_attribute("data-key")
            kind = await item.get_attribute("data-type")
            if kind == "pass_fail" and key != FAIL_KEY:
                await item.get_by_role("button", name="適", exact=True).click()
            elif kind == "number" and not await item.locator("input").input_value():
                await item.locator("input").fill("0")
                await item.locator("input").blur()
            elif kind == "multi_choice":
                await item.locator("input[type=checkbox]").first.check()
            elif kind == "date":
                await item.locator("input[type=date]").fill("2026-11-20")
                await item.locator("input[type=date]").blur()
            elif kind == "signature":
                box = await item.locator("canvas").bounding_box()
                assert box
                await page.mouse.move(box["x"] + 20, box["y"] + 20)
                await page.mouse.down()
                await page.mouse.move(box["x"] + 120, box["y"] + 60, steps=5)
                await page.mouse.move(box["x"] + 220, box["y"] + 30, steps=5)
                await page.mouse.up()


async def test_whole_inspection_offline_then_the_chief_closes_its_action(
    browser: Browser, live_server: LiveServer
) -> None:
    context, page = await tablet(browser, live_server, "demo-staff")
    chief_context, chief = await tablet(browser, live_server, "demo-chief")
    try:
        await page.goto(f"{live_server.url}/inspections")
        await page.goto(f"{live_server.url}/inspections/new")
        await walk_page_kept_for_offline(page)

        await context.set_offline(True)
        await page.get_by_label("点検表").select_option(label="職場点検（第1版）")
        await page.get_by_role("button", name="開始").click()
        await expect(page.locator("#f-place-error")).to_contain_text("点検する場所")
        await page.get_by_label("場所").fill("2階 区民課 3番窓口")
        await page.get_by_role("button", name="開始").click()
        await expect(page.locator("h1")).to_have_text("職場点検")
        await expect(page.locator("[data-walk-place]")).to_have_text("2階 区民課 3番窓口")

        # The fail: a note is demanded, a photo and a corrective action are added.
        fail = page.locator(f"[data-key='{FAIL_KEY}']")
        await fail.get_by_role("button", name="不適").click()
        await expect(fail.locator("[data-note]")).to_be_focused()
        number = page.locator("[data-key='mado-08'] input")
        await number.fill("500")
        await expect(page.locator("[data-key='mado-08'] [data-error]")).to_contain_text("0〜200")
        await number.fill("3")
        await number.blur()
        await page.locator("[data-part-tab]").last.click()
        await page.get_by_role("button", name="点検を提出").click()
        await expect(page.locator("[data-missing]")).to_contain_text("不適のときはメモが必要です")

        await page.locator("[data-part-tab='0']").click()
        await fail.locator("[data-note]").fill("カウンターに私物の書類が置かれていた")
        await fail.locator("[data-note]").blur()
        # A file too large even after scaling is refused at the item; nothing else is lost.
        await fail.locator("[data-photo-input]").set_input_files(
            files=[{"name": "scan.tiff", "mimeType": "image/tiff", "buffer": bytes(21 * 1024 * 1024)}]
        )
        await expect(fail.locator("[data-error]")).to_contain_text("大きすぎます")
        await expect(fail.locator("[data-note]")).to_have_value("カウンターに私物の書類が置かれていた")
        # So is anything that is not a photo, whatever it calls itself: an SVG could carry a script.
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        await fail.locator("[data-photo-input]").set_input_files(
            files=[{"name": "sign.svg", "mimeType": "image/svg+xml", "buffer": svg}]
        )
        await expect(fail.locator("[data-error]")).to_contain_text("追加できるのは写真")
        await expect(fail.locator("[data-photos] img")).to_have_count(0)
        await fail.locator("[data-photo-input]").set_input_files(
            files=[{"name": "counter.png", "mimeType": "image/png", "buffer": PHOTO}]
        )
        await expect(fail.locator("[data-photos] img")).to_have_count(1)
        await fail.get_by_role("button", name="是正処置を起票").click()
        await expect(fail.locator("[data-action-state]")).to_have_text("是正処置を起票しました")
        await answer_everything(page)
        await expect(page.locator("[data-answered]")).to_have_text(
            await page.locator("[data-total]").inner_text()
        )

        # A reload while still offline: every answer is still there, where it was left.
        await page.reload()
        await expect(page.locator("[data-walk-place]")).to_have_text("2階 区民課 3番窓口")
        await expect(page.locator("[data-answered]")).to_have_text(
            await page.locator("[data-total]").inner_text()
        )
        await page.locator("[data-part-tab='0']").click()
        await expect(fail.get_by_role("button", name="不適")).to_have_attribute("aria-pressed", "true")
        await expect(fail.locator("[data-note]")).to_have_value("カウンターに私物の書類が置かれていた")
        await expect(fail.locator("[data-photos] img")).to_have_count(1)
        await expect(page.locator("[data-key='mado-08'] input")).to_have_value("3")

        await page.locator("[data-part-tab]").last.click()
        await expect(page.locator("[data-fail-list]")).to_contain_text("カウンターに私物の書類")
        await page.get_by_role("button", name="点検を提出").click()
        await expect(page.locator("[data-submitted]")).to_contain_text("提出しました")
        await expect(page.locator("[data-walk-locked]")).to_be_visible()

        await context.set_offline(False)
        await page.get_by_role("button", name="今すぐ同期").click()
        await all_sent(page)

        # The 課長, on another tablet, sees the inspection, its score and the new action.
        await chief.goto(f"{live_server.url}/inspections")
        row = chief.locator("tr", has_text="2階 区民課 3番窓口")
        await expect(row).to_contain_text("提出済み")
        await row.get_by_role("link").click()
        await expect(chief.locator("[data-score]")).to_contain_text("%")
        await expect(chief.locator("[data-fail]")).to_contain_text("カウンターに私物の書類が置かれていた")
        await expect(chief.locator("[data-fail] a")).to_contain_text("是正処置")
        await expect(chief.locator("td img.photo-thumb")).to_have_count(1)
        await chief.locator("[data-fail] a").click()

        for button in ("受付", "対応を開始"):
            await chief.get_by_role("button", name=button).click()
        await chief.get_by_label("行った対応").fill("私物を片付け、朝の点検項目に追加した")
        await chief.get_by_role("button", name="完了報告する").click()
        await chief.get_by_role("button", name="効果を確認して完了にする").click()
        await expect(chief.locator(".badge").first).to_have_text("確認済み（完了）")
        await expect(chief.locator(".history")).to_contain_text("デモ 係員")
        await expect(chief.locator(".history")).not_to_contain_text("demo-staff")
        assert page.errors == [] and chief.errors == []  # type: ignore[attr-defined]
    finally:
        await context.close()
        await chief_context.close()
