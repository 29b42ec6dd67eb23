"""The tables tablets may sync, how each field merges, who may change what, and who receives what."""

from __future__ import annotations

from typing import Any

from server.feedback import records as feedback
from server.inspections import records as inspections
from server.models import Role, SectionGoal, User
from server.okuyami import records as okuyami
from sync import Actor, FieldSpec, FieldType, Kind, Op, Policy, RecordState, Registry, TableSpec

WARD = "ward"
OKUYAMI = okuyami.SCOPE  # bereavement cases: only the desk and managers ever receive them

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
    },
    required_on_create=frozenset({"section_id", "fiscal_year", "title"}),
)

WRITERS = {"section_goals": {Role.STAFF, Role.CHIEF, Role.MANAGER}}
RESOLVERS = {Role.CHIEF, Role.MANAGER}
INSPECTION_TABLES = frozenset(spec.name for spec in inspections.SPECS)


def registry() -> Registry:
    return Registry([SECTION_GOALS, *inspections.SPECS, feedback.FEEDBACK, okuyami.OKUYAMI_CASES])


def actor_for(user: User) -> Actor:
    scopes = {WARD}
    if user.role in (Role.OKUYAMI, Role.MANAGER):
        scopes.add(OKUYAMI)
    return Actor(user=user.login, scopes=frozenset(scopes), roles=frozenset({user.role.value}))


def make_authorize(users: dict[str, User]) -> Any:
    """The server's rules for one push: by role, and section staff only within their own section."""

    async def authorize(actor: Actor, op: Op, record: RecordState | None) -> str | None:
        user = users[actor.user]
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
        "deleted": record.deleted,
        "contested": bool(record.contested_fields()),
        "version": record.version,
    }
    await SectionGoal.update_or_create(id=record.id, defaults=defaults)
