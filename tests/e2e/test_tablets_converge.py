"""No lost write, end to end: the real tablet code (`static/js`) in three Chromium pages against the real
server, driven by seeded random offline edits, syncs and reloads (some in the middle of a sync).

After each run every tablet must equal the server (convergence), and every value typed that is no
longer shown must have been seen by the writer that replaced it, or be listed in a conflict (no unseen
overwrite). The tablets and the server are reused across runs; each run works on records of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, expect

from tests.e2e.conftest import sign_in
from tests.e2e.tablet_harness import (
    Tablet,
    conflict_candidates,
    demo_section,
    open_tablet,
    server_db,
    server_rows,
)
from tests.live_server import LiveServer, prepared_server

TABLE = "section_goals"
FIELDS = ("title", "indicator", "target", "progress")
RUNS = 200 if os.environ.get("CI") == "true" else 50
STEPS = 14


@dataclass
class Typed:
    """One value a person typed: where, on which tablet, after which others, and what was shown then."""

    tablet: str
    record_id: str
    field: str
    value: str
    order: int
    shown: Any


@pytest.fixture(scope="module")
def own_server() -> Iterator[LiveServer]:
    # A server of its own: hundreds of goals must not change what other tests count.
    server = prepared_server().start()
    yield server
    server.stop()
    shutil.rmtree(server.data_dir, ignore_errors=True)


@pytest_asyncio.fixture(loop_scope="session")
async def tablets(browser: Browser, own_server: LiveServer) -> AsyncIterator[list[Tablet]]:
    opened = [await open_tablet(browser, own_server, "demo-staff", name) for name in "ABC"]
    yield opened
    for tablet in opened:
        await tablet.close()


class Run:
    def __init__(self, seed: int, tablets: list[Tablet], section_id: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.tablets = tablets
        self.section_id = section_id
        self.records: list[str] = []
        self.typed: list[Typed] = []
        self.notes: list[tuple[str, str]] = []
        self.counter = 0

    def fresh(self, what: str) -> str:
        self.counter += 1
        return f"{what}-{self.seed}-{self.counter}"

    async def create(self, tablet: Tablet) -> None:
        record_id = str(uuid.uuid4())
        title = self.fresh("title")
        fields = {"section_id": self.section_id, "fiscal_year": 2026, "title": title}
        await tablet.record({"table": TABLE, "id": record_id, "kind": "create", "fields": fields})
        self.records.append(record_id)
        self.typed.append(Typed(tablet.name, record_id, "title", title, self.counter, None))

    async def edit(self, tablet: Tablet) -> None:
        copies = await tablet.locals(TABLE, self.records)
        known = [r for r in self.records if copies[r]]
        if not known:
            return
        record_id = self.rng.choice(known)
        local = copies[record_id]
        assert local is not None
        if self.rng.random() < 0.15:
            note = self.fresh("note")
            await tablet.record({"table": TABLE, "id": record_id, "kind": "patch", "fields": {"notes": note}})
            self.notes.append((record_id, note))
            return
        name = self.rng.choice(FIELDS)
        value = self.fresh(name)
        # The page shows the local record; the change goes with the version it was built on.
        await tablet.record({"table": TABLE, "id": record_id, "kind": "patch", "fields": {name: value}})
        self.typed.append(Typed(tablet.name, record_id, name, value, self.counter, local["fields"].get(name)))

    async def reload(self, tablet: Tablet) -> None:
        if self.rng.random() < 0.5:
            # Closed in the middle of a sync: IndexedDB keeps either all of a step or none of it.
            syncing = asyncio.ensure_future(tablet.sync())
            await asyncio.sleep(self.rng.random() * 0.03)
            await tablet.open()
            # The page that ran it is gone, which is the point: its promise may never settle cleanly.
            with contextlib.suppress(Exception):
                await syncing
        else:
            await tablet.open()

    async def play(self) -> None:
        await self.create(self.rng.choice(self.tablets))
        for _ in range(STEPS):
            tablet = self.rng.choice(self.tablets)
            roll = self.rng.random()
            if roll < 0.5:
                await self.edit(tablet)
            elif roll < 0.85:
                await tablet.sync()
            elif roll < 0.91:
                await self.reload(tablet)
            elif len(self.records) < 3:
                await self.create(tablet)
        # Everyone comes back online at once; then each syncs again, so its last pull follows every push.
        for _ in range(2):
            outcomes = await asyncio.gather(*(tablet.sync() for tablet in self.tablets))
            assert all(o["ok"] for o in outcomes), (self.seed, outcomes)


def divergences(run: Run, rows: dict[str, dict[str, Any]], locals_: dict[str, dict[str, Any]]) -> list[str]:
    found = []
    for record_id in run.records:
        server = rows.get(record_id)
        if server is None:
            found.append(f"{record_id}: not on the server")
            continue
        for name, local in locals_.items():
            copy = local.get(record_id)
            if copy is None:
                found.append(f"{name} {record_id}: missing on the tablet")
            elif copy["version"] != server["version"] or copy["fields"] != server["row"]:
                theirs = f"v{server['version']} {server['row']}"
                found.append(f"{name} {record_id}: v{copy['version']} {copy['fields']} != {theirs}")
            elif copy["pending"] or copy.get("acked"):
                found.append(f"{name} {record_id}: still holds unsent or unconfirmed changes")
            elif sorted(copy.get("conflicts") or []) != sorted(server["conflicts"]):
                found.append(
                    f"{name} {record_id}: contested {copy.get('conflicts')} != {server['conflicts']}"
                )
    return found


def unseen_overwrites(
    run: Run, rows: dict[str, dict[str, Any]], listed: dict[tuple[str, str], list[Any]]
) -> list[str]:
    """A value no longer shown was replaced by someone who saw it (or by its own tablet later), or a
    conflict lists it. Anything else was overwritten unseen."""
    found = []
    for typed in run.typed:
        final = rows[typed.record_id]["row"].get(typed.field)
        if typed.value == final or typed.value in listed.get((typed.record_id, typed.field), []):
            continue
        later = [
            t
            for t in run.typed
            if t.record_id == typed.record_id and t.field == typed.field and t.order > typed.order
        ]
        if any(t.shown == typed.value or t.tablet == typed.tablet for t in later):
            continue
        found.append(f"{typed.value} ({typed.tablet}) on {typed.record_id} replaced by {final!r} unseen")
    for record_id, note in run.notes:
        if note not in [n["text"] for n in rows[record_id]["row"].get("notes") or []]:
            found.append(f"note {note} lost on {record_id}")
    return found


async def test_tablets_converge_and_nothing_is_overwritten_unseen(
    tablets: list[Tablet], own_server: LiveServer
) -> None:
    db = server_db(own_server)
    section_id = demo_section(db, "demo-staff")
    checked_values = 0
    for seed in range(RUNS):
        run = Run(seed, tablets, section_id)
        await run.play()
        rows = server_rows(db, TABLE, run.records)
        locals_ = {t.name: await t.locals(TABLE, run.records) for t in tablets}
        assert divergences(run, rows, locals_) == [], f"seed {seed}"
        assert unseen_overwrites(run, rows, conflict_candidates(db, TABLE, run.records)) == [], f"seed {seed}"
        checked_values += len(run.typed) + len(run.notes)
    for tablet in tablets:
        assert tablet.errors == []
    assert checked_values > RUNS * 5, "the runs typed too little to prove anything"


async def test_a_tablet_never_overwrites_a_value_it_was_not_shown(
    tablets: list[Tablet], own_server: LiveServer
) -> None:
    """The reproduction: A's patch is merged with B's progress note; A must then show B's progress note
    and a later change of A's must say it saw it (else B's progress note is replaced unseen)."""
    a, b = tablets[0], tablets[1]
    db = server_db(own_server)
    record_id = str(uuid.uuid4())
    fields = {"section_id": demo_section(db, "demo-staff"), "fiscal_year": 2026, "title": "A title"}
    await a.record({"table": TABLE, "id": record_id, "kind": "create", "fields": fields})
    assert (await a.sync())["ok"]
    assert (await b.sync())["ok"]
    await b.record({"table": TABLE, "id": record_id, "kind": "patch", "fields": {"progress": "B typed"}})
    assert (await b.sync())["ok"]
    await a.record({"table": TABLE, "id": record_id, "kind": "patch", "fields": {"title": "A title 2"}})
    assert (await a.sync())["ok"]
    local = await a.local(TABLE, record_id)
    assert local is not None
    assert local["fields"]["progress"] == "B typed", "A shows what it pulled, not an older copy"
    op = await a.record({"table": TABLE, "id": record_id, "kind": "patch", "fields": {"progress": "A typed"}})
    assert op["base_version"] == local["version"] == 3
    assert (await a.sync())["ok"]
    rows = server_rows(db, TABLE, [record_id])
    assert rows[record_id]["row"]["progress"] == "A typed"
    assert rows[record_id]["row"]["title"] == "A title 2"


async def test_the_inbox_shows_one_row_per_record_and_the_status_bar_agrees(
    browser: Browser, tablets: list[Tablet], own_server: LiveServer
) -> None:
    """Two fields disputed on one goal: one inbox row naming the goal, a field each inside, each value
    with its own 「この値にする」; the staff's status bar counts what the inbox lists."""
    a, b = tablets[0], tablets[1]
    db = server_db(own_server)
    goal = str(uuid.uuid4())
    fields = {"section_id": demo_section(db, "demo-staff"), "fiscal_year": 2026, "title": "電話の取次ぎ"}
    await a.record({"table": TABLE, "id": goal, "kind": "create", "fields": fields})
    assert (await a.sync())["ok"] and (await b.sync())["ok"]
    await a.record(
        {"table": TABLE, "id": goal, "kind": "patch", "fields": {"target": "3コール", "progress": "A"}}
    )
    await b.record(
        {"table": TABLE, "id": goal, "kind": "patch", "fields": {"target": "5コール", "progress": "B"}}
    )
    assert (await a.sync())["ok"] and (await b.sync())["ok"]

    chief_context = await browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    staff_context = await browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    try:
        chief = await chief_context.new_page()
        await sign_in(chief, own_server.url, "demo-chief")
        await chief.goto(f"{own_server.url}/conflicts")
        row = chief.locator(f'tr[data-record="{goal}"]')
        await expect(row).to_contain_text("電話の取次ぎ")
        await expect(row.locator("li[data-conflict]")).to_have_count(2)
        rows = await chief.locator("tr[data-record]").count()

        staff = await staff_context.new_page()
        await sign_in(staff, own_server.url, "demo-staff")
        await expect(staff.locator("[data-problems]")).to_contain_text(f"競合: {rows}件", timeout=15000)

        await row.locator("li[data-conflict]", has_text="目標値").get_by_role("link", name="判断する").click()
        await expect(chief.locator("[data-candidate]")).to_have_count(2)
        await (
            chief.locator("tr[data-candidate]", has_text="3コール")
            .get_by_role("button", name="この値にする", exact=True)
            .click()
        )
        await expect(chief.locator(f'tr[data-record="{goal}"] li[data-conflict]')).to_have_count(1)
        await expect(chief.locator(f'tr[data-record="{goal}"]')).to_contain_text("進捗")
    finally:
        await chief_context.close()
        await staff_context.close()
