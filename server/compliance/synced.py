"""The rule book of self-check answers (see ``server/sync_api/rulebook.py``; the rules themselves are in
``rules.py``, which the self-check pages show beside each field).

One record per period, respondent and standard (a deterministic id), so two tablets answering the same
standard merge into one record. The 課長's confirmation writes status=confirmed through the engine; an
answer changed later by someone who had not seen it becomes a conflict for review. Answers are about
named people: they travel only in their section's scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from server.compliance.rules import refuse_answer
from server.i18n import N_
from server.models import Role, SelfCheckAnswer, User
from server.rollups import tracking
from server.sync_api.rulebook import Attempt, SyncedTable
from sync import FieldSpec, FieldType, Policy, RecordState, SignOff, TableSpec, Workflow


def section_scope(section_id: Any) -> str:
    """Self-check answers are about named people: only their section and managers receive them."""
    return f"section:{section_id}"


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


async def authorize(attempt: Attempt) -> str | None:
    current = attempt.current if attempt.record is not None else None
    return await refuse_answer(attempt.user, attempt.op, current)


async def decides(user: User, values: Mapping[str, Any]) -> bool:
    """The section's 課長, who confirms its periods: the only one whose own patch of an answer's values
    the rules accept (a 管理者 does not answer for a section)."""
    return (
        user.role is Role.CHIEF
        and user.section_id is not None
        and user.section_id == values.get("section_id")
    )


async def project(record: RecordState) -> None:
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


TABLE = SyncedTable(
    spec=SELF_CHECK_ANSWERS,
    label=N_("Self-check answer"),
    field_labels={
        "section_id": N_("Section"),
        "period": N_("Period"),
        "respondent": N_("Respondent"),
        "standard_code": N_("Service standard"),
        "standard_version": N_("Version of the standard"),
        "result": N_("Answer"),
        "note": N_("Note"),
        "status": N_("Status"),
    },
    authorize=authorize,
    project=project,
    decides=decides,
    choose_only=frozenset({"result", "status"}),
)
