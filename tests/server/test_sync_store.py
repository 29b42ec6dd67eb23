"""The sync store contract on Tortoise, on SQLite and PostgreSQL, plus the commit-order cursor guarantee."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from tortoise import Tortoise

from server.db import connected
from server.sync_api.store import TortoiseStore
from sync import (
    Actor,
    Engine,
    Entry,
    FieldSpec,
    FieldType,
    Kind,
    MemoryStore,
    Policy,
    Registry,
    Store,
    TableSpec,
)
from tests.databases import PostgresDatabases
from tests.sync.harness import FixedClock, Tablet, new_engine
from tests.sync.store_contract import StoreContract


class TestTortoiseStore(StoreContract):
    @pytest_asyncio.fixture
    async def store(self, database_url: str) -> AsyncIterator[TortoiseStore]:
        async with connected(database_url):
            yield TortoiseStore()


@pytest.mark.postgres
async def test_a_pull_never_skips_a_change_that_commits_late(postgres_databases: PostgresDatabases) -> None:
    """Two writers: the one that took its sequence number first commits last. A puller in between must
    not move past the late one's number (the Replicache anomaly with plain sequences or timestamps).
    PostgreSQL only: SQLite runs one writer at a time, so the interleaving cannot happen there."""
    database_url = await postgres_databases.fresh()
    async with connected(database_url):
        store = TortoiseStore()
        engine = new_engine(store)
        reader = Tablet("reader", actor=Actor(user="r", scopes=frozenset({"ward"})))
        # The scope has history already, so its counter row exists before the race.
        earlier = Tablet("earlier")
        earlier.op("inspections", "aaaaaaaa-0000-4000-8000-000000000000", Kind.CREATE, {"place": "earlier"})
        await earlier.push(engine)
        await reader.pull(engine)
        slow_holds_lock = asyncio.Event()
        release_slow = asyncio.Event()
        original_next_seq = store.next_seq

        async def slow_next_seq(scope: str) -> int:
            seq = await original_next_seq(scope)
            if asyncio.current_task() is slow_task:
                slow_holds_lock.set()
                await release_slow.wait()
            return seq

        store.next_seq = slow_next_seq  # type: ignore[method-assign]
        slow, fast = Tablet("slow"), Tablet("fast")
        slow.op("inspections", "aaaaaaaa-0000-4000-8000-000000000001", Kind.CREATE, {"place": "slow"})
        fast.op("inspections", "aaaaaaaa-0000-4000-8000-000000000002", Kind.CREATE, {"place": "fast"})
        slow_task = asyncio.create_task(slow.push(engine))
        await slow_holds_lock.wait()
        fast_task = asyncio.create_task(fast.push(engine))
        await asyncio.sleep(0.3)
        # The fast writer is blocked on the scope's counter row, so nothing is visible yet.
        await reader.pull(engine)
        assert len(reader.rows) == 1
        assert not fast_task.done()
        release_slow.set()
        await asyncio.gather(slow_task, fast_task)
        await reader.pull(engine)
        assert sorted(row["place"] for row in reader.rows.values()) == ["earlier", "fast", "slow"]


async def test_records_stored_before_views_and_entry_arrays_pull_and_merge_as_before(
    database_url: str,
) -> None:
    """Rows written by the previous release: no stored view, entries as JSON objects. A pull computes
    their rows from the entries, and the next change stores them in the current form."""
    async with connected(database_url):
        engine = new_engine(TortoiseStore())
        a, b = Tablet("a"), Tablet("b")
        goal = "bbbbbbbb-0000-4000-8000-000000000001"
        a.op("inspections", goal, Kind.CREATE, {"place": "1階", "photos": ["p"], "notes": "メモ"})
        await a.push(engine)
        await a.pull(engine)
        await b.pull(engine)
        a.op("inspections", goal, Kind.PATCH, {"place": "A"})
        b.op("inspections", goal, Kind.PATCH, {"place": "B", "score": 2})
        await a.push(engine)
        await b.push(engine)
        current = Tablet("current")
        await current.pull(engine)

        conn = Tortoise.get_connection("default")
        postgres = conn.capabilities.dialect == "postgres"
        rows = await conn.execute_query_dict("SELECT key, state FROM sync_record")
        names = Entry._fields
        for row in rows:
            state = json.loads(row["state"])
            # The store writes records as ``to_json`` describes them (entries as arrays).
            record = (await TortoiseStore().get_records([("inspections", goal)]))[("inspections", goal)]
            assert state == json.loads(json.dumps(record.to_json()))
            for group in ("registers", "sets", "notes", "trails"):
                state[group] = {
                    f: [dict(zip(names, e, strict=True)) for e in es] for f, es in state[group].items()
                }
            state["previous"] = {f: dict(zip(names, e, strict=True)) for f, e in state["previous"].items()}
            state["deletion"] = [dict(zip(names, e, strict=True)) for e in state["deletion"]]
            update = "UPDATE sync_record SET view = NULL, state = {} WHERE key = {}"
            marks = ("$1", "$2") if postgres else ("?", "?")
            await conn.execute_query(
                update.format(*marks), [json.dumps(state, ensure_ascii=False), row["key"]]
            )

        legacy = Tablet("legacy")
        await legacy.pull(engine)
        assert legacy.rows == current.rows and legacy.seen == current.seen
        assert legacy.rows[("inspections", goal)]["place"] in ("A", "B")
        a.op("inspections", goal, Kind.PATCH, {"place": "決定"}, base=3)
        assert (await a.push(engine))[0]["status"] == "applied"
        await legacy.pull(engine)
        assert legacy.rows[("inspections", goal)]["place"] == "決定"
        view = await conn.execute_query_dict("SELECT view FROM sync_record")
        assert json.loads(view[0]["view"])["row"]["place"] == "決定"


MOVABLE = TableSpec(
    name="files",
    fields={"title": FieldSpec(FieldType.TEXT), "secret": FieldSpec(FieldType.BOOL, Policy.LWW)},
    scope_of=lambda values: "okuyami" if values.get("secret") else "ward",
)


async def test_records_moving_between_scopes_pull_as_from_the_reference_store(database_url: str) -> None:
    """The Tortoise store keeps a record's latest change on its row and only the rest in the log; what
    every reader pulls must be what the memory store (a plain log) gives them."""
    both = Actor(user="m", scopes=frozenset({"ward", "okuyami"}))
    rid, other = "cccccccc-0000-4000-8000-000000000001", "cccccccc-0000-4000-8000-000000000002"

    async def scenario(store: Store) -> list[Any]:
        engine = Engine(store, Registry([MOVABLE]), secret=b"s", now=FixedClock())
        writer = Tablet("writer", actor=both)
        ward = Tablet("ward", actor=Actor(user="w", scopes=frozenset({"ward"})))
        desk = Tablet("desk", actor=Actor(user="o", scopes=frozenset({"okuyami"})))
        seen: list[Any] = []

        async def everyone_pulls() -> None:
            for reader in (ward, desk, writer):
                await reader.pull(engine, limit=1)
                seen.append((reader.name, sorted(reader.rows.items()), sorted(reader.seen.items())))

        writer.op("files", rid, Kind.CREATE, {"title": "一", "secret": False})
        writer.op("files", other, Kind.CREATE, {"title": "他"})
        await writer.push(engine)
        await everyone_pulls()
        writer.op("files", rid, Kind.PATCH, {"secret": True}, base=1)
        writer.op("files", rid, Kind.PATCH, {"title": "二"}, base=2)
        await writer.push(engine)
        await everyone_pulls()
        writer.op("files", rid, Kind.PATCH, {"secret": False}, base=3)
        writer.op("files", rid, Kind.PATCH, {"secret": True}, base=4)
        writer.op("files", rid, Kind.PATCH, {"secret": False}, base=5)
        await writer.push(engine)
        await everyone_pulls()
        late = Tablet("late", actor=both)
        await late.pull(engine, limit=1)
        seen.append(sorted(late.rows.items()))
        return seen

    async with connected(database_url):
        assert await scenario(TortoiseStore()) == await scenario(MemoryStore())


class PausedPush:
    """Pauses one push just before it takes its scope's counter: it has read its client and records and
    merged, and holds whatever it locked so far, while another push runs."""

    def __init__(self, store: TortoiseStore) -> None:
        self.store, self.task, self.original = store, None, store.next_seq
        self.reached, self.go = asyncio.Event(), asyncio.Event()
        store.next_seq = self.next_seq  # type: ignore[method-assign]

    async def next_seq(self, scope: str) -> int:
        if asyncio.current_task() is self.task:
            self.reached.set()
            await self.go.wait()
        return await self.original(scope)

    async def start(self, coro: Any) -> asyncio.Task[Any]:
        self.task = asyncio.create_task(coro)
        await self.reached.wait()
        return self.task


@pytest.mark.postgres
async def test_two_tablets_pushing_to_one_record_at_the_same_moment_both_keep_their_edit(
    postgres_databases: PostgresDatabases,
) -> None:
    """Both read the record before either commits. Without a lock each writes back its own merge and the
    later commit erases the earlier one's edit (seen on PostgreSQL before the locks were added)."""
    async with connected(await postgres_databases.fresh()):
        store = TortoiseStore()
        engine = new_engine(store)
        record = "cccccccc-0000-4000-8000-000000000001"
        creator, a, b = Tablet("creator"), Tablet("a"), Tablet("b")
        creator.op("inspections", record, Kind.CREATE, {"place": "受付"})
        await creator.push(engine)
        await a.pull(engine)
        await b.pull(engine)
        a.op("inspections", record, Kind.PATCH, {"place": "1階"})
        b.op("inspections", record, Kind.PATCH, {"score": 3})
        paused = PausedPush(store)
        first = await paused.start(a.push(engine))
        second = asyncio.create_task(b.push(engine))
        await asyncio.sleep(0.3)
        assert not second.done()  # it waits for the record, instead of reading it as it was
        paused.go.set()
        await asyncio.gather(first, second)
        reader = Tablet("reader")
        await reader.pull(engine)
        row = reader.rows[("inspections", record)]
        assert (row["place"], row["score"]) == ("1階", 3)


