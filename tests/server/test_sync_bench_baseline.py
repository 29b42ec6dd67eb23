"""The push benchmark's baseline writes exactly the rows the engine wrote: the comparison it prints is
between the engine and the bare cost of its own output, not some other table."""

from __future__ import annotations

import tempfile
import uuid
from typing import Any

from tortoise import Tortoise

from bench.sync_bench import ACTOR, ITEMS, RecordingStore, driver_same_rows, recorded, tablet_ops
from server.db import connected
from sync import Engine, PushRequest, Registry
from tests.databases import PostgresDatabases, SqliteDatabases

TABLES = {
    "sync_record": "SELECT key, scope, version, deleted, purged, state, view, seq FROM sync_record "
    "WHERE table_name = 'bench_items' ORDER BY key",
    "sync_history": "SELECT table_name, record_id, version, op_id, kind, login, client_id, at, changes, "
    "flags FROM sync_history WHERE table_name = 'bench_items' ORDER BY op_id",
    "sync_push_result": "SELECT client_id, first_seq, last_seq, results FROM sync_push_result "
    "WHERE client_id LIKE 'bench-%' ORDER BY client_id, first_seq",
    "sync_client": "SELECT client_id, last_seq, login FROM sync_client WHERE client_id LIKE 'bench-%' "
    "ORDER BY client_id",
    "sync_counter": "SELECT scope, seq FROM sync_counter ORDER BY scope",
}


async def contents() -> dict[str, list[dict[str, Any]]]:
    conn = Tortoise.get_connection("default")
    return {table: await conn.execute_query_dict(sql) for table, sql in TABLES.items()}


async def test_the_baseline_writes_the_rows_the_engine_wrote(
    databases: SqliteDatabases | PostgresDatabases,
) -> None:
    engine_url, baseline_url = await databases.fresh(), await databases.fresh()
    with tempfile.TemporaryFile() as written:
        async with connected(engine_url):
            store = RecordingStore(written)
            engine = Engine(store, Registry([ITEMS]), secret=b"bench")
            for tablet in range(3):
                client_id = f"bench-{tablet}-{uuid.uuid4().hex[:20]}"
                ops = tablet_ops(client_id, 1, 30, 15)  # creates, then patches of the same records
                for start in range(0, 30, 10):
                    await engine.push(ACTOR, PushRequest(client_id=client_id, ops=ops[start : start + 10]))
            wrote = await contents()
        commits = recorded(written)
    assert len(commits) == 9
    assert len(wrote["sync_history"]) == 90 and len(wrote["sync_record"]) == 45

    async with connected(baseline_url):
        await driver_same_rows(commits)
        assert await contents() == wrote
    await databases.drop(engine_url)
    await databases.drop(baseline_url)
