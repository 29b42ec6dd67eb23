"""The tables tablets may sync, how each field merges, who may change what, and who receives what."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from server.compliance.rules import refuse_answer, refuse_goal_fields
from server.feedback import records as feedback
from server.inspections import records as inspections
from server.models import Role, SectionGoal, SelfCheckAnswer, User
from server.okuyami import records as okuyami
from server.rollups import tracking
from sync import (
    Actor,
    FieldSpec,
    FieldType,
    Kind,
    Op,
    Policy,
    RecordState,
    Registry,
    SignOff,
    TableSpec,
    Workflow,
)

WARD = "ward"


def section_scope(section_id: Any) -> str:
    """Self-check answers are about named people: only their section and managers receive them."""
    return f"section:{section_id}"


SECTION_GOALS = TableSpec(
    name="section_goals",
    fields={
        "section_id": FieldSpec(FieldType.INT, Policy.REVIEW, nullable=False),
        "fiscal_year": FieldSpec(FieldType.INT, Policy.REVIEW, nullable=False),
        "title": FieldSpec(FieldType.TEXT, Policy.REVIEW, nullable=False, max_length=200),
        "indicator": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=200),
        "target": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=200),
        "progress": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=4000),
        "notes": FieldSpec(FieldType.TEXT, Policy.APPEND, max_length=2000),
        "status": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=16),
        "standards": FieldSpec(FieldType.JSON, Policy.REVIEW),
        "midyear_review": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=4000),
        "year_end_evaluation": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=4000),
    },
    required_on_create=frozenset({"section_id", "fiscal_year", "title"}),
)

# One record per period, respondent and standard (a deterministic id), so two tablets answering the same
# standard merge into one record. The 課長's confirmation writes status=confirmed through the engine;
# an answer changed later by someone who had not seen it becomes a conflict for review.
SELF_CHECK_ANSWERS = TableSpec(
    name="self_check_answers",
    fields={
        "section_id": FieldSpec(FieldType.INT, Policy.REVIEW, nullable=False),
        "period": FieldSpec(FieldType.TEXT, Policy.REVIEW, nullable=False, max_length=7),
        "respondent": FieldSpec(FieldType.TEXT, Policy.REVIEW, nullable=False, max_length=32),
        "standard_code": FieldSpec(FieldType.TEXT, Policy.REVIEW, nullable=False, max_length=16),
        "standard_version": FieldSpec(FieldType.INT, Policy.LWW),
        "result": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=16),
        "note": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=2000),
        "status": FieldSpec(FieldType.TEXT, Policy.STATE, nullable=False, max_length=16),
    },
    workflow=Workflow(
        field="status",
        transitions={"open": frozenset({"confirmed"})},
        rank={"open": 0, "confirmed": 1},
        initial="open",
    ),
    scope_of=lambda values: section_scope(values.get("section_id")),
    sign_off=SignOff(
        field="status", states=frozenset({"confirmed"}), protected=frozenset({"result", "note"})
    ),
    required_on_create=frozenset({"section_id", "period", "respondent", "standard_code"}),
)

WRITERS = {
    "section_goals": {Role.STAFF, Role.CHIEF, Role.MANAGER},
    "self_check_answers": {Role.STAFF, Role.CHIEF},
}
RESOLVERS = {Role.CHIEF, Role.MANAGER}
INSPECTION_TABLES = frozenset(spec.name for spec in inspections.SPECS)


def registry() -> Registry:
    return Registry(
        [SECTION_GOALS, SELF_CHECK_ANSWERS, *inspections.SPECS, feedback.FEEDBACK, okuyami.OKUYAMI_CASES]
    )


def actor_for(user: User, section_ids: Iterable[int] = ()) -> Actor:
    """``section_ids``: every section, for a manager (who sees and decides for all of them)."""
    scopes = {WARD}
    if user.role is Role.OKUYAMI:
        # Bereavement cases: only the desk of their own ward receives them (managers see figures only).
        scopes.add(okuyami.scope_for(user.ward))
    if user.section_id is not None:
        scopes.add(section_scope(user.section_id))
    if user.role is Role.MANAGER:
        scopes.update(section_scope(i) for i in section_ids)
    return Actor(user=user.login, scopes=frozenset(scopes), roles=frozenset({user.role.value}))


def make_authorize(users: dict[str, User]) -> Any:
    """The server's rules for one push: by role, and section staff only within their own section."""

    async def authorize(actor: Actor, op: Op, record: RecordState | None) -> str | None:
        user = users[actor.user]
        if op.kind is Kind.RESOLVE and op.table == okuyami.OKUYAMI_CASES.name:
            # The case's values are the family's: its own desk decides (the ward check is the scope's).
            return None if user.role is Role.OKUYAMI else "only the bereavement desk resolves its cases"
        if op.kind is Kind.RESOLVE:
            return None if user.role in RESOLVERS else "only a section chief or a manager resolves conflicts"
        if op.table in INSPECTION_TABLES:
            return await inspections.authorize(user, op, record)
        if op.table == "feedback":
            return await feedback.authorize(user, op, record)
        if op.table == okuyami.OKUYAMI_CASES.name:
            return await okuyami.authorize(user, op, record)
        if user.role not in WRITERS.get(op.table, set()):
            return "your role may not change this"
        if op.table == "section_goals" and user.role is not Role.MANAGER:
            section = op.fields.get("section_id")
            if record is not None:
                register = record.registers.get("section_id")
                section = register[0].value if register else section
            if section != user.section_id:
                return "you may change only your own section's goals"
        if op.table == "section_goals":
            return refuse_goal_fields(op.fields)
        if op.table == "self_check_answers":
            current = record.values(SELF_CHECK_ANSWERS) if record is not None else None
            return await refuse_answer(user, op, current)
        return None

    return authorize