@pytest.mark.postgres
async def test_a_resend_racing_the_first_attempt_is_answered_not_applied_twice(
    postgres_databases: PostgresDatabases,
) -> None:
    """The tablet gave up waiting and sent the batch again while the first request was still running."""
    async with connected(await postgres_databases.fresh()):
        store = TortoiseStore()
        engine = new_engine(store)
        tablet = Tablet("a")
        record = "cccccccc-0000-4000-8000-000000000002"
        tablet.op("inspections", record, Kind.CREATE, {"place": "受付"})
        tablet.op("inspections", record, Kind.PATCH, {"notes": "一度だけ"})
        paused = PausedPush(store)
        request = tablet.request(tablet.outbox)
        first = await paused.start(engine.push(tablet.actor, request))
        again = asyncio.create_task(engine.push(tablet.actor, request))
        await asyncio.sleep(0.3)
        paused.go.set()
        answers = await asyncio.gather(first, again)
        assert answers[0].results == answers[1].results and answers[1].last_seq == 2
        conn = Tortoise.get_connection("default")
        rows = await conn.execute_query_dict("SELECT op_id FROM sync_history WHERE record_id = $1", [record])
        assert sorted(r["op_id"] for r in rows) == sorted(op.op_id for op in tablet.outbox)
        reader = Tablet("reader")
        await reader.pull(engine)
        assert [n["text"] for n in reader.rows[("inspections", record)]["notes"]] == ["一度だけ"]
