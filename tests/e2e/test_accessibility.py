"""Tablets first: everything can be done by keyboard, and every control is big enough to tap."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.e2e.conftest import DEMO_PASSWORD, LiveServer, sign_in

SMALL_TARGETS = """() => [...document.querySelectorAll('a, button, input, select, textarea, summary')]
  .filter((el) => el.offsetParent !== null && el.type !== 'hidden')
  .filter((el) => !el.closest('td, p, .hint, .skip-link'))
  // A checkbox is tapped through its label: the whole labelled row is the target.
  .map((el) => ({el, box: (['checkbox', 'radio'].includes(el.type) && el.labels.length
      ? el.closest('.field-check, .choice, .okuyami-choice') || el : el).getBoundingClientRect()}))
  .filter(({box}) => box.height < 44 || box.width < 44)
  .map(({el, box}) => `${el.tagName} ${el.textContent.trim() || el.name} `
                      + `${Math.round(box.width)}x${Math.round(box.height)}`)"""


async def test_sign_in_with_the_keyboard_alone(page: Page, live_server: LiveServer) -> None:
    await page.goto(f"{live_server.url}/login")
    await page.keyboard.press("Tab")
    await expect(page.locator(".skip-link")).to_be_focused()
    await page.keyboard.press("Enter")  # skip the header straight to the form
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("ログイン名")).to_be_focused()
    await page.keyboard.type("demo-chief")
    await page.keyboard.press("Tab")
    await page.keyboard.type(DEMO_PASSWORD)
    await page.keyboard.press("Enter")
    await expect(page.locator("h1")).to_contain_text("こんにちは")


async def test_controls_are_large_enough_to_tap(page: Page, live_server: LiveServer) -> None:
    await page.set_viewport_size({"width": 820, "height": 1180})  # a tablet held upright
    await page.goto(f"{live_server.url}/login")
    assert await page.evaluate(SMALL_TARGETS) == []
    await sign_in(page, live_server.url, "demo-admin")
    for path in ("/", "/admin/users", "/admin/users/new", "/admin/sections/new", "/admin/devices"):
        await page.goto(f"{live_server.url}{path}")
        assert await page.evaluate(SMALL_TARGETS) == [], path


async def test_english_is_available_from_every_page(page: Page, live_server: LiveServer) -> None:
    await page.goto(f"{live_server.url}/login")
    await page.get_by_role("button", name="English").click()
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    await page.get_by_role("button", name="日本語").click()
    await expect(page.locator("html")).to_have_attribute("lang", "ja")
