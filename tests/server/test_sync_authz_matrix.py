"""Who may do what to every synced table, through the sync API: one table of expectations.

Each row is a table, an operation (a kind, and for a patch the group of fields it writes) on a record of
the demo staff's section (区民課) and ward (高津区), and the roles whose push is applied; every other role's
is rejected. Read it against the README's roles table: 係員 (staff), 課長 (chief), 管理者 (manager),
おくやみ担当 (okuyami), システム管理者 (admin); ``other_`` are the same roles in another section, and
``other_ward_`` the bereavement desk and the manager of another ward (中原区), who may create records
of their own ward but neither change nor decide 高津区's.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar import Litestar

from server.compliance.rules import answer_id as self_check_id
from server.inspections.records import answer_id
from server.inspections.templates import items_of
from server.models import AppliesTo, ServiceStandard, SyncConflict, User
from tests.server.sync_people import ROLES, Pusher, people, published_template, this_month

ACCEPTED = {"applied", "merged", "conflict"}
SECTION_TEAM = {"staff", "chief", "manager"}
INSPECTORS = {"staff", "chief", "manager", "other_staff", "other_chief"}
# A create by another ward's manager makes a record of that ward (its ward is the creator's).
CREATORS = {*INSPECTORS, "other_ward_manager"}
DECIDERS = {"chief", "manager"}


@dataclass(frozen=True)
class Row:
    table: str
    operation: str
    allowed: frozenset[str]


def rows(table: str, expectations: dict[str, set[str]]) -> list[Row]:
    return [Row(table, op, frozenset(roles)) for op, roles in expectations.items()]


EXPECTED = [
    *rows(
        "section_goals",
        {
            "create": {*SECTION_TEAM, "other_ward_manager"},
            "patch title": SECTION_TEAM,
            "patch section_id": {"manager"},
            "delete": SECTION_TEAM,
            "restore": SECTION_TEAM,
            "resolve": DECIDERS,
        },
    ),
    *rows(
        "self_check_answers",
        {
            "create": {"staff", "chief"},  # the person's own sheet, or their 課長 for them
            "patch note": {"staff", "chief"},
            "patch status confirmed": {"chief"},
            "delete": set(),
            "resolve": {"chief"},
        },
    ),
    *rows(
        "inspections",
        {
            "create": CREATORS,
            "patch place": INSPECTORS,
            "delete": SECTION_TEAM,  # a draft: its inspector (the demo staff), its section, a manager
            "delete submitted": DECIDERS,
            "restore submitted": DECIDERS,
            "resolve": DECIDERS,
        },
    ),
    *rows(
        "inspection_answers",
        {
            "create": INSPECTORS,  # another ward cannot answer 高津区's inspection
            "patch result": INSPECTORS,
            "patch value bad": set(),
            "delete": SECTION_TEAM,
            "delete submitted": DECIDERS,
            "resolve": DECIDERS,
        },
    ),
    *rows(
        "corrective_actions",
        {
            "create": CREATORS,
            "patch title": SECTION_TEAM,
            "patch section_id": {"manager"},
            "set_add evidence": SECTION_TEAM,
            "step accepted": SECTION_TEAM,
            "step confirmed": DECIDERS,
            "step sent back": DECIDERS,
            "delete": SECTION_TEAM,  # raised: its raiser (the demo staff), the section's chief, a manager
            "resolve": DECIDERS,
        },
    ),
    *rows(
        "feedback",
        {
            "create": CREATORS,
            "patch text": set(),
            "patch place": INSPECTORS,
            "triage": INSPECTORS,
            "answer": DECIDERS,
            "approve": {"manager"},
            "publish": {"manager"},
            "delete": {"manager"},
            "resolve": DECIDERS,
        },
    ),
    *rows(
        "okuyami_cases",
        {
            "create": {"okuyami", "other_ward_desk"},  # each in their own ward
            "patch visit_date": {"okuyami"},
            "patch not collected": set(),
            "delete": {"okuyami"},
            "resolve": {"okuyami"},
        },
    ),
]


class Setup:
    """Records in the state each row needs, made by the people whose job it is."""

    def __init__(self, who: dict[str, Pusher]) -> None:
        self.who = who
        self.section = who["staff"].user.section_id
        self.other_section = who["other_staff"].user.section_id
        self.periods = 0

    async def made(self, by: str, table: str, fields: dict[str, Any]) -> str:
        record = str(uuid.uuid4())
        result = await self.who[by].push(table, record, "create", fields)
        assert result["status"] == "applied", result
        return record

    async def step(self, by: str, table: str, record: str, version: int, fields: dict[str, Any]) -> int:
        result = await self.who[by].push(table, record, "patch", fields, version)
        assert result["status"] in ACCEPTED, result
        return int(result["record_version"])

    async def conflict(
        self, table: str, record: str, version: int, name: str, values: tuple[Any, Any]
    ) -> str:
        """Two tablets of someone who may edit the field change it at once: a conflict for review."""
        editor = self.who[{"okuyami_cases": "okuyami", "self_check_answers": "staff"}.get(table, "manager")]
        for value in values:
            result = await Pusher(editor.app, editor.user).push(
                table, record, "patch", {name: value}, version
            )
            assert result["status"] in ACCEPTED, result
        row = await SyncConflict.get(table_name=table, record_id=record, status="open")
        return str(row.id)

    def period(self) -> str:
        """A different past period each time: a self-check answer's id is its period, person and standard."""
        self.periods += 1
        year, month = map(int, this_month().split("-"))
        months = year * 12 + month - 1 - self.periods
        return f"{months // 12:04d}-{months % 12 + 1:02d}"


