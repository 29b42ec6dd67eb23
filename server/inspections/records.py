"""The synced tables of inspections: how each field merges, who may write what, and the projections.

Who may write them is their rule book's (``synced.py``). An inspection, each of its answers and each
corrective action is its own synced record, so two tablets
answering different items of one walk-through merge silently. An answer's id is derived from the
inspection and the item (uuid5), so the same item answered on two tablets is one record with two
values under review, never two answers. Submitting writes ``status=submitted`` to the inspection and to
every answer from the inspector's tablet: an edit made elsewhere without having seen that is kept out
and becomes a conflict for review instead of a silent change.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from server.calendar_ja import fiscal_year
from server.inspections.templates import Item, items_of
from server.models import CorrectiveAction, Inspection, InspectionAnswer, InspectionTemplate
from server.rollups import tracking
from server.sync_api.rulebook import WARD_FIELD, scope_of_ward
from sync import FieldSpec, FieldType, Policy, RecordState, SignOff, TableSpec, Workflow

ANSWER_NAMESPACE = uuid.UUID("6f1d4c52-2f0e-4b8e-9a57-0c3f1e7d2b10")
RESULTS = ("pass", "fail", "na")
PRIORITIES = ("high", "normal", "low")

INSPECTIONS = TableSpec(
    name="inspections",
    fields={
        "ward": WARD_FIELD,
        "template_id": FieldSpec(FieldType.INT, Policy.REVIEW, nullable=False),
        "section_id": FieldSpec(FieldType.INT, Policy.REVIEW, nullable=False),
        "place": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=200),
        "started_at": FieldSpec(FieldType.TEXT, Policy.LWW, max_length=40),
        "submitted_at": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=40),
        "status": FieldSpec(FieldType.TEXT, Policy.STATE),
    },
    workflow=Workflow(
        field="status",
        transitions={"draft": frozenset({"submitted"})},
        rank={"draft": 0, "submitted": 1},
        initial="draft",
    ),
    sign_off=SignOff(
        field="status",
        states=frozenset({"submitted"}),
        protected=frozenset({"template_id", "section_id", "place", "submitted_at"}),
    ),
    scope_of=scope_of_ward,
    required_on_create=frozenset({"template_id", "section_id"}),
)

INSPECTION_ANSWERS = TableSpec(
    name="inspection_answers",
    fields={
        "ward": WARD_FIELD,
        "inspection_id": FieldSpec(FieldType.TEXT, Policy.REVIEW, nullable=False, max_length=36),
        "item_key": FieldSpec(FieldType.TEXT, Policy.REVIEW, nullable=False, max_length=60),
        "result": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=8),
        "value": FieldSpec(FieldType.JSON, Policy.REVIEW, max_length=60_000),
        "note": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=2000),
        "photos": FieldSpec(FieldType.FILE, Policy.SET),
        "status": FieldSpec(FieldType.TEXT, Policy.STATE),
    },
    workflow=Workflow(
        field="status",
        transitions={"draft": frozenset({"submitted"})},
        rank={"draft": 0, "submitted": 1},
        initial="draft",
    ),
    sign_off=SignOff(
        field="status",
        states=frozenset({"submitted"}),
        protected=frozenset({"result", "value", "note", "photos"}),
    ),
    scope_of=scope_of_ward,
    required_on_create=frozenset({"inspection_id", "item_key"}),
)

# 起票 → 受付 → 対応中 → 完了報告 → 確認 (closes it), or 差し戻し from 完了報告 back to 対応中.
ACTION_STATES = ("raised", "accepted", "in_progress", "reported", "confirmed")
CORRECTIVE_ACTIONS = TableSpec(
    name="corrective_actions",
    fields={
        "ward": WARD_FIELD,
        "section_id": FieldSpec(FieldType.INT, Policy.REVIEW, nullable=False),
        "title": FieldSpec(FieldType.TEXT, Policy.REVIEW, nullable=False, max_length=200),
        "description": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=4000),
        "priority": FieldSpec(FieldType.TEXT, Policy.LWW, max_length=10),
        "assignee": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=64),
        "due_on": FieldSpec(FieldType.DATE, Policy.REVIEW),
        "inspection_id": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=36),
        "answer_id": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=36),
        "item_key": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=60),
        "place": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=200),
        "report_note": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=4000),
        "photos": FieldSpec(FieldType.FILE, Policy.SET),
        "evidence": FieldSpec(FieldType.FILE, Policy.SET),
        "notes": FieldSpec(FieldType.TEXT, Policy.APPEND, max_length=2000),
        "status": FieldSpec(FieldType.TEXT, Policy.STATE),
    },
    workflow=Workflow(
        field="status",
        transitions={
            "raised": frozenset({"accepted"}),
            "accepted": frozenset({"in_progress"}),
            "in_progress": frozenset({"reported"}),
            "reported": frozenset({"confirmed", "in_progress"}),
        },
        rank={state: rank for rank, state in enumerate(ACTION_STATES)},
        initial="raised",
    ),
    sign_off=SignOff(
        field="status",
        states=frozenset({"confirmed"}),
        protected=frozenset(
            {"title", "description", "report_note", "due_on", "section_id", "photos", "evidence"}
        ),
    ),
    scope_of=scope_of_ward,
    required_on_create=frozenset({"section_id", "title"}),
)

SPECS = (INSPECTIONS, INSPECTION_ANSWERS, CORRECTIVE_ACTIONS)


def answer_id(inspection_id: str, item_key: str) -> str:
    """The one record id of an item's answer in an inspection, the same on every tablet."""
    return str(uuid.uuid5(ANSWER_NAMESPACE, f"{inspection_id}/{item_key}"))


