from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

from tortoise.cli.cli import tortoise_cli_context
from tortoise.migrations.autodetector import MigrationAutodetector

from server.db import tortoise_config
from sync import Kind


async def test_models_and_migrations_agree(tmp_path: Path) -> None:
    """A model change without its migration would only break on someone's production database."""
    config = tortoise_config(f"sqlite://{tmp_path / 'drift.sqlite3'}")
    async with tortoise_cli_context(config) as ctx:
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    assert [w.name for w in writers] == []


async def test_migrations_create_every_table(database_url: str) -> None:
    from tortoise import Tortoise

    from server.db import connected

    async with connected(database_url):
        conn = Tortoise.get_connection("default")
        if database_url.startswith("sqlite"):
            rows = await conn.execute_query_dict("SELECT name FROM sqlite_master WHERE type='table'")
        else:
            rows = await conn.execute_query_dict(
                "SELECT table_name AS name FROM information_schema.tables WHERE table_schema='public'"
            )
    names = {row["name"] for row in rows}
    assert {
        "section",
        "app_user",
        "audit_event",
        "web_session",
        "rate_limit",
        "tortoise_migrations",
    } <= names


async def test_what_a_server_stored_before_0007_is_still_answered_and_pulled(empty_database_url: str) -> None:
    """0007 changes how sync data is stored. Rows written before it (results one per operation, changes in
    the log, records without a view and with entries as objects) must still answer a resent batch, reach
    a tablet that pulls from the start, and take new changes."""
    from tortoise import Tortoise
    from tortoise.migrations.api.migrate import migrate as run_migrations

    from server.db import connected
    from server.sync_api.store import TortoiseStore
    from sync import Entry, MemoryStore
    from tests.sync.harness import Tablet, new_engine

    # What the previous release held, made with the reference store and written in its layout.
    before = MemoryStore()
    tablet = Tablet("before")
    rid = str(uuid.uuid4())
    tablet.op("inspections", rid, Kind.CREATE, {"place": "1階", "photos": ["p"], "notes": "メモ"})
    tablet.op("inspections", rid, Kind.PATCH, {"place": "2階"}, base=1)
    tablet.op("inspections", str(uuid.uuid4()), Kind.CREATE, {"place": "別"})
    batch = list(tablet.outbox)
    answers = await tablet.push(new_engine(before), batch)
    reference = Tablet("reference")
    await reference.pull(new_engine(before))

    def as_objects(entries: list[Entry]) -> list[dict[str, object]]:
        return [e._asdict() for e in entries]

    await run_migrations(config=tortoise_config(empty_database_url), target="models.0004_section_goals")
    await Tortoise.close_connections()
    async with connected(empty_database_url):
        conn = Tortoise.get_connection("default")
        postgres = conn.capabilities.dialect == "postgres"

        async def insert(table: str, row: dict[str, object]) -> None:
            marks = [f"${n}" if postgres else "?" for n in range(1, len(row) + 1)]
            sql = f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(marks)})"  # noqa: S608
            await conn.execute_query(sql, list(row.values()))

        for (table, record_id), record in before.records.items():
            state = record.to_json()
            for group in ("registers", "sets", "notes", "trails"):
                state[group] = {name: as_objects(items) for name, items in state[group].items()}
            state["previous"] = {name: e._asdict() for name, e in record.previous.items()}
            state["deletion"] = as_objects(record.deletion)
            key = f"{table}:{record_id}"
            values = (table, record_id, record.scope, record.version, record.deleted, record.purged)
            names = ("table_name", "record_id", "scope", "version", "deleted", "purged")
            await insert(
                "sync_record",
                {"key": key, **dict(zip(names, values, strict=True)), "state": json.dumps(state)},
            )
        for scope, changes in before.changes.items():
            for c in changes:
                await insert(
                    "sync_change",
                    {
                        "scope": scope,
                        "seq": c.seq,
                        "table_name": c.table,
                        "record_id": c.record_id,
                        "kind": c.kind,
                    },
                )
            await insert("sync_counter", {"scope": scope, "seq": before.counters[scope]})
        for op in batch:
            result = json.dumps(before.results[op.op_id])
            await insert(
                "sync_result",
                {
                    "op_id": op.op_id,
                    "client_id": tablet.client_id,
                    "client_seq": op.client_seq,
                    "result": result,
                },
            )
        await insert("sync_client", {"client_id": tablet.client_id, "last_seq": 3, "login": "demo-staff"})

    # Up to the last migration before 0014, which moves the ward's records (these are made with the
    # reference table, not the server's) into a scope per ward; its own test follows.
    await run_migrations(config=tortoise_config(empty_database_url), target="models.0013_dashboard_rollups")
    await Tortoise.close_connections()
    async with connected(empty_database_url):
        engine = new_engine(TortoiseStore())
        assert await tablet.push(engine, batch) == answers
        after = Tablet("after")
        await after.pull(engine)
        assert after.rows == reference.rows and after.seen == reference.seen
        tablet.op("inspections", rid, Kind.PATCH, {"place": "3階"}, base=2)
        assert (await tablet.push(engine))[0]["status"] == "applied"
        await after.pull(engine)
        assert after.rows[("inspections", rid)]["place"] == "3階"


