"""Sync throughput against the database driver itself, on SQLite and PostgreSQL.

    python -m bench.sync_bench [--records 50000] [--backends sqlite,postgres]

Push: 20 simulated tablets send 10,000 operations in batches of 100 through the real engine and the
Tortoise store, one transaction per batch: the records read and merged, then per operation a history
row and the record's row (its state, the view pulls send and the number of its latest change, which is
the change log for pulls), and per batch one row of results and the client's last_seq. Baseline: the
same number of rows (one per operation) inserted in batches of 100 per transaction directly through the
driver with executemany.
Pull: an empty tablet pulls every record page by page (1,000 a page); each page is one read of record
rows in change order, sending the stored views. Baseline: the same number of rows (one per record
pulled) selected page by page directly through the driver, each record's state decoded from JSON.
Figures are operations (or records) per second and the ratio to the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import resource
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from tortoise import Tortoise

from server.db import connected, migrate
from server.sync_api.store import TortoiseStore
from sync import (
    Actor,
    Engine,
    FieldSpec,
    FieldType,
    Kind,
    Op,
    Policy,
    PushRequest,
    Registry,
    TableSpec,
    format_stamp,
)
from tests.pg_cluster import ThrowawayCluster

ITEMS = TableSpec(
    name="bench_items",
    fields={
        "place": FieldSpec(FieldType.TEXT, Policy.REVIEW),
        "score": FieldSpec(FieldType.INT, Policy.REVIEW),
        "answer": FieldSpec(FieldType.TEXT, Policy.LWW),
        "notes": FieldSpec(FieldType.TEXT, Policy.APPEND),
    },
)
ACTOR = Actor(user="bench", scopes=frozenset({"ward"}))
TABLETS, OPS_PER_TABLET, BATCH, PAGE = 20, 500, 100, 1000


def tablet_ops(client_id: str, start: int, count: int, creates: int) -> list[Op]:
    """Each tablet creates records, then patches them: a realistic mix of inserts and merges."""
    ops = []
    records = [str(uuid.uuid4()) for _ in range(creates)]
    for n in range(count):
        seq = start + n
        stamp = format_stamp(1_730_000_000_000 + seq, 0, client_id)
        record_id = records[n % creates]
        if n < creates:
            op = Op(
                str(uuid.uuid4()),
                seq,
                stamp,
                "bench_items",
                record_id,
                Kind.CREATE,
                None,
                {"place": f"{n % 7}階 窓口", "score": n % 5, "answer": "適"},
            )
        else:
            op = Op(
                str(uuid.uuid4()),
                seq,
                stamp,
                "bench_items",
                record_id,
                Kind.PATCH,
                1,
                {"score": (n + 1) % 5, "notes": "手すりの確認"},
            )
        ops.append(op)
    return ops


async def driver_insert(rows: int) -> float:
    conn = Tortoise.get_connection("default")
    postgres = conn.capabilities.dialect == "postgres"
    await conn.execute_script("CREATE TABLE IF NOT EXISTS bench_raw (id VARCHAR(36) PRIMARY KEY, body TEXT)")
    sql = (
        "INSERT INTO bench_raw (id, body) VALUES ($1, $2)"
        if postgres
        else "INSERT INTO bench_raw (id, body) VALUES (?, ?)"
    )
    body = json.dumps({"place": "1階 窓口", "score": 3, "answer": "適"}, ensure_ascii=False)
    started = time.perf_counter()
    for start in range(0, rows, BATCH):
        async with conn._in_transaction() as tx:
            await tx.execute_many(sql, [[str(uuid.uuid4()), body] for _ in range(min(BATCH, rows - start))])
    return rows / (time.perf_counter() - started)


async def driver_select(total: int) -> float:
    conn = Tortoise.get_connection("default")
    postgres = conn.capabilities.dialect == "postgres"
    sql = (
        "SELECT key, state FROM sync_record WHERE key > $1 ORDER BY key LIMIT $2"
        if postgres
        else "SELECT key, state FROM sync_record WHERE key > ? ORDER BY key LIMIT ?"
    )
    started, last, seen = time.perf_counter(), "", 0
    while True:
        rows = await conn.execute_query_dict(sql, [last, PAGE])
        if not rows:
            break
        for row in rows:
            json.loads(row["state"])
        seen += len(rows)
        last = rows[-1]["key"]
    return seen / (time.perf_counter() - started)


async def run_backend(name: str, url: str, records: int) -> dict[str, Any]:
    await migrate(url)
    async with connected(url):
        store = TortoiseStore()
        engine = Engine(store, Registry([ITEMS]), secret=b"bench")
        batches = []
        for _tablet in range(TABLETS):
            client_id = str(uuid.uuid4())
            ops = tablet_ops(client_id, 1, OPS_PER_TABLET, OPS_PER_TABLET // 2)
            batches += [(client_id, ops[i : i + BATCH]) for i in range(0, len(ops), BATCH)]
        # Tablets take turns, as they would arriving at a server.
        batches.sort(key=lambda b: (b[1][0].client_seq, b[0]))
        started = time.perf_counter()
        for client_id, ops in batches:
            await engine.push(ACTOR, PushRequest(client_id=client_id, ops=ops))
        push_rate = TABLETS * OPS_PER_TABLET / (time.perf_counter() - started)
        push_base = await driver_insert(TABLETS * OPS_PER_TABLET)

        extra = records - TABLETS * OPS_PER_TABLET // 2
        filler = str(uuid.uuid4())
        for start in range(0, extra, 500):
            ops = tablet_ops(filler, start + 1, min(500, extra - start), min(500, extra - start))
            await engine.push(ACTOR, PushRequest(client_id=filler, ops=ops))
        started, cursor, pulled = time.perf_counter(), "", 0
        while True:
            page = await engine.pull(ACTOR, cursor, PAGE)
            pulled += len(page.changes)
            cursor = page.cursor
            if not page.has_more:
                break
        pull_rate = pulled / (time.perf_counter() - started)
        pull_base = await driver_select(pulled)
    return {
        "backend": name,
        "push_ops_s": push_rate,
        "push_driver_rows_s": push_base,
        "push_ratio": push_rate / push_base,
        "pulled": pulled,
        "pull_records_s": pull_rate,
        "pull_driver_rows_s": pull_base,
        "pull_ratio": pull_rate / pull_base,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    # As ``madoguchi serve`` does before serving: what is loaded by now stays out of full collections.
    gc.collect()
    gc.freeze()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        if "sqlite" in args.backends:
            results.append(
                await run_backend("SQLite", f"sqlite://{Path(folder) / 'bench.sqlite3'}", args.records)
            )
        if "postgres" in args.backends:
            cluster = ThrowawayCluster()
            cluster.start()
            try:
                import asyncpg

                admin = await asyncpg.connect(cluster.url("postgres"))
                await admin.execute("CREATE DATABASE bench")
                await admin.close()
                results.append(await run_backend("PostgreSQL", cluster.url("bench"), args.records))
            finally:
                cluster.stop()
    print(
        f"{'backend':<11} {'push op/s':>10} {'driver row/s':>13} {'ratio':>6}   "
        f"{'pull rec/s':>10} {'driver row/s':>13} {'ratio':>6}  records"
    )
    for r in results:
        push = f"{r['push_ops_s']:>10.0f} {r['push_driver_rows_s']:>13.0f} {r['push_ratio']:>6.2f}"
        pull = f"{r['pull_records_s']:>10.0f} {r['pull_driver_rows_s']:>13.0f} {r['pull_ratio']:>6.2f}"
        print(f"{r['backend']:<11} {push}   {pull}  {r['pulled']}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process (server side of both runs): {peak:.0f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
