"""Tablets made of the project's own sync code: a page that loads only `static/js/idb.js`, `outbox.js`
and `sync-client.js` (no page script, no service worker), signed in to a real server, so a test decides
exactly when a tablet records a change, syncs or reloads."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import Browser, BrowserContext, Page, Route

from tests.e2e.conftest import sign_in
from tests.live_server import LiveServer

# Served by the test itself (never by the app): the three shared scripts and nothing else.
HARNESS_PATH = "/__tablet_harness__"
HARNESS_HTML = """<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>tablet</title></head>
<body>
<script src="/static/js/idb.js"></script>
<script src="/static/js/outbox.js"></script>
<script src="/static/js/sync-client.js"></script>
</body></html>"""

LOCAL = """([userKey, table, id]) => MadoguchiDB.transaction(["records"], "readonly",
  (s) => MadoguchiDB.done(s.records.get([userKey, table, id])))"""
LOCALS = """([userKey, table, ids]) => MadoguchiDB.transaction(["records"], "readonly",
  (s) => Promise.all(ids.map((id) => MadoguchiDB.done(s.records.get([userKey, table, id])))))"""
RECORD = "([userKey, change]) => MadoguchiOutbox.record(userKey, change)"
FLUSH = "(userKey) => MadoguchiSync.flush(userKey)"
OUTBOX = "(userKey) => MadoguchiOutbox.pending(userKey)"


@dataclass
class Tablet:
    """One signed-in browser context (its own IndexedDB, so its own client id) on the harness page."""

    name: str
    context: BrowserContext
    page: Page
    base_url: str
    user_key: str
    errors: list[str] = field(default_factory=list)

    async def open(self) -> None:
        """Open the harness page afresh: every in-memory state of the scripts is gone, IndexedDB stays."""
        await self.page.goto(self.base_url + HARNESS_PATH)
        await self.page.wait_for_function("window.MadoguchiSync !== undefined && window.MadoguchiOutbox")

    async def local(self, table: str, record_id: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = await self.page.evaluate(LOCAL, [self.user_key, table, record_id])
        return found

    async def locals(self, table: str, ids: list[str]) -> dict[str, dict[str, Any] | None]:
        """Several local records in one round trip."""
        found: list[dict[str, Any] | None] = await self.page.evaluate(LOCALS, [self.user_key, table, ids])
        return dict(zip(ids, found, strict=True))

    async def record(self, change: dict[str, Any]) -> dict[str, Any]:
        op: dict[str, Any] = await self.page.evaluate(RECORD, [self.user_key, change])
        return op

    async def sync(self) -> dict[str, Any]:
        outcome: dict[str, Any] = await self.page.evaluate(FLUSH, self.user_key)
        return outcome

    async def outbox(self) -> list[dict[str, Any]]:
        ops: list[dict[str, Any]] = await self.page.evaluate(OUTBOX, self.user_key)
        return ops

    async def close(self) -> None:
        await self.context.close()


async def _serve_harness(route: Route) -> None:
    await route.fulfill(status=200, content_type="text/html; charset=utf-8", body=HARNESS_HTML)


async def open_tablet(browser: Browser, server: LiveServer, login: str, name: str) -> Tablet:
    # No service worker: it would sync on its own and the test must decide when a tablet syncs.
    context = await browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", service_workers="block")
    await context.route(f"**{HARNESS_PATH}", _serve_harness)
    page = await context.new_page()
    await sign_in(page, server.url, login)
    user_key = await page.evaluate("document.body.dataset.userKey")
    tablet = Tablet(name, context, page, server.url, user_key)
    page.on("pageerror", lambda error: tablet.errors.append(str(error)))
    await tablet.open()
    return tablet


def server_db(server: LiveServer) -> sqlite3.Connection:
    """The live server's database, read-only: what the server holds, independent of any tablet."""
    return sqlite3.connect(f"file:{server.data_dir / 'e2e.sqlite3'}?mode=ro", uri=True)


def server_rows(db: sqlite3.Connection, table: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Each record as a pull sends it: version, row, contested fields."""
    marks = ",".join("?" * len(ids))
    found: dict[str, dict[str, Any]] = {}
    query = f"SELECT record_id, version, deleted, view FROM sync_record WHERE table_name = ? AND record_id IN ({marks})"  # noqa: E501, S608
    for record_id, version, deleted, view in db.execute(query, [table, *ids]):
        shown = json.loads(view) if view else {}
        found[record_id] = {"version": version, "deleted": bool(deleted), "row": shown.get("row", {}),
                            "conflicts": shown.get("conflicts", [])}  # fmt: skip
    return found


def conflict_candidates(
    db: sqlite3.Connection, table: str, ids: list[str]
) -> dict[tuple[str, str], list[Any]]:
    """Every value any conflict (open or decided) on these records listed, by record and field."""
    marks = ",".join("?" * len(ids))
    found: dict[tuple[str, str], list[Any]] = {}
    query = f"SELECT record_id, field, candidates FROM sync_conflict WHERE table_name = ? AND record_id IN ({marks})"  # noqa: E501, S608
    for record_id, field_name, candidates in db.execute(query, [table, *ids]):
        for candidate in json.loads(candidates):
            name = field_name or candidate.get("field") or ""
            found.setdefault((record_id, name), []).append(candidate.get("value"))
    return found


def demo_section(db: sqlite3.Connection, login: str) -> int:
    row = db.execute("SELECT section_id FROM app_user WHERE login = ?", [login]).fetchone()
    assert row and row[0] is not None, f"{login} has no section"
    return int(row[0])