Op = tuple[str, str, dict[str, Any], int | None]


async def goal_case(s: Setup, operation: str) -> Op:
    fields = {"section_id": s.section, "fiscal_year": 2024, "title": "待ち時間の短縮"}
    if operation == "create":
        return str(uuid.uuid4()), "create", fields, None
    goal = await s.made("manager", "section_goals", fields)
    if operation == "patch title":
        return goal, "patch", {"title": "案内の改善"}, 1
    if operation == "patch section_id":
        return goal, "patch", {"section_id": s.other_section}, 1
    if operation == "delete":
        return goal, "delete", {}, 1
    if operation == "restore":
        await s.who["manager"].push("section_goals", goal, "delete", {}, 1)
        return goal, "restore", {}, 2
    conflict = await s.conflict("section_goals", goal, 1, "target", ("10分", "15分"))
    return goal, "resolve", {"conflict_id": conflict, "action": "apply", "values": {"target": "10分"}}, 3


async def self_check_case(s: Setup, operation: str) -> Op:
    staff = s.who["staff"].user
    standard = await ServiceStandard.filter(active=True, applies_to=AppliesTo.ALL).first()
    assert standard is not None
    period, respondent = s.period(), f"user:{staff.id}"
    record = self_check_id(period, respondent, standard.code)
    fields = {
        "section_id": s.section,
        "period": period,
        "respondent": respondent,
        "standard_code": standard.code,
        "standard_version": standard.version,
        "result": "compliant",
    }
    if operation == "create":
        return record, "create", fields, None
    result = await s.who["staff"].push("self_check_answers", record, "create", fields)
    assert result["status"] == "applied", result
    if operation == "patch note":
        return record, "patch", {"note": "窓口で確認"}, 1
    if operation == "patch status confirmed":
        return record, "patch", {"status": "confirmed"}, 1
    if operation == "delete":
        return record, "delete", {}, 1
    conflict = await s.conflict("self_check_answers", record, 1, "note", ("午前", "午後"))
    return record, "resolve", {"conflict_id": conflict, "action": "apply", "values": {"note": "午前"}}, 3


async def inspection_fields(s: Setup) -> dict[str, Any]:
    template = await published_template()
    return {"template_id": template.id, "section_id": s.section, "place": "1階 窓口", "status": "draft"}


