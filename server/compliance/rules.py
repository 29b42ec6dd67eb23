"""Who may answer what: the rules the sync engine applies to every self-check answer, tablet or browser.

Refusal reasons are message ids: the person sees them translated on the sync page and beside the field.
"""

from __future__ import annotations

import uuid
from typing import Any

from server.calendar_ja import fiscal_year
from server.compliance import periods
from server.i18n import N_
from server.models import (
    AppliesTo,
    CheckMode,
    Result,
    Role,
    SelfCheckConfirmation,
    SelfCheckSchedule,
    SelfCheckSetting,
    ServiceStandard,
    User,
)
from server.timekeeping import today
from sync import Kind, Op

_ANSWER_IDS = uuid.UUID("0c6f3f0e-7a51-4c7e-9d1a-52b8e3a4f210")
FIXED = ("section_id", "period", "respondent", "standard_code")
RESULTS = frozenset(r.value for r in Result)

NOT_YOUR_SECTION = N_("You can answer only for your own section.")
NOT_YOUR_SHEET = N_("You can answer only your own self-check.")
FIXED_FIELDS = N_("The period, person and standard of an answer cannot change.")
NOT_A_PERIOD = N_("This is not a self-check period.")
FUTURE_PERIOD = N_("This period has not started yet.")
CLOSED_PERIOD = N_(
    "The section chief has already confirmed this period, so new answers are no longer accepted."
)
NO_STANDARD = N_("There is no such service standard.")
RETIRED = N_("This standard has been retired.")
NOT_APPLICABLE = N_("This standard does not apply to your duties.")
BAD_RESULT = N_("Choose kept, not kept or not applicable.")
NOTE_NEEDED = N_("Write what was not kept: a note is required for “not kept”.")
ONLY_CHIEF_CONFIRMS = N_("Only the section chief confirms a period.")
NOT_DELETED = N_("Answers are not deleted; answer “not applicable” instead.")


GOAL_STATUSES = ("planned", "on_track", "behind", "achieved", "not_achieved")
BAD_GOAL_STATUS = N_("Choose the goal's status from the list.")
BAD_LINKED = N_("Linked standards must be a list of standard codes.")


def refuse_goal_fields(fields: dict[str, Any]) -> str | None:
    """The goal fields whose values are from a fixed list: its status and the linked standards."""
    if "status" in fields and fields["status"] not in (None, *GOAL_STATUSES):
        return BAD_GOAL_STATUS
    linked = fields.get("standards")
    if linked is not None and not (isinstance(linked, list) and all(isinstance(c, str) for c in linked)):
        return BAD_LINKED
    return None


def answer_id(period: str, respondent: str, code: str) -> str:
    """The same answer always has the same id, so two tablets answering it merge into one record."""
    return str(uuid.uuid5(_ANSWER_IDS, f"{period}|{respondent}|{code}"))


def applies(applies_to: AppliesTo | str, user: User | None) -> bool:
    """Whether a standard is checked for this person (None: the section answering as a whole)."""
    if user is None or applies_to == AppliesTo.ALL:
        return True
    if applies_to == AppliesTo.COUNTER:
        return bool(user.counter_duty)
    return bool(user.phone_duty)


async def months_per_period(year: int) -> int:
    schedule = await SelfCheckSchedule.get_or_none(fiscal_year=year)
    return schedule.months_per_period if schedule else 1


async def mode_of(section_id: int) -> CheckMode:
    setting = await SelfCheckSetting.get_or_none(section_id=section_id)
    return CheckMode(setting.mode) if setting else CheckMode.INDIVIDUAL


async def respondent_for(user: User) -> str:
    """Whose sheet this person fills in: their own, or the section's when it answers as a whole."""
    if user.section_id is not None and await mode_of(user.section_id) is CheckMode.SECTION:
        return f"section:{user.section_id}"
    return f"user:{user.id}"


async def period_problem(period: str) -> str | None:
    first = periods.parse(period)
    if first is None or not periods.is_start(period, await months_per_period(fiscal_year(first))):
        return NOT_A_PERIOD
    if first > today():
        return FUTURE_PERIOD
    return None


async def refuse_answer(user: User, op: Op, current: dict[str, Any] | None) -> str | None:
    """Why this change to a self-check answer may not be made, or None when it may."""
    if op.kind in (Kind.DELETE, Kind.RESTORE):
        return NOT_DELETED
    fields = op.fields
    if current is not None and any(k in fields and fields[k] != current.get(k) for k in FIXED):
        return FIXED_FIELDS
    merged = {**(current or {}), **fields}
    if merged.get("section_id") != user.section_id or user.section_id is None:
        return NOT_YOUR_SECTION
    period = str(merged.get("period") or "")
    respondent = str(merged.get("respondent") or "")
    code = str(merged.get("standard_code") or "")
    if op.kind is Kind.CREATE and op.record_id != answer_id(period, respondent, code):
        return FIXED_FIELDS
    if fields.get("status") not in (None, "open") and user.role is not Role.CHIEF:
        return ONLY_CHIEF_CONFIRMS
    person: User | None = None
    if respondent == f"section:{user.section_id}":
        person = None
    elif respondent == f"user:{user.id}":
        person = user
    elif user.role is Role.CHIEF and respondent.startswith("user:") and respondent[5:].isdigit():
        person = await User.get_or_none(id=int(respondent[5:]), section_id=user.section_id)
        if person is None:
            return NOT_YOUR_SECTION
    else:
        return NOT_YOUR_SHEET
    problem = await period_problem(period)
    if problem:
        return problem
    if merged.get("result") is not None and merged.get("result") not in RESULTS:
        return BAD_RESULT
    if merged.get("result") == Result.NONCOMPLIANT and not str(merged.get("note") or "").strip():
        return NOTE_NEEDED
    if current is None:
        # A new answer: the standard must exist, be current and apply to the person.
        standard = await ServiceStandard.get_or_none(code=code)
        if standard is None:
            return NO_STANDARD
        if not standard.active:
            return RETIRED
        if not applies(standard.applies_to, person):
            return NOT_APPLICABLE
        if (person is None) != (await mode_of(user.section_id) is CheckMode.SECTION):
            return NOT_YOUR_SHEET
        # The chief's own writes at confirmation create the placeholders that lock the period.
        confirmed = await SelfCheckConfirmation.exists(section_id=user.section_id, period=period)
        if confirmed and user.role is not Role.CHIEF:
            return CLOSED_PERIOD
    return None
