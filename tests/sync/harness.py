"""Simulated tablets for engine tests: each has a client id, an ordered outbox and the versions it pulled."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

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
    SignOff,
    TableSpec,
    Workflow,
    format_stamp,
)

SECRET = b"test-cursor-secret"

INSPECTIONS = TableSpec(
    name="inspections",
    fields={
        "place": FieldSpec(FieldType.TEXT, Policy.REVIEW),
        "score": FieldSpec(FieldType.INT, Policy.REVIEW),
        "opened_tab": FieldSpec(FieldType.TEXT, Policy.LWW),
        "photos": FieldSpec(FieldType.TEXT, Policy.SET),
        "notes": FieldSpec(FieldType.TEXT, Policy.APPEND),
        "status": FieldSpec(FieldType.TEXT, Policy.STATE, nullable=False),
        "signature": FieldSpec(FieldType.JSON, Policy.REVIEW),
    },
    workflow=Workflow(
        field="status",
        transitions={
            "draft": frozenset({"submitted"}),
            "submitted": frozenset({"approved", "returned"}),
            "returned": frozenset({"submitted"}),
            "approved": frozenset(),
        },
        rank={"draft": 0, "returned": 1, "submitted": 2, "approved": 3},
        initial="draft",
    ),
    sign_off=SignOff(
        field="status",
        states=frozenset({"submitted", "approved"}),
        protected=frozenset({"place", "score", "signature", "photos"}),
    ),
)
CASES = TableSpec(
    name="cases",
    fields={"family_name": FieldSpec(FieldType.TEXT), "desk": FieldSpec(FieldType.TEXT, Policy.LWW)},
    scope_of=lambda values: "okuyami",
)


def registry() -> Registry:
    return Registry([INSPECTIONS, CASES])


class FixedClock:
    def __init__(self) -> None:
        self.moment = datetime(2024, 11, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.moment += timedelta(milliseconds=1)
        return self.moment


STAFF = Actor(user="demo-staff", scopes=frozenset({"ward"}), roles=frozenset({"staff"}))


@dataclass
class Tablet:
    """A tablet: it stamps operations with its own clock and bases edits on the versions it has pulled."""

    name: str
    actor: Actor = STAFF
    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    seq: int = 0
    millis: int = 1_730_000_000_000
    counter: int = 0
    seen: dict[tuple[str, str], int] = field(default_factory=dict)
    rows: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    outbox: list[Op] = field(default_factory=list)
    cursor: str = ""

    def op(
        self,
        table: str,
        record_id: str,
        kind: Kind,
        fields: dict[str, Any] | None = None,
        base: int | None | str = "seen",
    ) -> Op:
        self.seq += 1
        self.counter += 1
        stamp = format_stamp(self.millis, self.counter, self.client_id)
        base_version = self.seen.get((table, record_id)) if base == "seen" else base
        op = Op(
            op_id=str(uuid.uuid4()),
            client_seq=self.seq,
            hlc=stamp,
            table=table,
            record_id=record_id,
            kind=kind,
            base_version=None if kind is Kind.CREATE else base_version,
            fields=fields or {},
        )
        self.outbox.append(op)
        return op

    def request(self, ops: list[Op] | None = None) -> PushRequest:
        return PushRequest(client_id=self.client_id, ops=list(self.outbox if ops is None else ops))

    async def push(self, engine: Engine, ops: list[Op] | None = None) -> list[dict[str, Any]]:
        response = await engine.push(self.actor, self.request(ops))
        done = {r["op_id"] for r in response.results}
        self.outbox = [op for op in self.outbox if op.op_id not in done]
        return response.results

    async def pull(self, engine: Engine, limit: int = 500) -> None:
        while True:
            page = await engine.pull(self.actor, self.cursor, limit)
            if page.reset:
                self.rows.clear()
                self.seen.clear()
            for item in page.changes:
                key = (item.table, item.id)
                self.seen[key] = item.version
                if item.deleted:
                    self.rows.pop(key, None)
                else:
                    self.rows[key] = dict(item.row or {})
            for gone in [*page.evictions, *page.purged]:
                self.rows.pop((gone["table"], gone["id"]), None)
            self.cursor = page.cursor
            if not page.has_more:
                return


def new_engine(store: Any, **kwargs: Any) -> Engine:
    return Engine(store, registry(), secret=SECRET, now=FixedClock(), **kwargs)
