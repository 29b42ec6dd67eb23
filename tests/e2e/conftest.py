"""Browser tests: the real server process on a free port, driven in Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import BrowserContext, Page, expect

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
    await page.wait_for_function("window.htmx !== undefined")


async def controlled_by_service_worker(page: Page) -> None:
    """The page is under the service worker and its scripts have all run (the worker can take control
    while a later deferred script is still loading, and a test must not reach for it before then)."""
    await page.wait_for_load_state("load")
    await page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null",
                                 timeout=15000)  # fmt: skip


@pytest_asyncio.fixture(loop_scope="session")
async def page(context: BrowserContext) -> AsyncIterator[Page]:
    """A page that fails the test on any uncaught script error."""
    tab = await context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    assert errors == [], f"script errors on the page: {errors}"