async def project(record: RecordState) -> None:
    """Keep the typed table that list pages and reports read in step with the synced record."""
    if record.table in INSPECTION_TABLES:
        await inspections.project(record)
        return
    if record.table == "feedback":
        await feedback.project(record)
        return
    if record.table == okuyami.OKUYAMI_CASES.name:
        await okuyami.project(record)
        return
    if record.table == "self_check_answers":
        await _project_answer(record)
        return
    if record.table != "section_goals":
        return
    if record.purged:
        await SectionGoal.filter(id=record.id).delete()
        return
    values = record.values(SECTION_GOALS)
    defaults = {
        "section_id": values["section_id"],
        "fiscal_year": values["fiscal_year"],
        "title": values["title"] or "",
        "indicator": values["indicator"] or "",
        "target": values["target"] or "",
        "progress": values["progress"] or "",
        "standards": [str(c) for c in values["standards"] or [] if isinstance(c, str)],
        "status": values["status"] or "planned",
        "midyear_review": values["midyear_review"] or "",
        "year_end_evaluation": values["year_end_evaluation"] or "",
        "deleted": record.deleted,
        "contested": bool(record.contested_fields()),
        "version": record.version,
    }
    await SectionGoal.update_or_create(id=record.id, defaults=defaults)


async def _project_answer(record: RecordState) -> None:
    async with tracking.tracking(tracking.answer, record.id):
        await _write_answer(record)


async def _write_answer(record: RecordState) -> None:
    if record.purged:
        await SelfCheckAnswer.filter(id=record.id).delete()
        return
    values = record.values(SELF_CHECK_ANSWERS)
    defaults = {
        "section_id": values["section_id"],
        "period": values["period"] or "",
        "respondent": values["respondent"] or "",
        "standard_code": values["standard_code"] or "",
        "standard_version": values["standard_version"] or 1,
        "result": values["result"],
        "note": values["note"] or "",
        "status": values["status"] or "open",
        "deleted": record.deleted,
        # A locked-out edit waits in the inbox too: the answer is under review either way.
        "contested": bool(record.contested_fields() or record.disputes),
        "version": record.version,
    }
    await SelfCheckAnswer.update_or_create(id=record.id, defaults=defaults)
