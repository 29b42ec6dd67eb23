"""Sync over HTTP as tablets really use it: the real server process, with projections and tallies.

    python -m bench.http_sync_bench [--records 10000] [--backends sqlite,postgres] [--tables a,b]

For each synced table, 20 tablets (20 staff accounts of one section, each signed in with its own
session and registered device) push ``--records`` new records in batches of 100 through
``POST /api/sync/v1/push`` of a ``madoguchi serve`` process, taking turns as they would arriving at a
server. The server does everything it does for a real push: session, user and device look-up, parsing,
the engine, the typed tables the pages read and the dashboard's tallies, all in the push's transaction.
Inspection answers are pushed with their inspections (each inspection is created, then its answers).

The same operations are then pushed in-process, into a fresh copy of the same database, through the
server's own sync service (the engine with the same registry, rules, projections and tallies, without
HTTP, session or device): the ratio says what the web layer costs. Beside it, the plain engine figure of
``bench.sync_bench`` (a table without projections), measured in the same run.

Pull: a manager's empty tablet pulls every record the pushes made (pages of 1,000) over HTTP, and the
same pull in-process. One-op push: the median of 200 single-operation pushes against the median of 200
requests of a static file from the same server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import re
import shutil
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench import sync_bench
from server import collector
from server.auth import service as auth_service
from server.compliance import periods as period_keys
from server.compliance.rules import answer_id as self_check_id
from server.compliance.rules import period_problem
from server.db import connected, migrate
from server.inspections.records import answer_id as inspection_answer_id
from server.inspections.templates import items_of
from server.models import InspectionTemplate, Role, Section, ServiceStandard, User
from server.seed import seed_demo
from server.sync_api.service import SyncService
from server.sync_api.store import TortoiseStore
from sync import parse_push
from tests.live_server import LiveServer
from tests.pg_cluster import ThrowawayCluster, free_port

TABLES = ("section_goals", "self_check_answers", "inspection_answers", "feedback", "corrective_actions")
TABLETS, BATCH, PAGE, SINGLE_OPS = 20, 100, 1000, 200
PASSWORD = "bench-password-" + "p" * 8
SECRET = "bench-" + "s" * 40
SYNC_HEADERS = {"X-Madoguchi-Sync": "1", "Content-Type": "application/json"}


@dataclass
class Person:
    login: str
    user_id: int
    section_id: int


@dataclass
class Ward:
    """What the operations refer to: the bench's staff, a published template's items, the standards
    and the self-check periods open today."""

    people: list[Person]
    template_id: int
    items: list[str]
    standards: list[str]
    periods: list[str]


@dataclass
class Tablet:
    person: Person
    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    seq: int = 0

    def op(self, table: str, record_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        self.seq += 1
        return {
            "op_id": str(uuid.uuid4()),
            "client_seq": self.seq,
            "hlc": f"{1_760_000_000_000 + self.seq:013d}:00000:{self.client_id[:8]}",
            "table": table,
            "record_id": record_id,
            "kind": "create",
            "base_version": None,
            "fields": fields,
        }


async def prepare_ward(url: str, staff: int = TABLETS) -> Ward:
    """Migrate, seed the demo data and add ``staff`` bench accounts to one section."""
    await migrate(url)
    async with connected(url):
        await seed_demo(PASSWORD)
        section = await Section.get(code="kumin")
        people = []
        for n in range(staff):
            user = await auth_service.create_user(
                login=f"bench-{n:02d}",
                display_name=f"ベンチ {n:02d}",
                password=PASSWORD,
                role=Role.STAFF,
                section=section,
            )
            user.counter_duty = user.phone_duty = True
            await user.save()
            people.append(Person(user.login, user.id, section.id))
        template = await InspectionTemplate.filter(status="published", family="shokuba-tenken").first()
        assert template is not None, "the seeded 職場点検 template is missing"
        items = [key for key, item in items_of(template).items() if item.type == "pass_fail"]
        standards = [s.code for s in await ServiceStandard.filter(active=True, applies_to="all")]
        open_periods = []
        month = dt.date(2024, 4, 1)
        while month <= dt.date.today():
            key = period_keys.key_of(month)
            if await period_problem(key) is None:
                open_periods.append(key)
            month = (month + dt.timedelta(days=32)).replace(day=1)
    return Ward(people, template.id, items, standards, open_periods)


def table_ops(table: str, ward: Ward, tablets: list[Tablet], records: int) -> list[list[dict[str, Any]]]:
    """Each tablet's operations creating its share of ``records`` new records of ``table``."""
    per_tablet = records // len(tablets)
    result = []
    for t, tablet in enumerate(tablets):
        person, ops = tablet.person, []
        if table == "section_goals":
            for n in range(per_tablet):
                fields = {"section_id": person.section_id, "fiscal_year": 2026, "title": f"目標 {t}-{n}"}
                ops.append(tablet.op(table, str(uuid.uuid4()), fields))
        elif table == "self_check_answers":
            respondent = f"user:{person.user_id}"
            sheet = [(p, code) for p in ward.periods for code in ward.standards][:per_tablet]
            assert len(sheet) == per_tablet, "not enough open periods × standards for this many records"
            for period, code in sheet:
                fields = {
                    "section_id": person.section_id,
                    "period": period,
                    "respondent": respondent,
                    "standard_code": code,
                    "result": "compliant",
                    "status": "open",
                }
                ops.append(tablet.op(table, self_check_id(period, respondent, code), fields))
        elif table == "inspection_answers":
            while len(ops) < per_tablet:
                inspection = str(uuid.uuid4())
                ops.append(
                    tablet.op(
                        "inspections",
                        inspection,
                        {
                            "template_id": ward.template_id,
                            "section_id": person.section_id,
                            "place": f"{t % 5 + 1}階 窓口",
                            "started_at": "2026-11-02T09:00:00+09:00",
                        },
                    )
                )
                for key in ward.items[: per_tablet - len(ops)]:
                    fields = {"inspection_id": inspection, "item_key": key, "result": "pass"}
                    ops.append(tablet.op(table, inspection_answer_id(inspection, key), fields))
        elif table == "feedback":
            for n in range(per_tablet):
                fields = {
                    "received_on": "2026-11-02",
                    "channel": "box",
                    "text": f"案内が分かりやすかった {n}",
                    "category": "guidance",
                    "kind": "praise",
                    "sections": [person.section_id],
                }
                ops.append(tablet.op(table, str(uuid.uuid4()), fields))
        elif table == "corrective_actions":
            for n in range(per_tablet):
                ops.append(
                    tablet.op(
                        table,
                        str(uuid.uuid4()),
                        {
                            "section_id": person.section_id,
                            "title": f"案内表示の更新 {n}",
                            "priority": "normal",
                            "due_on": "2026-12-28",
                            "place": "1階 窓口",
                        },
                    )
                )
        else:
            raise ValueError(f"no operations written for {table}")
        result.append(ops)
    return result


