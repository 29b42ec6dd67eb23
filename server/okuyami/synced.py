"""The rule book of bereavement cases (see ``server/sync_api/rulebook.py``).

Only the desk of the case's ward writes, receives and decides a case (the ward is the scope's check);
personal answers only after the purpose notice was shown; the intake's not-collected fields are refused
by every path, a decision in the conflict inbox included. A guide the tablet showed offline is reported
as a note and audited like the server's own guide page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from server.i18n import N_
from server.models import Role, User
from server.okuyami import records
from server.okuyami.intake import NOT_COLLECTED, TEXT_MAX
from server.okuyami.questions import QUESTIONS
from server.okuyami.records import OKUYAMI_CASES, PROCEDURE_STATES, TABLET_VIEWS
from server.sync_api.rulebook import Attempt, Event, SyncedTable
from sync import Kind, Op
from sync.hlc import millis_of

ONLY_DESK = N_("Only the bereavement desk handles cases.")


async def authorize(attempt: Attempt) -> str | None:
    """Only おくやみ担当 write cases, and personal answers only after the purpose notice was shown."""
    user, op, fields = attempt.user, attempt.op, attempt.fields
    if user.role is not Role.OKUYAMI:
        return ONLY_DESK
    record = attempt.record
    if "ward" in fields and (op.kind is not Kind.CREATE or record is not None or fields["ward"] != user.ward):
        return "a case belongs to the ward of the person who opens it and cannot move"
    if "answers" in fields:
        if not attempt.value("notice_shown_at"):
            return "show the purpose notice before entering personal data"
        answers = fields["answers"]
        if answers is not None and not isinstance(answers, dict):
            return "the answers must be a set of named fields"
        for name, value in (answers or {}).items():
            if name in NOT_COLLECTED:
                return f"{name} is not collected"
            if name not in QUESTIONS:
                return f"{name} is not a question of the intake"
            if not isinstance(value, str) or len(value) > TEXT_MAX:
                return f"the answer to {name} must be text of at most {TEXT_MAX} characters"
    if "tablet_views" in fields and fields["tablet_views"] not in TABLET_VIEWS:
        return "unknown kind of guide view"
    if "progress" in fields:
        progress = fields["progress"]
        if not isinstance(progress, dict) or any(v not in PROCEDURE_STATES for v in progress.values()):
            return "unknown procedure status"
    return None


async def decides(user: User, values: Mapping[str, Any]) -> bool:
    """The family's values are decided by the desk of their ward, never by a manager."""
    return user.role is Role.OKUYAMI and values.get("ward") == user.ward


async def events(user: User, op: Op, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Event]:
    """A guide the tablet built and showed offline: audited as the server's guide page is, with the
    moment the tablet's clock gave (the audit row's own time is the server's)."""
    view = op.fields.get("tablet_views") if op.kind is Kind.PATCH else None
    if not isinstance(view, str) or view not in TABLET_VIEWS:
        return []
    seen = dt.datetime.fromtimestamp(millis_of(op.hlc) / 1000, dt.UTC).isoformat()
    return [(TABLET_VIEWS[view], {"on_tablet": True, "at": seen})]


TABLE = SyncedTable(
    spec=OKUYAMI_CASES,
    label=N_("Bereavement desk case"),
    field_labels={
        "ward": N_("Ward"),
        "visit_date": N_("Visit date"),
        "notice_shown_at": N_("Purpose notice shown at"),
        "answers": N_("Intake answers"),
        "progress": N_("Procedures"),
        "started_at": N_("Started at"),
        "finished_at": N_("Finished at"),
        "status": N_("Status"),
        "appointment_id": N_("Booking"),
        "tablet_views": N_("Guides shown on the tablet"),
    },
    authorize=authorize,
    project=records.project,
    decides=decides,
    events=events,
    target_type="okuyami_case",
)
