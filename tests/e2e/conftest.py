"""Browser tests: the real server process on a free port, driven in Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from tests.live_server import DEMO_PASSWORD, LiveServer, prepared_server

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    executable = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not executable:
        pytest.fail("Debian's chromium is not installed: run `make test`, which installs it")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # A tablet in landscape, in Japanese, in Japan.
    return {**browser_context_args, "viewport": {"width": 1180, "height": 820}, "locale": "ja-JP",
            "timezone_id": "Asia/Tokyo", "service_workers": "allow"}  # fmt: skip


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    server = prepared_server().start()
    yield server
    server.stop()
    shutil.rmtree(server.data_dir, ignore_errors=True)


@pytest.fixture
def fresh_server() -> Iterator[LiveServer]:
    """A server of one's own, for tests that restart it."""
    server = prepared_server(release="first")
    yield server
    server.stop()
    shutil.rmtree(server.data_dir, ignore_errors=True)


async def sign_in(page: Page, base_url: str, login: str, password: str = DEMO_PASSWORD) -> None:
    await page.goto(f"{base_url}/login")
    await page.get_by_label("ログイン名").fill(login)
    await page.get_by_label("パスワード").fill(password)
    await page.get_by_role("button", name="ログイン").click()
    await expect(page.locator("h1")).to_contain_text("こんにちは")
    await scripts_ready(page)


async def scripts_ready(page: Page) -> None:
    """The page reached by a click has run its deferred scripts. A test that sees the new heading can
    otherwise act before htmx has taken over the forms, and the browser then submits them itself."""
    await page.wait_for_load_state("load")
    # A function, not an expression: Playwright polls an expression with eval, which the CSP refuses.
    await page.wait_for_function("() => window.htmx !== undefined")


async def controlled_by_service_worker(page: Page) -> None:
    """The page is under the service worker and its scripts have all run (the worker can take control
    while a later deferred script is still loading, and a test must not reach for it before then)."""
    await page.wait_for_load_state("load")
    await page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15000
    )


@pytest_asyncio.fixture(loop_scope="session")
async def page(context: BrowserContext) -> AsyncIterator[Page]:
    """A page that fails the test on any uncaught script error."""
    tab = await context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    assert errors == [], f"script errors on the page: {errors}"


def _is_csp_violation(message: ConsoleMessage) -> bool:
    # Chromium reports every refusal ("Refused to execute inline script because it violates the following
    # Content Security Policy directive …") on the page's console.
    return "Content Security Policy" in message.text


@pytest_asyncio.fixture(loop_scope="session", autouse=True)
async def csp_violations(browser: Browser) -> AsyncIterator[list[str]]:
    """Every browser test fails on a Content-Security-Policy violation in any page of any context it opens
    (the ``page`` fixture's, or a second tablet's from ``browser.new_context``), so a page that only works
    with inline code or a foreign resource cannot ship. A test that provokes one on purpose takes the list
    and empties it."""
    violations: list[str] = []
    original = browser.new_context

    def watch(tab: Page) -> None:
        tab.on(
            "console", lambda m: violations.append(f"{tab.url}: {m.text}") if _is_csp_violation(m) else None
        )

    async def new_context(*args: Any, **kwargs: Any) -> BrowserContext:
        created = await original(*args, **kwargs)
        created.on("page", watch)
        return created

    browser.new_context = new_context  # type: ignore[method-assign]
    try:
        yield violations
    finally:
        browser.new_context = original  # type: ignore[method-assign]
    assert violations == [], f"Content-Security-Policy violations: {violations}"
