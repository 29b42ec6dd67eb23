"""Kill the server in the middle of large pushes; after a restart and a retry nothing is lost or doubled."""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import sqlite3
import uuid

import httpx

from tests.live_server import DEMO_PASSWORD, prepared_server

HEADERS = {"X-Madoguchi-Sync": "1", "Content-Type": "application/json"}
BATCHES, PER_BATCH = 12, 400


async def signed_in(url: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=url, timeout=30)
    await client.get("/login")
    await client.post(
        "/login",
        data={
            "login": "demo-staff",
            "password": DEMO_PASSWORD,
            "_csrf_token": client.cookies["madoguchi_csrf"],
        },
    )
    return client


def batches(client_id: str, section_id: int) -> list[dict[str, object]]:
    out = []
    for b in range(BATCHES):
        ops = []
        for n in range(PER_BATCH):
            seq = b * PER_BATCH + n + 1
            ops.append(
                {
                    "op_id": str(uuid.uuid4()),
                    "client_seq": seq,
                    "hlc": f"{1730000000000 + seq:013d}:00000:c",
                    "table": "section_goals",
                    "record_id": str(uuid.uuid4()),
                    "kind": "create",
                    "base_version": None,
                    "fields": {
                        "section_id": section_id,
                        "fiscal_year": 2024,
                        "title": f"目標 {seq}",
                        "progress": "進捗" * 40,
                    },
                }
            )
        out.append({"client_id": client_id, "ops": ops})
    return out


async def test_killing_the_server_mid_push_loses_and_doubles_nothing() -> None:
    server = prepared_server().start()
    try:
        database = server.data_dir / "e2e.sqlite3"
        with sqlite3.connect(database) as db:
            section_id = db.execute("SELECT section_id FROM app_user WHERE login = 'demo-staff'").fetchone()[
                0
            ]
        client = await signed_in(server.url)
        client_id = str(uuid.uuid4())
        await client.post(
            "/api/sync/v1/clients", headers=HEADERS, content=json.dumps({"client_id": client_id})
        )
        pending = batches(client_id, section_id)

        async def kill_soon() -> None:
            await asyncio.sleep(0.8)
            assert server.process is not None
            server.process.send_signal(signal.SIGKILL)

        killer = asyncio.create_task(kill_soon())
        acknowledged = 0
        interrupted = False
        for batch in pending:
            try:
                response = await client.post("/api/sync/v1/push", headers=HEADERS, content=json.dumps(batch))
            except httpx.TransportError:
                interrupted = True
                break
            assert response.status_code == 200
            acknowledged += 1
        await killer
        assert interrupted, "the server was killed only after every push finished; the test proved nothing"
        server.process.wait()  # type: ignore[union-attr]

        server.start()
        client = await signed_in(server.url)
        # The tablet never heard about the interrupted batch: it resends everything not acknowledged.
        for batch in pending[acknowledged:]:
            response = await client.post("/api/sync/v1/push", headers=HEADERS, content=json.dumps(batch))
            assert response.status_code == 200, response.text
            assert all(r["status"] == "applied" for r in response.json()["results"])
        # A second resend of everything changes nothing and answers with the same results.
        again = await client.post("/api/sync/v1/push", headers=HEADERS, content=json.dumps(pending[-1]))
        assert again.json()["last_seq"] == BATCHES * PER_BATCH
        await client.aclose()
        with sqlite3.connect(database) as db:
            records = db.execute(
                "SELECT count(*) FROM sync_record WHERE table_name = 'section_goals'"
            ).fetchone()[0]
            history = db.execute("SELECT count(*), count(DISTINCT op_id) FROM sync_history").fetchone()
            last_seq = db.execute(
                "SELECT last_seq FROM sync_client WHERE client_id = ?", [client_id]
            ).fetchone()[0]
            goals = db.execute("SELECT count(*) FROM section_goal").fetchone()[0]
        assert records == goals == BATCHES * PER_BATCH
        assert history[0] == history[1] == BATCHES * PER_BATCH
        assert last_seq == BATCHES * PER_BATCH
    finally:
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)