async def inspection_case(s: Setup, operation: str) -> Op:
    fields = await inspection_fields(s)
    if operation == "create":
        return str(uuid.uuid4()), "create", fields, None
    inspection = await s.made("staff", "inspections", fields)
    if operation == "patch place":
        return inspection, "patch", {"place": "2階 窓口"}, 1
    if operation == "delete":
        return inspection, "delete", {}, 1
    if operation == "resolve":
        conflict = await s.conflict("inspections", inspection, 1, "place", ("3階", "4階"))
        return (
            inspection,
            "resolve",
            {"conflict_id": conflict, "action": "apply", "values": {"place": "3階"}},
            3,
        )
    version = await s.step("staff", "inspections", inspection, 1, {"status": "submitted"})
    if operation == "restore submitted":
        result = await s.who["manager"].push("inspections", inspection, "delete", {}, version)
        return inspection, "restore", {}, int(result["record_version"])
    return inspection, "delete", {}, version


async def answer_case(s: Setup, operation: str) -> Op:
    inspection = await s.made("staff", "inspections", await inspection_fields(s))
    key = next(i.key for i in items_of(await published_template()).values() if i.type == "pass_fail")
    record = answer_id(inspection, key)
    fields = {"inspection_id": inspection, "item_key": key, "result": "pass", "status": "draft"}
    if operation == "create":
        return record, "create", fields, None
    result = await s.who["staff"].push("inspection_answers", record, "create", fields)
    assert result["status"] == "applied", result
    if operation == "patch result":
        return record, "patch", {"result": "fail", "note": "掲示が古い"}, 1
    if operation == "patch value bad":
        return record, "patch", {"value": {"strokes": [["a", "b"]]}}, 1
    if operation == "delete":
        return record, "delete", {}, 1
    if operation == "resolve":
        conflict = await s.conflict("inspection_answers", record, 1, "note", ("汚れ", "破損"))
        return record, "resolve", {"conflict_id": conflict, "action": "apply", "values": {"note": "汚れ"}}, 3
    await s.step("staff", "inspections", inspection, 1, {"status": "submitted"})
    version = await s.step("staff", "inspection_answers", record, 1, {"status": "submitted"})
    return record, "delete", {}, version


async def action_case(s: Setup, operation: str) -> Op:
    fields = {"section_id": s.section, "title": "掲示物の更新", "priority": "normal"}
    if operation == "create":
        return str(uuid.uuid4()), "create", fields, None
    action = await s.made("staff", "corrective_actions", fields)
    if operation == "patch title":
        return action, "patch", {"title": "掲示物を新しくする"}, 1
    if operation == "patch section_id":
        return action, "patch", {"section_id": s.other_section}, 1
    if operation == "set_add evidence":
        return action, "set_add", {"evidence": ["a" * 64]}, 1
    if operation == "step accepted":
        return action, "patch", {"status": "accepted"}, 1
    if operation == "delete":
        return action, "delete", {}, 1
    if operation == "resolve":
        conflict = await s.conflict("corrective_actions", action, 1, "description", ("A", "B"))
        return (
            action,
            "resolve",
            {"conflict_id": conflict, "action": "apply", "values": {"description": "A"}},
            3,
        )
    version = 1
    for state in ("accepted", "in_progress"):
        version = await s.step("manager", "corrective_actions", action, version, {"status": state})
    version = await s.step(
        "manager", "corrective_actions", action, version, {"status": "reported", "report_note": "済"}
    )
    target = "confirmed" if operation == "step confirmed" else "in_progress"
    return action, "patch", {"status": target}, version


