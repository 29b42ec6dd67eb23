"""The rule book of 課のサービス向上目標 (see ``server/sync_api/rulebook.py``): a section's staff, its 課長
and the 管理者 write its goals, offline too; nobody else, for any kind of change (delete and restore
included); a goal moves to another section only by a 管理者."""

from __future__ import annotations

from server.compliance.rules import refuse_goal_fields
from server.i18n import N_
from server.models import Role, SectionGoal
from server.sync_api.rulebook import (
    WARD_FIELD,
    Attempt,
    SyncedTable,
    owns_section,
    scope_of_ward,
    section_decides,
)
from sync import FieldSpec, FieldType, Policy, RecordState, TableSpec

SECTION_GOALS = TableSpec(
    name="section_goals",
    fields={
        "ward": WARD_FIELD,
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
    scope_of=scope_of_ward,
    required_on_create=frozenset({"section_id", "fiscal_year", "title"}),
)
WRITERS = frozenset({Role.STAFF, Role.CHIEF, Role.MANAGER})
NOT_A_WRITER = N_("Your role may not change section goals.")
NOT_YOUR_SECTION = N_("You may change only your own section's goals.")
ONLY_MANAGER_MOVES = N_("Only a manager moves a goal to another section.")


async def authorize(attempt: Attempt) -> str | None:
    user, fields = attempt.user, attempt.fields
    if user.role not in WRITERS:
        return NOT_A_WRITER
    section = attempt.current.get("section_id", fields.get("section_id"))
    if not owns_section(user, section):
        return NOT_YOUR_SECTION
    moving = attempt.record is not None and fields.get("section_id", section) != section
    if moving and user.role is not Role.MANAGER:
        return ONLY_MANAGER_MOVES
    return refuse_goal_fields(fields)


async def project(record: RecordState) -> None:
    """Keep the typed table that list pages and reports read in step with the synced record."""
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


TABLE = SyncedTable(
    spec=SECTION_GOALS,
    label=N_("Section service goal"),
    field_labels={
        "section_id": N_("Section"),
        "fiscal_year": N_("Fiscal year"),
        "title": N_("Goal"),
        "indicator": N_("Indicator"),
        "target": N_("Target value"),
        "progress": N_("Progress"),
        "notes": N_("Notes"),
        "status": N_("Status"),
        "standards": N_("Linked standards"),
        "midyear_review": N_("Mid-year review"),
        "year_end_evaluation": N_("Year-end evaluation"),
    },
    authorize=authorize,
    project=project,
    decides=section_decides(),
    choose_only=frozenset({"status"}),
)
