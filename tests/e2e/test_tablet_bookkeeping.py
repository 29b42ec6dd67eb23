"""Unit tests of the tablet's bookkeeping (`static/js/outbox.js`, `static/js/sync-client.js`) in a real
Chromium page: what a tablet shows and which version it claims after a push's answer and a pull."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
from playwright.async_api import Browser

from tests.e2e.tablet_harness import Tablet, open_tablet
from tests.live_server import LiveServer

TABLE = "section_goals"
ACK = "([userKey, results]) => MadoguchiOutbox.acknowledge(userKey, results)"
PAGE = "([userKey, page]) => MadoguchiSync.applyPage(userKey, page)"
REJECTED = """(userKey) => MadoguchiDB.transaction(["meta"], "readonly",
  (s) => MadoguchiOutbox.getMeta(s.meta, userKey, "rejected", []))"""


@pytest_asyncio.fixture(loop_scope="session")
async def tablet(browser: Browser, live_server: LiveServer) -> AsyncIterator[Tablet]:
    # Only the page's own IndexedDB is used here: each test works under a person key of its own.
    opened = await open_tablet(browser, live_server, "demo-staff", "unit")
    opened.user_key = f"unit-{uuid.uuid4()}"
    yield opened
    assert opened.errors == []
    await opened.close()


def row(version: int, **fields: Any) -> dict[str, Any]:
    base = {"section_id": 1, "fiscal_year": 2026, "title": "待ち時間", "indicator": None, "target": None,
            "progress": None, "status": None, "notes": []}  # fmt: skip
    return {"table": TABLE, "id": "", "version": version, "deleted": False, "row": {**base, **fields},
            "conflicts": []}  # fmt: skip


async def pull(tablet: Tablet, record_id: str, *changes: dict[str, Any]) -> None:
    page = {"changes": [{**c, "id": record_id} for c in changes], "evictions": [], "purged": [],
            "cursor": "c", "has_more": False, "reset": False}  # fmt: skip
    await tablet.page.evaluate(PAGE, [tablet.user_key, page])


async def acknowledge(tablet: Tablet, *results: dict[str, Any]) -> None:
    await tablet.page.evaluate(ACK, [tablet.user_key, list(results)])


async def patch(tablet: Tablet, record_id: str, **fields: Any) -> dict[str, Any]:
    return await tablet.record({"table": TABLE, "id": record_id, "kind": "patch", "fields": fields})


async def test_an_acknowledged_patch_never_raises_the_version_and_the_pull_that_follows_is_applied(
    tablet: Tablet,
) -> None:
    rid = str(uuid.uuid4())
    await pull(tablet, rid, row(1))
    op = await patch(tablet, rid, title="A title 2")
    assert op["base_version"] == 1
    # The server merged it with another tablet's description: version 3, which this tablet has not seen.
    await acknowledge(tablet, {"op_id": op["op_id"], "status": "merged", "record_version": 3})
    local = await tablet.local(TABLE, rid)
    assert local is not None
    assert local["version"] == 1, "a version whose row was never pulled must not be claimed"
    assert local["fields"]["title"] == "A title 2", "what was typed stays shown until the pull"
    assert local["pending"] is False
    # The next change still says it saw version 1 only.
    second = await patch(tablet, rid, target="10分以内")
    assert second["base_version"] == 1
    await acknowledge(tablet, {"op_id": second["op_id"], "status": "applied", "record_version": 4})

    # The pull of version 4 is not skipped as an echo: it holds the other tablet's description.
    await pull(tablet, rid, row(4, title="A title 2", description="B typed", target="10分以内"))
    local = await tablet.local(TABLE, rid)
    assert local is not None
    assert local["version"] == 4
    assert local["fields"]["description"] == "B typed"
    assert local["acked"] == []
    third = await patch(tablet, rid, description="A typed")
    assert third["base_version"] == 4


async def test_a_pulled_row_at_the_same_version_replaces_the_local_copy(tablet: Tablet) -> None:
    rid = str(uuid.uuid4())
    await pull(tablet, rid, row(2, title="old"))
    await pull(tablet, rid, row(2, title="server"))
    local = await tablet.local(TABLE, rid)
    assert local is not None and local["fields"]["title"] == "server"
    # An older row than the one applied is ignored.
    await pull(tablet, rid, row(1, title="older"))
    local = await tablet.local(TABLE, rid)
    assert local is not None and local["fields"]["title"] == "server" and local["version"] == 2


async def test_unsent_changes_stay_on_top_of_a_newer_pulled_row(tablet: Tablet) -> None:
    rid = str(uuid.uuid4())
    await pull(tablet, rid, row(1))
    await patch(tablet, rid, target="平均10分以内")
    await tablet.record({"table": TABLE, "id": rid, "kind": "patch", "fields": {"notes": "案内係と相談"}})
    await pull(
        tablet, rid, row(2, progress="他の端末", notes=[{"text": "前のメモ", "by": "x", "at": "", "hlc": ""}])
    )
    local = await tablet.local(TABLE, rid)
    assert local is not None
    assert local["version"] == 2 and local["pending"] is True
    assert local["fields"]["progress"] == "他の端末"
    assert local["fields"]["target"] == "平均10分以内"
    assert [n["text"] for n in local["fields"]["notes"]] == ["前のメモ", "案内係と相談"]


async def test_a_rejected_change_is_removed_from_the_record_and_kept_with_what_was_typed(
    tablet: Tablet,
) -> None:
    rid = str(uuid.uuid4())
    await pull(tablet, rid, row(5, target="平均15分以内"))
    op = await patch(tablet, rid, target="平均10分以内", progress="配置済み")
    local = await tablet.local(TABLE, rid)
    assert local is not None and local["fields"]["target"] == "平均10分以内"
    await acknowledge(tablet, {"op_id": op["op_id"], "status": "rejected", "record_version": 5,
                               "error": "only your own section"})  # fmt: skip
    local = await tablet.local(TABLE, rid)
    assert local is not None
    assert local["fields"]["target"] == "平均15分以内"
    assert local["fields"]["progress"] is None
    assert local["pending"] is False and local["version"] == 5
    rejected = await tablet.page.evaluate(REJECTED, tablet.user_key)
    mine = [r for r in rejected if r["op_id"] == op["op_id"]]
    assert mine and mine[0]["fields"] == {"target": "平均10分以内", "progress": "配置済み"}
    assert mine[0]["error"] == "only your own section"


async def test_a_record_created_here_is_replaced_by_the_servers_row_once_pulled(tablet: Tablet) -> None:
    rid = str(uuid.uuid4())
    fields = {"section_id": 1, "fiscal_year": 2026, "title": "新しい目標", "notes": "初回"}
    op = await tablet.record({"table": TABLE, "id": rid, "kind": "create", "fields": fields})
    assert op["base_version"] is None
    await acknowledge(tablet, {"op_id": op["op_id"], "status": "applied", "record_version": 1})
    local = await tablet.local(TABLE, rid)
    assert local is not None and local["version"] is None and local["fields"]["title"] == "新しい目標"
    # A change made before the creation is pulled back saw nothing but this tablet's own writes.
    again = await patch(tablet, rid, progress="着手")
    assert again["base_version"] is None
    notes = [{"text": "初回", "by": "demo-staff", "at": "2026-04-01T00:00:00+00:00", "hlc": "x"}]
    await pull(tablet, rid, row(1, title="新しい目標", status="open", notes=notes))
    local = await tablet.local(TABLE, rid)
    assert local is not None
    assert local["version"] == 1
    assert local["fields"]["status"] == "open", "the server's own fields arrive with the row"
    assert local["fields"]["notes"] == notes, "notes are the server's list, never a bare string"
    assert local["fields"]["progress"] == "着手", "the unsent change stays on top"


async def test_a_refused_creation_leaves_nothing_behind(tablet: Tablet) -> None:
    rid = str(uuid.uuid4())
    fields = {"section_id": 99, "fiscal_year": 2026, "title": "他課の目標"}
    op = await tablet.record({"table": TABLE, "id": rid, "kind": "create", "fields": fields})
    await acknowledge(tablet, {"op_id": op["op_id"], "status": "rejected", "record_version": None,
                               "error": "only your own section"})  # fmt: skip
    assert await tablet.local(TABLE, rid) is None


async def test_operations_acknowledged_through_a_gap_answer_are_dropped(tablet: Tablet) -> None:
    rid = str(uuid.uuid4())
    await pull(tablet, rid, row(2))
    op = await patch(tablet, rid, target="A")
    await acknowledge(tablet, {"op_id": op["op_id"], "status": "duplicate"})
    local = await tablet.local(TABLE, rid)
    assert local is not None and local["acked"] == [] and local["pending"] is False
    assert local["version"] == 2
