"""Two tablets, each served by its own ``madoguchi serve`` instance on one PostgreSQL database, edit the
same goal offline: after both sync, each tablet shows the other's edit and the clash, whichever instance
serves it."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from tests.e2e.test_two_tablets import all_sent, tablet
from tests.live_server import DEMO_PASSWORD, LiveServer
from tests.pg_cluster import free_port, scratch_database

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def instances(postgres_server_url: str) -> Iterator[list[LiveServer]]:
    shared = Path(tempfile.mkdtemp(prefix="madoguchi-e2e-pg-"))
    with scratch_database(postgres_server_url, "madoguchi_e2e") as url:
        servers = [LiveServer(data_dir=shared, port=free_port(), database_url=url) for _ in range(2)]
        servers[0].madoguchi("migrate")
        servers[0].madoguchi("seed-demo", "--password", DEMO_PASSWORD)
        try:
            yield [server.start() for server in servers]
        finally:
            for server in servers:
                server.stop()
            shutil.rmtree(shared, ignore_errors=True)


async def test_each_tablet_on_its_own_instance_merges_offline_edits(
    browser: Browser, instances: list[LiveServer]
) -> None:
    first, second = instances
    context_a, a = await tablet(browser, first, "demo-staff")
    context_b, b = await tablet(browser, second, "demo-staff")
    try:
        await a.goto(f"{first.url}/goals/new")
        await a.get_by_label("目標", exact=False).first.fill("電話の取り次ぎを早くする")
        await a.get_by_role("button", name="保存").click()
        await a.wait_for_url(f"{first.url}/goals")
        path = await a.get_by_role("link", name="電話の取り次ぎを早くする").get_attribute("href") or ""
        await b.goto(f"{second.url}/goals")  # the other instance lists the goal A made through the first
        await b.get_by_role("link", name="電話の取り次ぎを早くする").click()
        await expect(b.get_by_label("目標値")).to_have_value("")
        await a.goto(f"{first.url}{path}")

        await context_a.set_offline(True)
        await context_b.set_offline(True)
        await a.get_by_label("目標値").fill("3コール以内")
        await a.get_by_label("指標").fill("取り次ぎまでのコール数")
        await a.get_by_role("button", name="保存").click()
        await b.get_by_label("目標値").fill("5コール以内")
        await b.get_by_label("進捗").fill("取り次ぎ表を作成した")
        await b.get_by_role("button", name="保存").click()
        await expect(b.locator("#status-bar")).to_contain_text("未送信の変更: 1件")

        await context_a.set_offline(False)
        await all_sent(a)
        await context_b.set_offline(False)
        await all_sent(b)
        for page, base in ((a, first.url), (b, second.url)):
            await page.goto(f"{base}{path}")
            await expect(page.get_by_label("指標")).to_have_value("取り次ぎまでのコール数")
            await expect(page.get_by_label("進捗")).to_have_value("取り次ぎ表を作成した")
            await expect(page.locator("[data-contested]")).to_contain_text("目標値")
    finally:
        await context_a.close()
        await context_b.close()
