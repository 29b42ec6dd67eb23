"""Many tablets at once against real server processes: throughput, latency, and nothing stored twice.

    python -m bench.load_bench [--tablets 50] [--seconds 20] [--setups sqlite,postgres,postgres-2]

Each tablet is a staff account with its own session and device, driven by this process (asyncio) over
HTTP against ``madoguchi serve`` processes started here; with two instances on one PostgreSQL database
the tablets alternate between them. Two modes, each for a bounded time:

- saturation: every tablet pushes 1–20 operations, waits for the answer and pushes again at once;
  reported as acknowledged operations per second and push latency percentiles;
- realistic: every tablet pushes 1–20 operations every 2 s and pulls every 10 s (starting at random
  moments); reported as push and pull latency percentiles.

The operations create section goals and edit the tablet's own earlier ones. At the end the database is
read directly: every operation the server acknowledged must be in the history exactly once, and no
operation that was not acknowledged may be there twice.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import shutil
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from tortoise import Tortoise

from bench.http_sync_bench import SYNC_HEADERS, Databases, Person, Tablet, sign_in
from server.db import connected
from tests.live_server import LiveServer
from tests.pg_cluster import ThrowawayCluster, free_port

MODES = {"saturation": (0.0, None), "realistic": (2.0, 10.0)}  # push every, pull every (seconds)


@dataclass
class Driven:
    """What one tablet did: its acknowledged operation ids and the latencies it saw."""

    tablet: Tablet
    own: list[str] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)
    sent: set[str] = field(default_factory=set)
    push_ms: list[float] = field(default_factory=list)
    pull_ms: list[float] = field(default_factory=list)
    cursor: str = ""

    def batch(self, rng: random.Random) -> list[dict[str, Any]]:
        ops = []
        for _ in range(rng.randint(1, 20)):
            if self.own and rng.random() < 0.4:
                op = self.tablet.op(
                    "section_goals", rng.choice(self.own), {"progress": f"進捗 {rng.random():.4f}"}
                )
                op.update(kind="patch", base_version=1)
            else:
                record = str(uuid.uuid4())
                fields = {
                    "section_id": self.tablet.person.section_id,
                    "fiscal_year": 2026,
                    "title": "負荷試験",
                }
                op = self.tablet.op("section_goals", record, fields)
                self.own.append(record)
            ops.append(op)
        return ops


async def drive(
    driven: Driven, base: str, mode: str, stop: asyncio.Event, rng: random.Random, ready: asyncio.Barrier
) -> None:
    push_every, pull_every = MODES[mode]
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await sign_in(client, driven.tablet.person.login)
        body = json.dumps({"client_id": driven.tablet.client_id, "label": "load", "unsent": 0})
        assert (await client.post("/api/sync/v1/clients", headers=SYNC_HEADERS, content=body)).is_success
        await ready.wait()
        if push_every:
            await asyncio.sleep(rng.uniform(0, push_every))  # tablets do not start in step
        next_pull = time.monotonic() + rng.uniform(0, pull_every or 0)
        pending: list[dict[str, Any]] = []
        while not stop.is_set():
            started = time.monotonic()
            pending = pending or driven.batch(rng)
            driven.sent.update(op["op_id"] for op in pending)
            payload = json.dumps({"client_id": driven.tablet.client_id, "ops": pending}, ensure_ascii=False)
            response = await client.post("/api/sync/v1/push", headers=SYNC_HEADERS, content=payload.encode())
            driven.push_ms.append((time.monotonic() - started) * 1000)
            if response.status_code == 200:
                driven.acknowledged.update(op["op_id"] for op in pending)
                pending = []
            # Anything else: the tablet keeps the batch and sends it again, as the real outbox does.
            if pull_every and time.monotonic() >= next_pull:
                pulled = time.monotonic()
                page = await client.get(
                    "/api/sync/v1/pull", params={"cursor": driven.cursor, "limit": 500}, headers=SYNC_HEADERS
                )
                if page.status_code == 200:
                    driven.cursor = page.json()["cursor"]
                driven.pull_ms.append((time.monotonic() - pulled) * 1000)
                next_pull += pull_every
            if push_every:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), max(0.0, started + push_every - time.monotonic()))


def percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return "n/a"
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return f"p50 {cuts[49]:7.1f}  p95 {cuts[94]:7.1f}  p99 {cuts[98]:7.1f} ms"


async def stored_once(url: str, driven: list[Driven]) -> tuple[int, int, int]:
    """Acknowledged operations missing from the history, operations stored more than once, and the
    number checked."""
    acknowledged = set().union(*(d.acknowledged for d in driven))
    sent = set().union(*(d.sent for d in driven))
    async with connected(url):
        connection = Tortoise.get_connection("default")
        rows = await connection.execute_query_dict(
            "SELECT op_id, COUNT(*) AS n FROM sync_history GROUP BY op_id"
        )
    counts = {str(r["op_id"]): int(r["n"]) for r in rows}
    missing = sum(1 for op in acknowledged if op not in counts)
    twice = sum(1 for op in sent if counts.get(op, 0) > 1)
    return missing, twice, len(acknowledged)


async def run(
    setup: str, databases: Databases, people: list[Person], tablets: int, seconds: float
) -> list[str]:
    instances = 2 if setup.endswith("-2") else 1
    lines = []
    for mode in MODES:
        url = await databases.fresh()
        servers = [
            LiveServer(
                data_dir=Path(tempfile.mkdtemp(prefix="madoguchi-load-")),
                port=free_port(),
                database_url=url,
                extra_env={"OKUYAMI_PURGE_HOURS": "0"},
            )
            for _ in range(instances)
        ]
        for server in servers:
            server.start()
        try:
            rng = random.Random(f"{setup}-{mode}")
            driven = [Driven(Tablet(people[i % len(people)])) for i in range(tablets)]
            # Everyone signs in first; the clock starts when the last tablet is ready to push.
            ready, stop = asyncio.Barrier(tablets + 1), asyncio.Event()
            tasks = [
                asyncio.create_task(drive(d, servers[i % instances].url, mode, stop, rng, ready))
                for i, d in enumerate(driven)
            ]
            await ready.wait()
            started = time.monotonic()
            await asyncio.sleep(seconds)
            stop.set()
            elapsed = time.monotonic() - started
            # Each tablet finishes the request it has in flight, so what was acknowledged is known.
            await asyncio.gather(*tasks)
        finally:
            for server in servers:
                server.stop()
                shutil.rmtree(server.data_dir, ignore_errors=True)
        missing, twice, checked = await stored_once(url, driven)
        ops = sum(len(d.acknowledged) for d in driven)
        pushes = [ms for d in driven for ms in d.push_ms]
        pulls = [ms for d in driven for ms in d.pull_ms]
        line = (
            f"{setup:<13} {mode:<10} {ops / elapsed:8.0f} op/s  push {percentiles(pushes)}"
            + (f"  pull {percentiles(pulls)}" if pulls else "")
            + f"  checked {checked}: missing {missing}, stored twice {twice}"
        )
        print(line, flush=True)
        lines.append(line)
        if missing or twice:
            raise SystemExit(f"{setup} {mode}: acknowledged operations lost or doubled")
    return lines


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tablets", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0, help="per mode and setup")
    parser.add_argument("--setups", default="sqlite,postgres,postgres-2")
    args = parser.parse_args()
    setups = [s for s in args.setups.split(",") if s]
    print(f"{args.tablets} tablets, {args.seconds:.0f} s per mode; latencies as the tablets saw them.")
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        prepared: dict[str, tuple[Databases, list[Person]]] = {}
        for setup in setups:
            backend = setup.removesuffix("-2")
            if backend not in ("sqlite", "postgres"):
                parser.error(f"unknown setup {setup!r}")
            if backend not in prepared:
                if backend == "sqlite":
                    databases = Databases("SQLite", folder, None)
                else:
                    cluster = ThrowawayCluster()
                    cluster.start()
                    stack.callback(cluster.stop)
                    databases = Databases("PostgreSQL", folder, cluster)
                prepared[backend] = (databases, (await databases.template(args.tablets)).people)
            databases, people = prepared[backend]
            await run(setup, databases, people, args.tablets, args.seconds)


if __name__ == "__main__":
    asyncio.run(main())
