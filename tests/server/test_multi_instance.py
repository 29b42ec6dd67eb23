"""Two ``madoguchi serve`` processes on one PostgreSQL database, as behind a load balancer: a session,
a device and a sync cursor work on either, concurrent pushes to the same records through different
instances lose nothing, and the retention purge runs once however many processes start it."""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio

from tests.live_server import DEMO_PASSWORD, ROOT, LiveServer
from tests.pg_cluster import free_port, scratch_database
from tests.server.conftest import post_form, sign_in
from tests.server.test_okuyami_desk import ANSWERS, start_case

pytestmark = pytest.mark.postgres
HEADERS = {"X-Madoguchi-Sync": "1", "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def database_url(postgres_server_url: str) -> Iterator[str]:
    with scratch_database(postgres_server_url, "madoguchi_multi") as url:
        yield url


@pytest.fixture(scope="module")
def instances(database_url: str) -> Iterator[list[LiveServer]]:
    """Two instances sharing the database, the secret key and the file store (DATA_DIR), as
    docs/deploy.md asks of a deployment."""
    shared = Path(tempfile.mkdtemp(prefix="madoguchi-multi-"))
    servers = [
        LiveServer(
            data_dir=shared,
            port=free_port(),
            database_url=database_url,
            extra_env={"OKUYAMI_PURGE_HOURS": "0"},
        )  # fmt: skip
        for _ in range(2)
    ]
    servers[0].madoguchi("migrate")
    servers[0].madoguchi("seed-demo", "--password", DEMO_PASSWORD)
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(shared, ignore_errors=True)


@pytest_asyncio.fixture
async def clients(instances: list[LiveServer]) -> AsyncIterator[list[httpx.AsyncClient]]:
    async with (
        httpx.AsyncClient(base_url=instances[0].url, timeout=60) as first,
        httpx.AsyncClient(base_url=instances[1].url, timeout=60) as second,
    ):
        yield [first, second]


class Tablet:
    """One device whose requests go to the instance the balancer picks for each (``via``)."""

    def __init__(self, clients: list[httpx.AsyncClient]) -> None:
        self.clients, self.client_id, self.seq, self.cursor = clients, str(uuid.uuid4()), 0, ""

    def op(
        self, record_id: str, kind: str, fields: dict[str, Any], base: int | None = None
    ) -> dict[str, Any]:
        self.seq += 1
        return {"op_id": str(uuid.uuid4()), "client_seq": self.seq, "table": "section_goals",
                "hlc": f"{1_760_000_000_000 + self.seq:013d}:00000:{self.client_id[:8]}",
                "record_id": record_id, "kind": kind, "base_version": base, "fields": fields}  # fmt: skip

    async def register(self, via: int) -> None:
        body = json.dumps({"client_id": self.client_id, "label": "窓口用", "unsent": 0})
        response = await self.clients[via].post("/api/sync/v1/clients", headers=HEADERS, content=body)
        assert response.status_code == 200, response.text

    async def push(self, via: int, *ops: dict[str, Any]) -> list[dict[str, Any]]:
        body = json.dumps({"client_id": self.client_id, "ops": list(ops)}, ensure_ascii=False)
        response = await self.clients[via].post("/api/sync/v1/push", headers=HEADERS, content=body.encode())
        assert response.status_code == 200, response.text
        results: list[dict[str, Any]] = response.json()["results"]
        return results

    async def pull(self, via: int) -> list[dict[str, Any]]:
        changes: list[dict[str, Any]] = []
        while True:
            response = await self.clients[via].get(
                "/api/sync/v1/pull", params={"cursor": self.cursor}, headers=HEADERS
            )
            assert response.status_code == 200, response.text
            page = response.json()
            changes += page["changes"]
            self.cursor = page["cursor"]
            if not page["has_more"]:
                return changes


def shared_session(clients: list[httpx.AsyncClient]) -> None:
    """The balancer sends the same browser to either instance: the second client gets the cookies."""
    for cookie in clients[0].cookies.jar:
        clients[1].cookies.set(cookie.name, cookie.value or "")


async def section_of(clients: list[httpx.AsyncClient], database_url: str, login: str) -> int:
    connection = await asyncpg.connect(database_url)
    try:
        section: int = await connection.fetchval("SELECT section_id FROM app_user WHERE login = $1", login)
    finally:
        await connection.close()
    return section


async def test_a_session_device_and_cursor_work_on_either_instance(
    clients: list[httpx.AsyncClient], database_url: str
) -> None:
    assert (await sign_in(clients[0], "demo-staff", DEMO_PASSWORD)).status_code == 302
    shared_session(clients)
    home = await clients[1].get("/", follow_redirects=False)
    assert home.status_code == 200 and "デモ 係員" in home.text

    tablet = Tablet(clients)
    await tablet.register(via=0)
    goal = str(uuid.uuid4())
    fields = {"section_id": await section_of(clients, database_url, "demo-staff"), "fiscal_year": 2026,
              "title": "待ち時間を短くする"}  # fmt: skip
    assert [r["status"] for r in await tablet.push(0, tablet.op(goal, "create", fields))] == ["applied"]
    assert goal in {c["id"] for c in await tablet.pull(via=0)}
    # The next operation and pull go to the other instance, with the cursor the first one issued.
    assert [
        r["status"] for r in await tablet.push(1, tablet.op(goal, "patch", {"progress": "案内係"}, 1))
    ] == ["applied"]
    changes = await tablet.pull(via=1)
    assert [(c["id"], c["version"], c["row"]["progress"]) for c in changes] == [(goal, 2, "案内係")]


async def test_concurrent_pushes_through_both_instances_lose_nothing(
    clients: list[httpx.AsyncClient], database_url: str
) -> None:
    assert (await sign_in(clients[0], "demo-staff", DEMO_PASSWORD)).status_code == 302
    shared_session(clients)
    section = await section_of(clients, database_url, "demo-staff")
    author = Tablet(clients)
    await author.register(via=0)
    goals = [str(uuid.uuid4()) for _ in range(3)]
    created = {"section_id": section, "fiscal_year": 2026, "title": "目標"}
    await author.push(0, *(author.op(goal, "create", created) for goal in goals))
    tablets = [Tablet(clients) for _ in range(6)]
    for n, tablet in enumerate(tablets):
        await tablet.register(via=n % 2)

    async def edits(n: int, tablet: Tablet) -> list[str]:
        notes = []
        for round_ in range(5):
            ops = []
            for goal in goals:
                notes.append(f"tablet {n} round {round_} goal {goal[:8]}")
                ops.append(tablet.op(goal, "patch", {"notes": notes[-1]}, base=1))
            results = await tablet.push((n + round_) % 2, *ops)
            assert {r["status"] for r in results} <= {"applied", "merged"}, results
        return notes

    written = [
        note
        for notes in await asyncio.gather(*(edits(n, t) for n, t in enumerate(tablets)))
        for note in notes
    ]
    reader = Tablet(clients)
    await reader.register(via=1)
    rows = {c["id"]: c for c in await reader.pull(via=1) if c["id"] in goals}
    kept = [
        entry["text"] if isinstance(entry, dict) else entry
        for g in goals
        for entry in rows[g]["row"]["notes"]
    ]
    assert sorted(kept) == sorted(written)
    # Every operation made exactly one version: 1 (create) + 6 tablets × 5 rounds.
    assert {rows[g]["version"] for g in goals} == {1 + 6 * 5}


async def test_the_retention_purge_runs_once_when_two_processes_start_it(
    clients: list[httpx.AsyncClient], instances: list[LiveServer], database_url: str
) -> None:
    assert (await sign_in(clients[0], "demo-okuyami", DEMO_PASSWORD)).status_code == 302
    case_id = await start_case(clients[0])
    await post_form(clients[0], f"/okuyami/cases/{case_id}/intake", ANSWERS)
    assert (
        await post_form(clients[0], f"/okuyami/cases/{case_id}/progress", {"close": "1"})
    ).status_code == 302
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute(
            "UPDATE okuyami_case SET closed_on = closed_on - 30 WHERE id = $1", uuid.UUID(case_id)
        )
        env = {**instances[0].env(), "OKUYAMI_RETENTION_DAYS": "1"}
        runs = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "server",
                "okuyami",
                "purge",
                cwd=ROOT,
                env=env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
            )  # fmt: skip
            for _ in range(2)
        ]
        outputs = [(await run.communicate())[0].decode() for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs
        purged = await connection.fetchval(
            "SELECT COUNT(*) FROM audit_event WHERE action = 'okuyami.case_purged' AND target_id = $1",
            case_id,
        )
        name = await connection.fetchval(
            "SELECT deceased_name FROM okuyami_case WHERE id = $1", uuid.UUID(case_id)
        )
    finally:
        await connection.close()
    assert purged == 1 and name == ""