async def feedback_case(s: Setup, operation: str) -> Op:
    fields = {
        "received_on": "2024-10-01",
        "channel": "box",
        "text": "案内が丁寧でした",
        "sections": [s.section],
    }
    if operation == "create":
        return str(uuid.uuid4()), "create", fields, None
    comment = await s.made("staff", "feedback", fields)
    if operation == "patch text":
        return comment, "patch", {"text": "書き換え"}, 1
    if operation == "patch place":
        return comment, "patch", {"place": "2階"}, 1
    if operation == "triage":
        return comment, "patch", {"status": "triaged", "category": "manners", "kind": "praise"}, 1
    if operation == "delete":
        return comment, "delete", {}, 1
    if operation == "resolve":
        conflict = await s.conflict("feedback", comment, 1, "place", ("1階", "2階"))
        return comment, "resolve", {"conflict_id": conflict, "action": "apply", "values": {"place": "1階"}}, 3
    version = await s.step("manager", "feedback", comment, 1, {"status": "triaged", "category": "manners"})
    if operation == "answer":
        return comment, "patch", {"status": "drafted", "answer": "ありがとうございます"}, version
    version = await s.step(
        "manager", "feedback", comment, version, {"status": "drafted", "answer": "感謝します"}
    )
    if operation == "approve":
        return comment, "patch", {"status": "approved", "answered_on": "2024-10-05"}, version
    version = await s.step("manager", "feedback", comment, version, {"status": "approved"})
    published = {"published_comment": "案内が丁寧でした", "published_answer": "感謝します"}
    return comment, "patch", {"status": "published", "published_on": "2024-10-06", **published}, version


async def okuyami_case(s: Setup, operation: str) -> Op:
    fields = {"visit_date": "2024-10-01", "notice_shown_at": "2024-10-01T09:00:00+09:00"}
    if operation == "create":
        return str(uuid.uuid4()), "create", fields, None
    case = await s.made("okuyami", "okuyami_cases", fields)
    if operation == "patch visit_date":
        return case, "patch", {"visit_date": "2024-10-02"}, 1
    if operation == "patch not collected":
        return case, "patch", {"answers": {"deceased.my_number": "123456789012"}}, 1
    if operation == "delete":
        return case, "delete", {}, 1
    conflict = await s.conflict("okuyami_cases", case, 1, "visit_date", ("2024-10-02", "2024-10-03"))
    values = {"visit_date": "2024-10-02"}
    return case, "resolve", {"conflict_id": conflict, "action": "apply", "values": values}, 3


CASES: dict[str, Callable[[Setup, str], Awaitable[Op]]] = {
    "section_goals": goal_case,
    "self_check_answers": self_check_case,
    "inspections": inspection_case,
    "inspection_answers": answer_case,
    "corrective_actions": action_case,
    "feedback": feedback_case,
    "okuyami_cases": okuyami_case,
}


async def mismatches(app: Litestar, table: str) -> list[str]:
    who = await people(app)
    setup = Setup(who)
    found = []
    for row in (r for r in EXPECTED if r.table == table):
        for role in ROLES:
            record, kind, fields, base = await CASES[table](setup, row.operation)
            result = await who[role].push(table, record, kind, fields, base)
            accepted = result["status"] in ACCEPTED
            if accepted != (role in row.allowed):
                found.append(f"{table} {row.operation} by {role}: {result['status']} {result['error'] or ''}")
    return found


def test_every_synced_table_has_its_rows() -> None:
    from server.sync_api.registry import TABLES

    assert {r.table for r in EXPECTED} == set(TABLES)
    for table in TABLES:
        operations = {r.operation.split()[0] for r in EXPECTED if r.table == table}
        assert {"create", "patch", "delete", "resolve"} <= operations, table


async def test_section_goals(app: Litestar) -> None:
    assert await mismatches(app, "section_goals") == []


async def test_self_check_answers(app: Litestar) -> None:
    assert await mismatches(app, "self_check_answers") == []


async def test_inspections(app: Litestar) -> None:
    assert await mismatches(app, "inspections") == []


async def test_inspection_answers(app: Litestar) -> None:
    assert await mismatches(app, "inspection_answers") == []


async def test_corrective_actions(app: Litestar) -> None:
    assert await mismatches(app, "corrective_actions") == []


async def test_feedback(app: Litestar) -> None:
    assert await mismatches(app, "feedback") == []


async def test_okuyami_cases(app: Litestar) -> None:
    assert await mismatches(app, "okuyami_cases") == []


async def test_the_people_are_who_the_matrix_says(app: Litestar) -> None:
    who = await people(app)
    assert who["staff"].user.section_id == who["chief"].user.section_id != who["other_staff"].user.section_id
    assert who["okuyami"].user.ward != who["other_ward_desk"].user.ward
    assert await User.filter(login__in=[p.user.login for p in who.values()]).count() == len(ROLES)
