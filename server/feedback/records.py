"""ひと言ポスト as a synced table: slips are entered on tablets offline; triage, answers and publishing are
steps of one workflow, each allowed to the role the plan gives it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from server.models import Feedback, FeedbackSection
from server.rollups import tracking
from server.sync_api.rulebook import WARD_FIELD, scope_of_ward
from sync import FieldSpec, FieldType, Policy, RecordState, SignOff, TableSpec, Workflow

CHANNELS = ("box", "web", "phone", "evaluation")
CATEGORIES = ("manners", "guidance", "waiting", "facilities", "procedures", "other")
KINDS = ("praise", "request", "complaint")
STATES = ("received", "triaged", "drafted", "approved", "published")

FEEDBACK = TableSpec(
    name="feedback",
    fields={
        "ward": WARD_FIELD,
        "received_on": FieldSpec(FieldType.DATE, Policy.REVIEW, nullable=False),
        "channel": FieldSpec(FieldType.TEXT, Policy.REVIEW, nullable=False, max_length=12),
        "text": FieldSpec(FieldType.TEXT, Policy.REVIEW, nullable=False, max_length=4000),
        "place": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=200),
        "wants_answer": FieldSpec(FieldType.BOOL, Policy.REVIEW),
        "contact": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=200),
        "category": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=20),
        "kind": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=12),
        "standard_code": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=12),
        "sections": FieldSpec(FieldType.INT, Policy.SET),
        "answer": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=4000),
        "answered_on": FieldSpec(FieldType.DATE, Policy.REVIEW),
        "published_comment": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=4000),
        "published_answer": FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=4000),
        "published_on": FieldSpec(FieldType.DATE, Policy.REVIEW),
        "actions": FieldSpec(FieldType.TEXT, Policy.SET, max_length=36),
        "improved": FieldSpec(FieldType.BOOL, Policy.LWW),
        "status": FieldSpec(FieldType.TEXT, Policy.STATE),
    },
    workflow=Workflow(
        field="status",
        transitions={
            "received": frozenset({"triaged"}),
            "triaged": frozenset({"drafted"}),
            "drafted": frozenset({"approved", "triaged"}),
            "approved": frozenset({"published"}),
        },
        rank={state: rank for rank, state in enumerate(STATES)},
        initial="received",
    ),
    sign_off=SignOff(
        field="status",
        states=frozenset({"published"}),
        protected=frozenset({"published_comment", "published_answer", "answer"}),
    ),
    scope_of=scope_of_ward,
    required_on_create=frozenset({"received_on", "channel", "text"}),
)
ENTRY_FIELDS = frozenset({"received_on", "channel", "text", "place", "wants_answer", "contact", "status"})
TRIAGE_FIELDS = frozenset({"category", "kind", "standard_code", "sections", "actions"})


def reference(feedback_id: str) -> str:
    """The number a resident quotes when asking about their comment."""
    return "T-" + feedback_id.replace("-", "")[:8].upper()


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


async def project(record: RecordState) -> None:
    async with tracking.tracking(tracking.feedback, record.id):
        await _write(record)


async def _write(record: RecordState) -> None:
    if record.purged:
        await Feedback.filter(id=record.id).delete()
        await FeedbackSection.filter(feedback_id=record.id).delete()
        return
    v = record.values(FEEDBACK)
    sections = sorted(int(s) for s in v["sections"] or [])
    await Feedback.update_or_create(
        id=record.id,
        defaults={
            "reference": reference(record.id),
            "received_on": _date(v["received_on"]),
            "channel": v["channel"] or "box",
            "text": v["text"] or "",
            "place": v["place"] or "",
            "wants_answer": bool(v["wants_answer"]),
            "contact": v["contact"] or "",
            "category": v["category"] or "",
            "kind": v["kind"] or "",
            "standard_code": v["standard_code"] or "",
            "section_ids": json.dumps(sections),
            "status": v["status"] or "received",
            "answer": v["answer"] or "",
            "answered_on": _date(v["answered_on"]),
            "published_comment": v["published_comment"] or "",
            "published_answer": v["published_answer"] or "",
            "published_on": _date(v["published_on"]),
            "action_ids": json.dumps(sorted(v["actions"] or [])),
            "improved": bool(v["improved"]),
            "created_by": record.created_by,
            "deleted": record.deleted,
            "contested": bool(record.contested_fields()),
            "version": record.version,
        },
    )
    rows = await FeedbackSection.filter(feedback_id=record.id).values_list("section_id", flat=True)
    if {int(str(r)) for r in rows} != set(sections):
        await FeedbackSection.filter(feedback_id=record.id).delete()
        for section in sections:
            await FeedbackSection.create(feedback_id=record.id, section_id=section)
