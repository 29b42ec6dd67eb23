"""Sync throughput against the database driver itself, on SQLite and PostgreSQL.

    python -m bench.sync_bench [--records 50000] [--backends sqlite,postgres]

Push: 20 simulated tablets send 10,000 operations in batches of 100 through the real engine and the
Tortoise store, one transaction per batch: the records read and merged, then per operation a history
row and the record's row (its state, the view pulls send and the number of its latest change, which is
the change log for pulls), and per batch one row of results and the client's last_seq. Baseline: the
same rows, as the engine wrote them, inserted through the database driver into an empty database with
the same schema: one transaction per batch of 100 operations, each table's rows with one executemany and
the scope's counter with one update, and no reads or merging. The engine and the baseline take turns
for seven rounds, each into a fresh copy of one migrated database, and the median round is reported (the
disk's hiccups are the largest noise, and they land on one round). A second, older baseline is printed
beside it: one narrow row per operation (an id and a small JSON body), the cost of merely storing an
operation.
Pull: an empty tablet pulls every record page by page (1,000 a page); each page is one read of record
rows in change order, sending the stored views. Baseline: the same rows and columns selected page by
page in the same order directly through the driver, each record's view decoded from JSON. The two take
turns for seven rounds over the same database; the median is reported.
Figures are operations (or records) per second and the ratio to the baseline measured in the same run.
Memory is the process's peak before the rounds, whose baseline holds all the rows at once.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import pickle
import resource
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, BinaryIO

import asyncpg
from tortoise import Tortoise

from server import collector
from server.db import connected, migrate
from server.sync_api.store import TortoiseStore, _Pending, _Write, numbered
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
ROUNDS = 7


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


Commit = tuple[list[tuple[_Write, list[list[Any]]]], dict[str, int]]


class RecordingStore(TortoiseStore):
    """The server's store, writing down what each transaction wrote so the baseline can write the same
    rows. They go to a file as they come (held in memory they would count in the memory figure), and the
    time that takes is kept apart so it can be taken off the engine's."""

    def __init__(self, out: BinaryIO) -> None:
        super().__init__()
        self.out: BinaryIO | None = out  # None once the measured pushes are done
        self.recording_seconds = 0.0

    def rows_at_commit(self, pending: _Pending) -> list[tuple[_Write, list[list[Any]]]]:
        writes = super().rows_at_commit(pending)
        if self.out is not None:
            started = time.perf_counter()
            pickle.dump((writes, dict(pending.counters)), self.out)
            self.recording_seconds += time.perf_counter() - started
        return writes


def recorded(source: BinaryIO) -> list[Commit]:
    source.seek(0)
    commits = []
    while True:
        try:
            commits.append(pickle.load(source))  # noqa: S301 (written by this process)
        except EOFError:
            return commits


def placeholders(sql: str, postgres: bool) -> str:
    return numbered(sql) if postgres else sql


async def driver_same_rows(commits: list[Commit]) -> float:
    """Seconds to write the rows of ``commits`` straight through the driver (the connection is a fresh
    database migrated like the one the engine wrote to)."""
    conn = Tortoise.get_connection("default")
    postgres = conn.capabilities.dialect == "postgres"
    scopes = {scope for _, counters in commits for scope in counters}
    create = placeholders(
        "INSERT INTO sync_counter (scope, seq) VALUES (?, 0) ON CONFLICT (scope) DO NOTHING", postgres
    )
    for scope in scopes:
        await conn.execute_query(create, [scope])
    counter = placeholders("UPDATE sync_counter SET seq = ? WHERE scope = ?", postgres)
    statements = {
        write.table: placeholders(write.one_row(), postgres) for writes, _ in commits for write, _ in writes
    }
    started = time.perf_counter()
    for writes, counters in commits:
        async with conn._in_transaction() as tx:
            for scope, seq in counters.items():
                await tx.execute_query(counter, [seq, scope])
            for write, rows in writes:
                if rows:
                    await tx.execute_many(statements[write.table], rows)
    return time.perf_counter() - started


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
    """The rows a pull sends, read as it reads them (the scope's records in change order, page by page)
    and each one's view decoded, straight through the driver."""
    conn = Tortoise.get_connection("default")
    sql = placeholders(
        "SELECT seq, table_name, record_id, version, deleted, view FROM sync_record "
        "WHERE scope = ? AND seq > ? ORDER BY seq LIMIT ?",
        conn.capabilities.dialect == "postgres",
    )
    started, last, seen = time.perf_counter(), 0, 0
    while True:
        rows = await conn.execute_query_dict(sql, ["ward", last, PAGE])
        if not rows:
            break
        for row in rows:
            json.loads(row["view"])
        seen += len(rows)
        last = rows[-1]["seq"]
    return seen / (time.perf_counter() - started)


