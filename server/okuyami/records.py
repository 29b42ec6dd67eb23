"""Bereavement cases as a synced table: the intake is typed on a desk tablet, offline if need be, and
only the desk of the case's ward ever receives the records (managers see statistics, never records)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from server import audit
from server.config import KAWASAKI_WARDS
from server.i18n import N_
from server.models import OkuyamiAppointment, OkuyamiCase
from sync import FieldSpec, FieldType, Policy, RecordState, TableSpec, Workflow

SCOPE_PREFIX = "okuyami:"  # one sync scope per ward, received only by that ward's desk (sync_api/registry)
STATES = ("open", "closed")
PROCEDURE_STATES = ("guided", "received", "done", "not_needed")
PROCEDURE_STATE_LABELS = {
    "guided": N_("Guided"),
    "received": N_("Accepted at the counter"),
    "done": N_("Completed"),
    "not_needed": N_("Not needed"),
}


def scope_for(ward: str) -> str:
    """``okuyami:takatsu``: an unknown ward gets a scope nobody receives, so its case is refused."""
    return f"{SCOPE_PREFIX}{KAWASAKI_WARDS.get(ward, '')}"


OKUYAMI_CASES = TableSpec(
    name="okuyami_cases",
    fields={
        # Set by the server from the creating person's ward (``registry.with_ward``), never by a tablet.
        "ward": FieldSpec(FieldType.TEXT, Policy.REVIEW, nullable=False, max_length=8),
        "visit_date": FieldSpec(FieldType.DATE, Policy.REVIEW, nullable=False),
        "notice_shown_at": FieldSpec(FieldType.TEXT, Policy.REVIEW, nullable=False, max_length=40),
        "answers": FieldSpec(FieldType.JSON, Policy.REVIEW, max_length=20_000),
        "progress": FieldSpec(FieldType.JSON, Policy.LWW, max_length=10_000),
        "started_at": FieldSpec(FieldType.TEXT, Policy.LWW, max_length=40),
        "finished_at": FieldSpec(FieldType.TEXT, Policy.LWW, max_length=40),
        "status": FieldSpec(FieldType.TEXT, Policy.STATE),
        "appointment_id": FieldSpec(FieldType.INT, Policy.LWW),
        # A guide the tablet built and showed (or printed) from its own copy, offline: one entry per view,
        # appended through the outbox so the server audits it when the tablet next syncs.
        "tablet_views": FieldSpec(FieldType.TEXT, Policy.APPEND, max_length=32),
    },
    scope_of=lambda values: scope_for(str(values.get("ward") or "")),
    workflow=Workflow(
        field="status",
        transitions={"open": frozenset({"closed"}), "closed": frozenset({"open"})},
        rank={"open": 0, "closed": 1},
        initial="open",
    ),
    required_on_create=frozenset({"ward", "visit_date", "notice_shown_at"}),
)


# What a tablet may report of its offline guide, and the audit action each becomes: the same actions as
# the server's own guide page and print notice, so the audit log reads alike whichever built the guide.
TABLET_VIEWS = {"guide_viewed": "okuyami.guide_viewed", "guide_printed": "okuyami.guide_printed"}


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _moment(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def handling_minutes(started: Any, finished: Any) -> int | None:
    """Minutes the family spent at the desk, for statistics; None until both ends are known."""
    start, end = _moment(started), _moment(finished)
    if start is None or end is None or end < start:
        return None
    return int((end - start).total_seconds() // 60)


async def project(record: RecordState) -> None:
    if record.purged:
        # Retention: the personal part goes, the anonymous statistics stay.
        await OkuyamiCase.filter(id=record.id).update(
            answers="{}", deceased_name="", notice_shown_at="", purged=True, deleted=True
        )
        return
    v = record.values(OKUYAMI_CASES)
    answers = v["answers"] if isinstance(v["answers"], dict) else {}
    if not await OkuyamiCase.exists(id=record.id):
        # The purpose notice is the first thing a case holds; its display goes into the audit log with
        # the moment the tablet recorded it, even when the tablet was offline then.
        await audit.record(
            None,
            "okuyami.notice_shown",
            login=record.created_by,
            target_type="okuyami_case",
            target_id=record.id,
            detail={"shown_at": v["notice_shown_at"] or ""},
        )
    if v["appointment_id"]:
        # Only a booking of the case's own ward: an id typed on a tablet never reaches another ward's.
        await OkuyamiAppointment.filter(id=v["appointment_id"], ward=str(v["ward"] or "")).update(
            case_id=record.id
        )
    await OkuyamiCase.update_or_create(
        id=record.id,
        defaults={
            "ward": str(v["ward"] or ""),
            "visit_date": _date(v["visit_date"]),
            "notice_shown_at": v["notice_shown_at"] or "",
            "deceased_name": str(answers.get("deceased.name_kanji") or "")[:200],
            "answers": json.dumps(answers, ensure_ascii=False),
            "progress": json.dumps(v["progress"] or {}),
            "status": v["status"] or "open",
            "closed_on": _date(str(v["finished_at"])[:10]) if v["status"] == "closed" else None,
            "handling_minutes": handling_minutes(v["started_at"], v["finished_at"]),
            "created_by": record.created_by,
            "deleted": record.deleted,
            "contested": bool(record.contested_fields()),
            "version": record.version,
        },
    )