def in_turns(tablets: list[Tablet], ops: list[list[dict[str, Any]]]) -> list[tuple[Tablet, list[Any]]]:
    """Batches of 100, the tablets taking turns."""
    batches = []
    for tablet, own in zip(tablets, ops, strict=True):
        batches += [(n, tablet, own[i : i + BATCH]) for n, i in enumerate(range(0, len(own), BATCH))]
    batches.sort(key=lambda b: (b[0], b[1].client_id))
    return [(tablet, batch) for _, tablet, batch in batches]


async def sign_in(client: httpx.AsyncClient, login: str) -> None:
    page = await client.get("/login")
    token = client.cookies.get("madoguchi_csrf") or ""
    assert page.status_code == 200, page.status_code
    response = await client.post(
        "/login", data={"login": login, "password": PASSWORD, "_csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 302, f"{login} could not sign in: {response.status_code}"


async def http_push(base: str, batches: list[tuple[Tablet, list[Any]]]) -> tuple[float, int]:
    """Seconds to push every batch over HTTP (each tablet its own session and device), and records."""
    clients: dict[str, httpx.AsyncClient] = {}
    async with contextlib.AsyncExitStack() as stack:
        for tablet, _ in batches:
            if tablet.client_id in clients:
                continue
            client = await stack.enter_async_context(httpx.AsyncClient(base_url=base, timeout=120))
            await sign_in(client, tablet.person.login)
            body = json.dumps({"client_id": tablet.client_id, "label": "bench", "unsent": 0})
            assert (await client.post("/api/sync/v1/clients", headers=SYNC_HEADERS, content=body)).is_success
            clients[tablet.client_id] = client
        bodies = [
            (clients[t.client_id], json.dumps({"client_id": t.client_id, "ops": ops}, ensure_ascii=False))
            for t, ops in batches
        ]
        started, stored = time.perf_counter(), 0
        for client, body in bodies:
            response = await client.post("/api/sync/v1/push", headers=SYNC_HEADERS, content=body.encode())
            assert response.status_code == 200, response.text[:300]
            results = response.json()["results"]
            stored += sum(r["status"] == "applied" for r in results)
        seconds = time.perf_counter() - started
    expected = sum(len(ops) for _, ops in batches)
    assert stored == expected, f"only {stored} of {expected} operations were applied"
    return seconds, stored


async def in_process_push(url: str, batches: list[tuple[Tablet, list[Any]]], data_dir: Path) -> float:
    """The same batches through the server's sync service in this process (no HTTP, session, device)."""
    async with connected(url):
        service = SyncService(SECRET, data_dir)
        users = {u.login: u for u in await User.filter(login__startswith="bench-").select_related("section")}
        requests = [
            (users[t.person.login], parse_push({"client_id": t.client_id, "ops": ops})) for t, ops in batches
        ]
        started = time.perf_counter()
        for user, request in requests:
            response = await service.push(user, request)
            assert all(r["status"] == "applied" for r in response.results), response.results[:3]
        return time.perf_counter() - started


async def plain_engine_ops_s(url: str) -> float:
    """``bench.sync_bench``'s engine figure: 10,000 operations on a table without projections."""
    async with connected(url):
        seconds = await sync_bench.push_all(TortoiseStore(), sync_bench.push_batches())
    return sync_bench.TABLETS * sync_bench.OPS_PER_TABLET / seconds


async def http_pull(base: str) -> tuple[float, int]:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        await sign_in(client, "demo-manager")
        started, cursor, pulled = time.perf_counter(), "", 0
        while True:
            response = await client.get(
                "/api/sync/v1/pull", params={"cursor": cursor, "limit": PAGE}, headers=SYNC_HEADERS
            )
            assert response.status_code == 200, response.text[:300]
            page = response.json()
            pulled += len(page["changes"])
            cursor = page["cursor"]
            if not page["has_more"]:
                return time.perf_counter() - started, pulled


async def in_process_pull(url: str, data_dir: Path) -> tuple[float, int]:
    async with connected(url):
        service = SyncService(SECRET, data_dir)
        manager = await User.get(login="demo-manager").select_related("section")
        started, cursor, pulled = time.perf_counter(), "", 0
        while True:
            page = await service.pull(manager, cursor, PAGE)
            pulled += len(page.changes)
            cursor = page.cursor
            if not page.has_more:
                return time.perf_counter() - started, pulled


async def one_op_latency(base: str, person: Person) -> tuple[float, float]:
    """Median milliseconds of a one-operation push and of a static file, taking turns."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        await sign_in(client, person.login)
        tablet = Tablet(person)
        body = json.dumps({"client_id": tablet.client_id, "label": "bench", "unsent": 0})
        assert (await client.post("/api/sync/v1/clients", headers=SYNC_HEADERS, content=body)).is_success
        home = (await client.get("/")).text
        css = re.search(r'href="(/static/css/app\.css[^"]*)"', home)
        static = css.group(1) if css else "/static/css/app.css"
        pushes, files = [], []
        for n in range(SINGLE_OPS):
            fields = {"section_id": person.section_id, "fiscal_year": 2026, "title": f"一件 {n}"}
            payload = json.dumps(
                {
                    "client_id": tablet.client_id,
                    "ops": [tablet.op("section_goals", str(uuid.uuid4()), fields)],
                },
                ensure_ascii=False,
            )
            started = time.perf_counter()
            response = await client.post("/api/sync/v1/push", headers=SYNC_HEADERS, content=payload.encode())
            pushes.append(time.perf_counter() - started)
            assert response.status_code == 200
            started = time.perf_counter()
            assert (await client.get(static)).status_code == 200
            files.append(time.perf_counter() - started)
    return statistics.median(pushes) * 1000, statistics.median(files) * 1000


class Databases:
    """One migrated, seeded template and fresh copies of it, on SQLite or PostgreSQL."""

    def __init__(self, name: str, folder: Path, cluster: ThrowawayCluster | None) -> None:
        self.name, self.folder, self.cluster, self.made = name, folder, cluster, 0

    async def template(self, staff: int = TABLETS) -> Ward:
        if self.cluster is None:
            return await prepare_ward(f"sqlite://{self.folder / 'template.sqlite3'}", staff)
        await self._create("http_bench_template")
        return await prepare_ward(self.cluster.url("http_bench_template"), staff)

    async def _create(self, name: str, template: str = "") -> str:
        assert self.cluster is not None
        admin = await asyncpg.connect(self.cluster.url("postgres"))
        try:
            await admin.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        finally:
            await admin.close()
        return self.cluster.url(name)

    async def fresh(self) -> str:
        self.made += 1
        if self.cluster is None:
            target = self.folder / f"copy-{self.made}.sqlite3"
            shutil.copyfile(self.folder / "template.sqlite3", target)
            return f"sqlite://{target}"
        return await self._create(f"http_bench_{self.made}", "http_bench_template")


async def run_backend(databases: Databases, tables: list[str], records: int) -> dict[str, Any]:
    ward = await databases.template()
    collector.settle()
    result: dict[str, Any] = {"backend": databases.name, "tables": {}}
    result["engine_ops_s"] = await plain_engine_ops_s(await databases.fresh())
    served_url = await databases.fresh()
    server = LiveServer(
        data_dir=Path(tempfile.mkdtemp(prefix="madoguchi-bench-")),
        port=free_port(),
        database_url=served_url,
        extra_env={"OKUYAMI_PURGE_HOURS": "0"},
    )
    server.start()
    try:
        for table in tables:
            tablets = [Tablet(person) for person in ward.people]
            batches = in_turns(tablets, table_ops(table, ward, tablets, records))
            http_seconds, stored = await http_push(server.url, batches)
            local_seconds = await in_process_push(await databases.fresh(), batches, server.data_dir)
            result["tables"][table] = {
                "records": stored,
                "http_s": stored / http_seconds,
                "in_process_s": stored / local_seconds,
            }
        pull_seconds, pulled = await http_pull(server.url)
        result["pull"] = {"records": pulled, "http_s": pulled / pull_seconds}
        result["push_ms"], result["static_ms"] = await one_op_latency(server.url, ward.people[0])
    finally:
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)
    local_seconds, local_pulled = await in_process_pull(served_url, Path(tempfile.gettempdir()))
    assert local_pulled >= pulled, (local_pulled, pulled)
    result["pull"]["in_process_s"] = local_pulled / local_seconds
    return result


def report(results: list[dict[str, Any]], records: int) -> None:
    print(
        f"Push: {records:,} new records per table from {TABLETS} tablets in batches of {BATCH}, over "
        "HTTP to `madoguchi serve`, and the same operations in-process through the server's sync service."
    )
    print(
        f"{'backend':<11} {'table':<20} {'HTTP rec/s':>10} {'in-process':>10} {'ratio':>6} {'vs engine':>9}"
    )
    for r in results:
        for table, t in r["tables"].items():
            ratio = t["http_s"] / t["in_process_s"]
            print(
                f"{r['backend']:<11} {table:<20} {t['http_s']:>10.0f} {t['in_process_s']:>10.0f} "
                f"{ratio:>6.2f} {t['http_s'] / r['engine_ops_s']:>9.2f}"
            )
    print("'vs engine': HTTP records/s ÷ bench.sync_bench's engine op/s (no projections), same run:")
    for r in results:
        print(f"  {r['backend']}: engine {r['engine_ops_s']:.0f} op/s")
    print(
        f"{'backend':<11} {'pull HTTP rec/s':>15} {'in-process':>10} {'ratio':>6} {'records':>8}   "
        f"{'1-op push ms':>12} {'static ms':>9} {'ratio':>6}"
    )
    for r in results:
        p = r["pull"]
        print(
            f"{r['backend']:<11} {p['http_s']:>15.0f} {p['in_process_s']:>10.0f} "
            f"{p['http_s'] / p['in_process_s']:>6.2f} {p['records']:>8}   {r['push_ms']:>12.2f} "
            f"{r['static_ms']:>9.2f} {r['push_ms'] / r['static_ms']:>6.2f}"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000, help="new records per table")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--tables", default=",".join(TABLES))
    args = parser.parse_args()
    tables = [t for t in args.tables.split(",") if t]
    unknown = set(tables) - set(TABLES)
    if unknown:
        parser.error(f"unknown tables: {', '.join(sorted(unknown))}")
    results = []
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        if "sqlite" in args.backends:
            results.append(await run_backend(Databases("SQLite", folder, None), tables, args.records))
        if "postgres" in args.backends:
            cluster = ThrowawayCluster()
            cluster.start()
            stack.callback(cluster.stop)
            results.append(await run_backend(Databases("PostgreSQL", folder, cluster), tables, args.records))
    report(results, args.records)


if __name__ == "__main__":
    asyncio.run(main())
