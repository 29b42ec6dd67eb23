"""Refusals do not depend on arrival order: a workflow step is judged against the state its author saw.

The same offline edits are delivered in two orders to twin records through the real server (its rules,
its store); the twins must end alike: the same values, the same operations refused, the same conflicts.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from litestar import Litestar

from server.inspections.records import CORRECTIVE_ACTIONS
from server.models import SyncConflict, User
from server.state import AppState
from sync import Kind, Op, PushRequest, format_stamp

ORDER = ("raised", "accepted", "in_progress", "reported", "confirmed")
SCENARIOS = 12


@dataclass
class Device:
    """One tablet: its client id per twin, and its numbered outbox."""

    login: str
    clients: dict[str, str] = field(default_factory=dict)
    seqs: dict[str, int] = field(default_factory=dict)

    def client(self, record: str) -> str:
        return self.clients.setdefault(record, str(uuid.uuid4()))


@dataclass
class Edit:
    device: Device
    kind: Kind
    fields: dict[str, Any]
    base: int | None
    millis: int  # the tablet's clock when the person made it: the same for both twins


async def deliver(app: Litestar, edit: Edit, record: str) -> str:
    state: AppState = app.state.madoguchi
    user = await User.get(login=edit.device.login)
    client = edit.device.client(record)
    seq = edit.device.seqs[client] = edit.device.seqs.get(client, 0) + 1
    op = Op(
        op_id=str(uuid.uuid4()),
        client_seq=seq,
        hlc=format_stamp(edit.millis, 0, client),
        table="corrective_actions",
        record_id=record,
        kind=edit.kind,
        base_version=edit.base,
        fields=edit.fields,
    )
    response = await state.sync.push(user, PushRequest(client_id=client, ops=[op]))
    return str(response.results[0]["status"])


def forward(state: str) -> str | None:
    index = ORDER.index(state)
    return ORDER[index + 1] if index + 1 < len(ORDER) else None


def chain(rng: random.Random, device: Device, seen: str, base: int, chief: bool, clock: int) -> list[Edit]:
    """What one person does offline from the state they saw: a few steps, each with what it needs."""
    edits, state = [], seen
    for n in range(rng.randint(1, 3)):
        options = []
        if (target := forward(state)) is not None and (chief or target != "confirmed"):
            options.append(target)
        if chief and state == "reported":
            options.append("in_progress")  # 差し戻し
        if not options:
            break
        target = rng.choice(options)
        fields: dict[str, Any] = {"status": target}
        if target == "reported":
            fields["report_note"] = f"{device.login} の報告 {n}"
        if rng.random() < 0.5:
            fields["notes"] = f"{device.login} のメモ {n}"
        edits.append(Edit(device, Kind.PATCH, fields, base, clock + n))
        state = target
    return edits


async def twin(app: Litestar, steps_done: int) -> str:
    """A new action of the demo staff's section, moved ``steps_done`` steps on by the manager."""
    manager = Device("demo-manager")
    record = str(uuid.uuid4())
    section = (await User.get(login="demo-staff")).section_id
    await deliver(app, Edit(manager, Kind.CREATE, {"section_id": section, "title": "掲示"}, None, 1), record)
    for version, target in enumerate(ORDER[1 : steps_done + 1], start=1):
        fields: dict[str, Any] = {"status": target}
        if target == "reported":
            fields["report_note"] = "当初の報告"
        status = await deliver(app, Edit(manager, Kind.PATCH, fields, version, 1 + version), record)
        assert status == "applied"
    return record


async def outcome(app: Litestar, record: str) -> tuple[Any, ...]:
    state: AppState = app.state.madoguchi
    stored = (await state.sync.store.get_records([("corrective_actions", record)]))[
        ("corrective_actions", record)
    ]
    values = stored.values(CORRECTIVE_ACTIONS)
    notes = sorted(n["text"] if isinstance(n, dict) else str(n) for n in values.pop("notes") or [])
    conflicts = sorted(
        (c.kind, c.field or "") for c in await SyncConflict.filter(record_id=record, status="open")
    )
    return tuple(sorted((k, str(v)) for k, v in values.items())), tuple(notes), tuple(conflicts)


async def test_the_example_of_the_issue_keeps_the_report_note_in_either_order(app: Litestar) -> None:
    """Staff B (offline at 受付) reports 対応中 with a note; chief C (offline at 対応中) reports 完了報告."""
    first, second = await twin(app, 1), await twin(app, 1)
    await deliver(app, Edit(Device("demo-manager"), Kind.PATCH, {"status": "in_progress"}, 2, 10), first)
    await deliver(app, Edit(Device("demo-manager"), Kind.PATCH, {"status": "in_progress"}, 2, 10), second)
    staff, chief = Device("demo-staff"), Device("demo-chief")
    b = Edit(staff, Kind.PATCH, {"status": "in_progress", "report_note": "B の対応メモ"}, 2, 20)
    c = Edit(chief, Kind.PATCH, {"status": "reported", "report_note": "C の完了報告"}, 3, 21)
    assert [await deliver(app, e, first) for e in (b, c)] != ["rejected", "rejected"]
    results_second = [await deliver(app, e, second) for e in (c, b)]
    assert "rejected" not in results_second
    assert await outcome(app, first) == await outcome(app, second)


async def test_offline_steps_give_the_same_record_in_any_order(app: Litestar) -> None:
    rng = random.Random(20261203)
    for scenario in range(SCENARIOS):
        steps_staff = rng.randint(0, 2)
        steps_chief = rng.randint(steps_staff, 3)
        staff, chief = Device("demo-staff"), Device("demo-chief")
        # Each saw the record after the manager's steps up to theirs; the versions are the same on twins.
        b = chain(rng, staff, ORDER[steps_staff], steps_staff + 1, False, 100)
        c = chain(rng, chief, ORDER[steps_chief], steps_chief + 1, True, 200)
        first, second = await twin(app, steps_chief), await twin(app, steps_chief)
        one = [await deliver(app, e, first) for e in (*b, *c)]
        other = [await deliver(app, e, second) for e in (*c, *b)]
        refused_one = [s == "rejected" for s in one]
        refused_other = [s == "rejected" for s in (*other[len(c) :], *other[: len(c)])]
        assert refused_one == refused_other, (scenario, one, other)
        assert await outcome(app, first) == await outcome(app, second), scenario