async def template_items(template_id: int) -> dict[str, Item] | None:
    """The items of the template version an inspection uses."""
    template = await InspectionTemplate.get_or_none(id=template_id)
    return items_of(template) if template is not None else None


def _day(stamp: Any) -> dt.date | None:
    try:
        return dt.datetime.fromisoformat(str(stamp)).date() if stamp else None
    except ValueError:
        return None


async def _recount(inspection_id: str) -> None:
    """Keep an inspection's tallies (適 / 不適 / 該当なし / answered) in step with its answers."""
    inspection = await Inspection.get_or_none(id=inspection_id)
    if inspection is None:
        return
    rows = await InspectionAnswer.filter(inspection_id=inspection_id, deleted=False).values("result", "value")
    inspection.passed = sum(1 for r in rows if r["result"] == "pass")
    inspection.failed = sum(1 for r in rows if r["result"] == "fail")
    inspection.not_applicable = sum(1 for r in rows if r["result"] == "na")
    inspection.answered = sum(1 for r in rows if r["result"] or r["value"] not in ("", "null"))
    await inspection.save(update_fields=["passed", "failed", "not_applicable", "answered"])


async def _is_repeat(inspection: Inspection, item_key: str) -> bool:
    """The same item failed at the same place of the same section in an earlier inspection."""
    earlier = (
        await Inspection.filter(
            section_id=inspection.section_id, place=inspection.place, family=inspection.family, deleted=False
        )
        .exclude(id=inspection.id)
        .values_list("id", flat=True)
    )
    if not earlier:
        return False
    return await InspectionAnswer.filter(
        inspection_id__in=list(earlier), item_key=item_key, result="fail", deleted=False
    ).exists()


async def project(record: RecordState) -> None:
    """The typed row of the record, with the dashboard's tallies following it: an answer changes its
    inspection's 適 and 不適, so it is the inspection that is tracked."""
    if record.table == "inspections":
        read, tracked = tracking.inspection, record.id
    elif record.table == "inspection_answers":
        read, tracked = tracking.inspection, record.values(INSPECTION_ANSWERS)["inspection_id"]
    else:
        read, tracked = tracking.action, record.id
    async with tracking.tracking(read, tracked):
        await _write(record)


async def _write(record: RecordState) -> None:
    if record.table == "inspections":
        if record.purged:
            await Inspection.filter(id=record.id).delete()
            return
        values = record.values(INSPECTIONS)
        template = await InspectionTemplate.get_or_none(id=values["template_id"] or 0)
        await Inspection.update_or_create(
            id=record.id,
            defaults={
                "template_id": values["template_id"],
                "family": template.family if template else "",
                "section_id": values["section_id"],
                "place": values["place"] or "",
                "status": values["status"] or "draft",
                "inspector": record.created_by,
                "started_on": _day(values["started_at"]),
                "submitted_on": _day(values["submitted_at"]),
                "deleted": record.deleted,
                "contested": bool(record.contested_fields()),
                "version": record.version,
            },
        )
        await _recount(record.id)
    elif record.table == "inspection_answers":
        values = record.values(INSPECTION_ANSWERS)
        inspection = await Inspection.get_or_none(id=values["inspection_id"])
        result = values["result"] or ""
        repeat = bool(inspection and result == "fail" and await _is_repeat(inspection, values["item_key"]))
        await InspectionAnswer.update_or_create(
            id=record.id,
            defaults={
                "inspection_id": values["inspection_id"],
                "item_key": values["item_key"],
                "result": result,
                "value": "" if values["value"] is None else json.dumps(values["value"], ensure_ascii=False),
                "note": values["note"] or "",
                "photos": json.dumps(values["photos"]),
                "repeat": repeat,
                "deleted": record.deleted,
                "contested": bool(record.contested_fields()),
            },
        )
        await _recount(values["inspection_id"])
    elif record.table == "corrective_actions":
        values = record.values(CORRECTIVE_ACTIONS)
        status = values["status"] or "raised"
        existing = await CorrectiveAction.get_or_none(id=record.id)
        raised = existing.raised_on if existing and existing.raised_on else _day(_first_write(record))
        closed = existing.closed_on if existing and existing.closed_on else None
        if status == "confirmed" and closed is None:
            closed = _day(record.updated_at)
        elif status != "confirmed":
            closed = None
        await CorrectiveAction.update_or_create(
            id=record.id,
            defaults={
                "section_id": values["section_id"],
                "title": values["title"] or "",
                "description": values["description"] or "",
                "status": status,
                "priority": values["priority"] or "normal",
                "assignee": values["assignee"] or "",
                "due_on": dt.date.fromisoformat(values["due_on"]) if values["due_on"] else None,
                "raised_by": record.created_by,
                "raised_on": raised,
                "closed_on": closed,
                "fiscal_year": fiscal_year(raised) if raised else None,
                "inspection_id": values["inspection_id"] or None,
                "answer_id": values["answer_id"] or None,
                "item_key": values["item_key"] or "",
                "place": values["place"] or "",
                "report_note": values["report_note"] or "",
                "deleted": record.deleted,
                "contested": bool(record.contested_fields()),
                "version": record.version,
            },
        )


def _first_write(record: RecordState) -> str:
    """When the record was created: the earliest server time among its writes."""
    stamps = [e.at for _, e in record.entries() if e.at]
    return min(stamps) if stamps else record.updated_at
