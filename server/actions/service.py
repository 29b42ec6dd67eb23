"""Corrective actions (改善): who may move an action to which state, overdue and carried-over lists."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from server.calendar_ja import fiscal_year_bounds
from server.i18n import N_
from server.inspections.synced import may_step
from server.models import CorrectiveAction, SyncHistory, User

STATE_LABELS = {
    "raised": N_("Raised"),
    "accepted": N_("Accepted"),
    "in_progress": N_("In progress"),
    "reported": N_("Completion reported"),
    "confirmed": N_("Confirmed"),
}
PRIORITY_LABELS = {"high": N_("High"), "normal": N_("Normal"), "low": N_("Low")}


@dataclass(frozen=True)
class Step:
    target: str
    label: str
    needs_report: bool = False
    needs_reason: bool = False


# The steps the page offers; whether a person may take one is the rule book's (``may_step``), the same
# rule that decides whether a tablet's change is applied.
STEPS = {
    "raised": (Step("accepted", N_("Accept")),),
    "accepted": (Step("in_progress", N_("Start work")),),
    "in_progress": (Step("reported", N_("Report completion"), needs_report=True),),
    "reported": (
        Step("confirmed", N_("Confirm the effect and close")),
        Step("in_progress", N_("Send back"), needs_reason=True),
    ),
}


def allowed_steps(user: User, action: CorrectiveAction) -> list[Step]:
    return [
        s for s in STEPS.get(action.status, ()) if may_step(user, action.section_id, action.status, s.target)
    ]


def is_overdue(action: CorrectiveAction, today: dt.date) -> bool:
    return action.status != "confirmed" and action.due_on is not None and action.due_on < today


async def for_year(
    year: int, *, section: int | None, status: str, overdue: bool, today: dt.date
) -> list[CorrectiveAction]:
    """Actions raised in the fiscal year, and open ones from earlier years carried over into it."""
    start, end = fiscal_year_bounds(year)
    query = CorrectiveAction.filter(deleted=False, raised_on__lte=end)
    if section:
        query = query.filter(section_id=section)
    if status:
        query = query.filter(status=status)
    if overdue:
        query = query.filter(due_on__lt=today).exclude(status="confirmed")
    rows = await query.order_by("due_on", "raised_on")
    return [a for a in rows if a.raised_on is None or a.raised_on >= start or a.status != "confirmed"]


def carried_over(action: CorrectiveAction, year: int) -> bool:
    start, _ = fiscal_year_bounds(year)
    return action.raised_on is not None and action.raised_on < start


@dataclass(frozen=True)
class Transition:
    at: str
    login: str
    before: str | None
    after: str


async def transitions(action_id: str) -> list[Transition]:
    """Every change of state, with who made it and when (from the synced record's history)."""
    out = []
    rows = await SyncHistory.filter(table_name="corrective_actions", record_id=action_id).order_by("id")
    for row in rows:
        changes: dict[str, Any] = json.loads(row.changes or "{}")
        status = changes.get("status")
        if isinstance(status, dict) and "new" in status:
            before = status.get("superseded") or [None]
            out.append(Transition(row.at, row.login, before[0], str(status["new"])))
        elif row.kind == "create":
            out.append(Transition(row.at, row.login, None, "raised"))
    return out