class SqliteDatabases:
    """Fresh SQLite databases, each a copy of one migrated template."""

    name = "SQLite"

    def __init__(self, folder: Path) -> None:
        self.folder, self.made = folder, 0

    async def prepare(self) -> None:
        await migrate(f"sqlite://{self.folder / 'template.sqlite3'}")

    async def fresh(self) -> str:
        self.made += 1
        target = self.folder / f"bench-{self.made}.sqlite3"
        shutil.copyfile(self.folder / "template.sqlite3", target)
        return f"sqlite://{target}"


class PostgresDatabases:
    """Fresh PostgreSQL databases, each created from one migrated template."""

    name = "PostgreSQL"

    def __init__(self, cluster: ThrowawayCluster) -> None:
        self.cluster, self.made = cluster, 0

    async def _create(self, name: str, template: str = "") -> str:
        admin = await asyncpg.connect(self.cluster.url("postgres"))
        try:
            await admin.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        finally:
            await admin.close()
        return self.cluster.url(name)

    async def prepare(self) -> None:
        await migrate(await self._create("bench_template"))

    async def fresh(self) -> str:
        self.made += 1
        return await self._create(f"bench_{self.made}", "bench_template")


Databases = SqliteDatabases | PostgresDatabases


def push_batches() -> list[tuple[str, list[Op]]]:
    batches = []
    for _tablet in range(TABLETS):
        client_id = str(uuid.uuid4())
        ops = tablet_ops(client_id, 1, OPS_PER_TABLET, OPS_PER_TABLET // 2)
        batches += [(client_id, ops[i : i + BATCH]) for i in range(0, len(ops), BATCH)]
    # Tablets take turns, as they would arriving at a server.
    batches.sort(key=lambda b: (b[1][0].client_seq, b[0]))
    return batches


async def push_all(store: TortoiseStore, batches: list[tuple[str, list[Op]]]) -> float:
    """Seconds the engine takes to push ``batches`` into the connected database."""
    engine = Engine(store, Registry([ITEMS]), secret=b"bench")
    started = time.perf_counter()
    for client_id, ops in batches:
        await engine.push(ACTOR, PushRequest(client_id=client_id, ops=ops))
    return time.perf_counter() - started


async def first_run(
    databases: Databases, batches: list[tuple[str, list[Op]]], records: int, written: BinaryIO
) -> dict[str, Any]:
    """The push (its rows going to ``written``), the narrow-row baseline, then the pull of ``records``."""
    async with connected(await databases.fresh()):
        store = RecordingStore(written)
        push_seconds = await push_all(store, batches) - store.recording_seconds
        store.out = None
        push_narrow = await driver_insert(TABLETS * OPS_PER_TABLET)

        engine = Engine(store, Registry([ITEMS]), secret=b"bench")
        extra = records - TABLETS * OPS_PER_TABLET // 2
        filler = str(uuid.uuid4())
        for start in range(0, extra, 500):
            ops = tablet_ops(filler, start + 1, min(500, extra - start), min(500, extra - start))
            await engine.push(ACTOR, PushRequest(client_id=filler, ops=ops))
        # The engine's pull and the driver's read take turns over the same database, as the push rounds do.
        pull_rates, driver_rates, pull_ratios = [], [], []
        for _round in range(ROUNDS):
            started, cursor, pulled = time.perf_counter(), "", 0
            while True:
                page = await engine.pull(ACTOR, cursor, PAGE)
                pulled += len(page.changes)
                cursor = page.cursor
                if not page.has_more:
                    break
            pull_rates.append(pulled / (time.perf_counter() - started))
            driver_rates.append(await driver_select(pulled))
            pull_ratios.append(pull_rates[-1] / driver_rates[-1])
    return {
        "backend": databases.name,
        "push_narrow_rows_s": push_narrow,
        "push_narrow_ratio": TABLETS * OPS_PER_TABLET / push_seconds / push_narrow,
        "pulled": pulled,
        "pull_records_s": statistics.median(pull_rates),
        "pull_driver_rows_s": statistics.median(driver_rates),
        "pull_ratio": statistics.median(pull_ratios),
        "pull_ratios": pull_ratios,
    }


async def push_rounds(
    result: dict[str, Any], databases: Databases, batches: list[tuple[str, list[Op]]], written: BinaryIO
) -> None:
    """The engine's push and the driver writing the same rows, in turns, each into a fresh database: the
    ratio of each round, and its median, so that a slow moment of the disk lands on one round only."""
    commits = recorded(written)
    ratios, engine_seconds, driver_seconds = [], [], []
    for _round in range(ROUNDS):
        async with connected(await databases.fresh()):
            engine_seconds.append(await push_all(TortoiseStore(), batches))
        async with connected(await databases.fresh()):
            driver_seconds.append(await driver_same_rows(commits))
        ratios.append(driver_seconds[-1] / engine_seconds[-1])
    operations = TABLETS * OPS_PER_TABLET
    result["push_rows"] = sum(len(rows) for writes, _ in commits for _, rows in writes)
    result["push_ops_s"] = operations / statistics.median(engine_seconds)
    result["push_driver_ops_s"] = operations / statistics.median(driver_seconds)
    result["push_ratio"] = statistics.median(ratios)
    result["push_ratios"] = ratios


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    results: list[dict[str, Any]] = []
    with contextlib.ExitStack() as stack:
        backends: list[Databases] = []
        if "sqlite" in args.backends:
            backends.append(SqliteDatabases(Path(stack.enter_context(tempfile.TemporaryDirectory()))))
        if "postgres" in args.backends:
            cluster = ThrowawayCluster()
            cluster.start()
            stack.callback(cluster.stop)
            backends.append(PostgresDatabases(cluster))
        # As ``madoguchi serve`` starts: migrations under the interpreter's own collector settings, then
        # the serving process's (migrating makes much short-lived garbage that those would keep longer).
        for databases in backends:
            await databases.prepare()
        collector.settle()
        runs = []
        for databases in backends:
            batches, written = push_batches(), stack.enter_context(tempfile.TemporaryFile())
            results.append(await first_run(databases, batches, args.records, written))
            runs.append((results[-1], databases, batches, written))
        # The server's figure: the rounds, whose baseline holds every row in memory at once, come after it.
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        for result, databases, batches, written in runs:
            await push_rounds(result, databases, batches, written)
    print(
        f"Push: 10,000 operations; pull: every record. Medians of {ROUNDS} rounds. 'same rows' is the driver "
        "writing the rows the engine wrote, as op/s."
    )
    print(
        f"{'backend':<11} {'push op/s':>10} {'same rows':>10} {'ratio':>6} {'rows':>6}   "
        f"{'narrow row/s':>12} {'ratio':>6}   {'pull rec/s':>10} {'driver row/s':>13} {'ratio':>6}  records"
    )
    for r in results:
        push = (
            f"{r['push_ops_s']:>10.0f} {r['push_driver_ops_s']:>10.0f} {r['push_ratio']:>6.2f} "
            f"{r['push_rows']:>6}   {r['push_narrow_rows_s']:>12.0f} {r['push_narrow_ratio']:>6.2f}"
        )
        pull = f"{r['pull_records_s']:>10.0f} {r['pull_driver_rows_s']:>13.0f} {r['pull_ratio']:>6.2f}"
        print(f"{r['backend']:<11} {push}   {pull}  {r['pulled']}")
    for r in results:
        print(f"{r['backend']} push ratio per round: {', '.join(f'{x:.2f}' for x in r['push_ratios'])}")
        print(f"{r['backend']} pull ratio per round: {', '.join(f'{x:.2f}' for x in r['pull_ratios'])}")
    print(f"peak memory of the process during the engine's runs (the server side): {peak:.0f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
