"""The dashboard's tallies, kept in step change by change through the real sync and projection path,
always equal tallies rebuilt from the projections from scratch (on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter
from typing import Any

from server.compliance.synced import section_scope
from server.db import connected
from server.inspections.records import answer_id
from server.models import Section
from server.rollups.rebuild import rebuild
from server.sync_api.registry import project, registry
from server.sync_api.rulebook import ward_scope
from server.sync_api.store import TortoiseStore
from sync import Actor, Engine, Kind, Op, PushRequest, format_stamp
from tests.server.projected import snapshot

WARD = "高津区"

PERIODS = ("2026-04", "2026-05", "2027-01")
TABLES = ("self_check_answers", "inspections", "inspection_answers", "corrective_actions", "feedback")
ACTION_STEPS = {"raised": "accepted", "accepted": "in_progress", "in_progress": "reported"}


class Clock:
    def __init__(self) -> None:
        self.moment = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.moment


class Workload:
    """Random creates, changes, deletes, restores and purges of every record the dashboard counts."""

    def __init__(self, rng: random.Random, sections: list[int]) -> None:
        self.rng, self.sections = rng, sections
        self.clock = Clock()
        self.engine = Engine(
            TortoiseStore(), registry(), secret=b"tallies", now=self.clock, on_change=project
        )
        self.client_id, self.seq = str(uuid.uuid4()), 0
        scopes = frozenset({ward_scope(WARD), *(section_scope(s) for s in sections)})
        self.actor = Actor(user="demo-manager", scopes=scopes, roles=frozenset({"manager"}))
        self.records: dict[str, list[str]] = {}
        self.actions: dict[str, str] = {}
        self.applied: Counter[str] = Counter()
        self.versions: dict[str, int] = {}  # as last seen, so changes are not taken for blind overwrites

    def day(self) -> str:
        return (dt.date(2026, 3, 20) + dt.timedelta(days=self.rng.randrange(320))).isoformat()

    async def push(self, table: str, record_id: str, kind: Kind, fields: dict[str, Any]) -> str:
        self.seq += 1
        self.clock.moment += dt.timedelta(days=self.rng.choice((0, 0, 1, 3, 20)), minutes=1)
        if kind is Kind.CREATE and table != "self_check_answers":
            fields = {**fields, "ward": WARD}  # as the server writes it from the creator's ward
        op = Op(
            op_id=str(uuid.uuid4()),
            client_seq=self.seq,
            hlc=format_stamp(int(self.clock.moment.timestamp() * 1000), 0, self.client_id),
            table=table,
            record_id=record_id,
            kind=kind,
            base_version=None if kind is Kind.CREATE else self.versions.get(record_id),
            fields=fields,
        )
        response = await self.engine.push(self.actor, PushRequest(client_id=self.client_id, ops=[op]))
        result = response.results[0]
        status = str(result["status"])
        if result["record_version"] is not None:
            self.versions[record_id] = int(result["record_version"])
        self.applied[table if status == "applied" else status] += 1
        return status

    def fields(self, table: str) -> dict[str, Any]:
        rng = self.rng
        if table == "self_check_answers":
            return {
                "section_id": rng.choice(self.sections),
                "period": rng.choice(PERIODS),
                "respondent": f"user:{rng.randrange(3)}",
                "standard_code": rng.choice(("SB-01", "SB-02")),
                "result": rng.choice(("compliant", "compliant", "noncompliant", "na", None)),
            }
        if table == "inspections":
            return {
                "template_id": 1,
                "section_id": rng.choice(self.sections),
                "submitted_at": rng.choice((None, f"{self.day()}T10:00:00+09:00", f"{self.day()}T16:00:00Z")),
            }
        if table == "corrective_actions":
            return {
                "section_id": rng.choice(self.sections),
                "title": "x",
                "due_on": rng.choice((None, self.day())),
            }
        return {
            "received_on": self.day(),
            "channel": "box",
            "text": "x",
            "answered_on": rng.choice((None, self.day())),
            "improved": rng.random() < 0.3,
        }

    async def step(self) -> None:
        rng = self.rng
        table = rng.choice(TABLES)
        known = self.records.setdefault(table, [])
        if table == "inspection_answers":
            inspections = self.records.get("inspections") or []
            if inspections:
                inspection = rng.choice(inspections)
                item = f"item-{rng.randrange(3)}"
                result = rng.choice(("pass", "fail", "na", None))
                record = answer_id(inspection, item)
                kind = rng.choice((Kind.CREATE, Kind.PATCH, Kind.DELETE, Kind.RESTORE))
                fields = {"inspection_id": inspection, "item_key": item, "result": result}
                await self.push(table, record, Kind.CREATE if record not in known else kind, fields)
                known.append(record)
            return
        choice = rng.random()
        if not known or choice < 0.3:
            record = str(uuid.uuid4())
            fields = self.fields(table)
            if table == "feedback":
                fields["sections"] = rng.sample(self.sections, rng.randrange(3))
            if await self.push(table, record, Kind.CREATE, fields) == "applied":
                known.append(record)
                self.actions[record] = "raised"
            return
        record = rng.choice(known)
        if choice < 0.45:
            await self.push(table, record, rng.choice((Kind.DELETE, Kind.RESTORE)), {})
        elif choice < 0.5:
            await self.engine.purge(table, record)
        elif table == "corrective_actions" and choice < 0.85:
            for _ in range(rng.randrange(1, 5)):  # a few steps of the lifecycle at once, up to closing
                state = self.actions.get(record, "raised")
                if state == "confirmed":
                    return
                target = ACTION_STEPS.get(state, rng.choice(("confirmed", "in_progress")))
                if await self.push(table, record, Kind.PATCH, {"status": target}) == "applied":
                    self.actions[record] = target
        elif table == "inspections" and choice < 0.8:
            await self.push(table, record, Kind.PATCH, {"status": "submitted"})
        elif table == "feedback" and choice < 0.7:
            kind = rng.choice((Kind.SET_ADD, Kind.SET_REMOVE))
            await self.push(table, record, kind, {"sections": [rng.choice(self.sections)]})
        elif table == "feedback" and choice < 0.8:
            await self.push(table, record, Kind.PATCH, {"status": "triaged"})
        else:
            fields = self.fields(table)
            changed = dict(rng.sample(sorted(fields.items()), rng.randrange(1, 3)))
            await self.push(table, record, Kind.PATCH, changed)


async def test_tallies_kept_change_by_change_equal_a_rebuild(database_url: str) -> None:
    async with connected(database_url):
        sections = [s.id for s in await Section.all().order_by("id").limit(3)]
        for seed in range(4):
            workload = Workload(random.Random(seed), sections)
            for _ in range(200):
                await workload.step()
            assert set(TABLES) <= set(workload.applied), workload.applied
            kept = await snapshot()
            await rebuild()
            assert await snapshot() == kept, f"seed {seed}"
        assert all(kept.values()), f"a tally the workload never reached: {kept}"