async def test_0011_fills_the_tallies_from_what_is_stored(empty_database_url: str) -> None:
    """A deployment upgraded to 0013 shows the numbers it showed before: the tallies are filled from the
    projections the migration finds."""
    from tortoise import Tortoise
    from tortoise.migrations.api.migrate import migrate as run_migrations

    from server.dashboard import sql
    from server.db import connected, migrate
    from server.rollups.rebuild import rebuild
    from tests.server.projected import snapshot

    await run_migrations(config=tortoise_config(empty_database_url), target="models.0010_dashboard_indexes")
    await Tortoise.close_connections()
    async with connected(empty_database_url):
        conn = sql.connection()
        postgres = sql.is_postgres(conn)

        async def insert(table: str, row: dict[str, object]) -> None:
            marks = [f"${n}" if postgres else "?" for n in range(1, len(row) + 1)]
            statement = f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(marks)})"  # noqa: S608
            await conn.execute_query(statement, list(row.values()))

        april, may = dt.date(2026, 4, 3), dt.date(2026, 5, 20)
        for result in ("compliant", "compliant", "noncompliant", "na"):
            await insert(
                "self_check_answer",
                {"id": str(uuid.uuid4()), "section_id": 1, "period": "2026-04", "standard_code": "SB-01",
                 "result": result, "note": ""},
            )  # fmt: skip
        await insert(
            "inspection",
            {"id": str(uuid.uuid4()), "section_id": 1, "family": "f", "status": "submitted",
             "submitted_on": april, "passed": 8, "failed": 2},
        )  # fmt: skip
        await insert(
            "corrective_action",
            {"id": str(uuid.uuid4()), "section_id": 1, "raised_on": april, "due_on": may, "closed_on": may,
             "description": "", "report_note": ""},
        )  # fmt: skip
        await insert(
            "corrective_action",
            {"id": str(uuid.uuid4()), "section_id": 2, "raised_on": april, "description": "",
             "report_note": ""},
        )  # fmt: skip
        comment = str(uuid.uuid4())
        await insert(
            "feedback",
            {"id": comment, "received_on": april, "answered_on": may, "status": "published", "text": "x",
             "answer": "", "published_comment": "", "published_answer": "", "action_ids": "[]"},
        )  # fmt: skip
        await insert("feedback_section", {"feedback_id": comment, "section_id": 2})
    await migrate(empty_database_url)
    async with connected(empty_database_url):
        filled = await snapshot()
        assert filled["compliance_tally"] == {("2026-04", "1", "SB-01"): (4, 2, 3, 1)}
        assert filled["inspection_tally"] == {("2026-04-03", "1", "f"): (1, 8, 2)}
        assert filled["action_open_tally"] == {("2", "2026-04-03", "9999-12-31"): (1,)}
        assert filled["action_closed_tally"] == {("2026-05-01", "1"): (1, 1)}
        # Scope 0 is the whole ward; April 3 to May 20 is 47 days.
        assert filled["action_close_days"] == {
            ("0", "2026-05-01", "47"): (1,),
            ("1", "2026-05-01", "47"): (1,),
        }
        assert filled["feedback_tally"] == {
            ("0", "2026-04-01"): (1, 1, 1, 0),
            ("2", "2026-04-01"): (1, 1, 1, 0),
        }
        assert filled["feedback_answer_days"] == {
            ("0", "2026-04-01", "47"): (1,),
            ("2", "2026-04-01", "47"): (1,),
        }
        await rebuild()
        assert await snapshot() == filled


async def test_0014_moves_the_wards_records_into_its_scope_and_resets_old_cursors(
    empty_database_url: str, tmp_path: Path
) -> None:
    """Records synced in the deployment-wide scope before 0014 belong to the deployment's ward: they reach
    that ward's accounts, no other ward's, keep taking changes, and a tablet's old cursor is reset (its
    unsent changes are kept on the tablet and pushed as usual)."""
    from dataclasses import replace

    from tortoise import Tortoise
    from tortoise.migrations.api.migrate import migrate as run_migrations

    from server.auth import service as auth_service
    from server.db import connected, migrate
    from server.goals.synced import SECTION_GOALS
    from server.models import Role, Section, User
    from server.seed import seed_sections
    from server.sync_api.service import SyncService
    from server.sync_api.store import TortoiseStore
    from sync import Actor, Engine, Op, PushRequest, Registry, format_stamp

    await run_migrations(config=tortoise_config(empty_database_url), target="models.0013_dashboard_rollups")
    await Tortoise.close_connections()
    goal = str(uuid.uuid4())
    secret = "s" * 40
    # The goal as the previous release synced it: no ward field, the one scope "ward".
    before = replace(SECTION_GOALS, fields={k: v for k, v in SECTION_GOALS.fields.items() if k != "ward"})
    before = replace(before, scope_of=lambda values: "ward")
    async with connected(empty_database_url):
        # Only what existed at 0013: today's seed also fills tables that later migrations add.
        await seed_sections()
        kumin = await Section.get(code="kumin")
        await auth_service.create_user(
            login="demo-staff", display_name="係員", password="a-password-1", role=Role.STAFF, section=kumin
        )
        section = kumin.id
        engine = Engine(TortoiseStore(), Registry([before]), secret=f"sync-cursor:{secret}".encode())
        actor = Actor(user="demo-staff", scopes=frozenset({"ward"}))
        fields = {"section_id": section, "fiscal_year": 2024, "title": "待ち時間"}
        op = Op(str(uuid.uuid4()), 1, format_stamp(1730000000000, 0, "c"), "section_goals", goal,
                Kind.CREATE, None, fields)  # fmt: skip
        await engine.push(actor, PushRequest(client_id=str(uuid.uuid4()), ops=[op]))
        old_cursor = (await engine.pull(actor, "")).cursor
    await migrate(empty_database_url, "高津区")
    async with connected(empty_database_url):
        sync = SyncService(secret, tmp_path)
        staff = await User.get(login="demo-staff")
        other = await auth_service.create_user(
            login="nakahara", display_name="中原", password="a-password-for-tests-1", role=Role.MANAGER,
            ward="中原区",
        )  # fmt: skip
        reset = await sync.pull(staff, old_cursor, 500)
        assert reset.reset and [c.row["ward"] for c in reset.changes if c.id == goal] == ["高津区"]
        assert all(c.id != goal for c in (await sync.pull(other, "", 500)).changes)
        patch = Op(str(uuid.uuid4()), 1, format_stamp(1730000001000, 0, "d"), "section_goals", goal,
                   Kind.PATCH, 1, {"target": "10分"})  # fmt: skip
        client = str(uuid.uuid4())
        result = (await sync.push(staff, PushRequest(client_id=client, ops=[patch]))).results[0]
        assert result["status"] == "applied", result
        again = await sync.pull(staff, reset.cursor, 500)
        assert [(c.row["target"], c.row["ward"]) for c in again.changes] == [("10分", "高津区")]
