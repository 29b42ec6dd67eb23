"""What one projected row adds to the tallies: the same rules as the dashboard's queries over the
projections had (and as ``rebuild`` states in SQL), written once per kind of row.

A deleted row, or one the dashboard never counted (no result, not submitted, no date), adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from server.models import CorrectiveAction, Feedback, Inspection, SelfCheckAnswer
from server.rollups.tallies import (
    ACTION_CLOSE_DAYS,
    ACTIONS_CLOSED,
    ACTIONS_OPEN,
    COMPLIANCE,
    COMPLIANCE_SECTIONS,
    COMPLIANCE_STANDARDS,
    FEEDBACK,
    FEEDBACK_ANSWER_DAYS,
    INSPECTIONS,
    NO_DUE_DATE,
    WARD,
    Deltas,
    month_of,
)


def of_answer(row: SelfCheckAnswer | None) -> Deltas:
    """An answer with a result counts; in the rate only when kept or not kept (該当なし is left out)."""
    out = Deltas()
    if row is None or row.deleted or row.result is None:
        return out
    kept, missed = row.result == "compliant", row.result == "noncompliant"
    key = (row.period, row.section_id or WARD, row.standard_code)
    out.add(COMPLIANCE, key, 1, int(kept), int(kept or missed), int(missed))
    out.add(COMPLIANCE_SECTIONS, (row.period, row.section_id or WARD), 1, int(kept), int(kept or missed))
    if kept or missed:
        out.add(COMPLIANCE_STANDARDS, (row.period, row.standard_code), 1, int(missed))
    return out


def of_inspection(row: Inspection | None) -> Deltas:
    out = Deltas()
    if row is None or row.deleted or row.status != "submitted" or row.submitted_on is None:
        return out
    key = (row.submitted_on, row.section_id or WARD, row.family)
    out.add(INSPECTIONS, key, 1, row.passed, row.failed)
    return out


def of_action(row: CorrectiveAction | None) -> Deltas:
    """Open actions by the days they were raised and are due (their age and whether overdue depend on
    the day the dashboard looks at); closed ones by the month closed, with the days it took."""
    out = Deltas()
    if row is None or row.deleted or row.raised_on is None:
        return out
    section = row.section_id or WARD
    if row.closed_on is None:
        out.add(ACTIONS_OPEN, (section, row.raised_on, row.due_on or NO_DUE_DATE), 1)
        return out
    month = month_of(row.closed_on)
    on_time = row.due_on is not None and row.closed_on <= row.due_on
    out.add(ACTIONS_CLOSED, (month, section), 1, int(on_time))
    days = (row.closed_on - row.raised_on).days
    out.add(ACTION_CLOSE_DAYS, (WARD, month, days), 1)
    if row.section_id:
        out.add(ACTION_CLOSE_DAYS, (row.section_id, month, days), 1)
    return out


def of_feedback(row: Feedback | None, sections: Iterable[int]) -> Deltas:
    """A comment counts for the ward and once for every section it concerns, in the month received."""
    out = Deltas()
    if row is None or row.deleted or row.received_on is None:
        return out
    month = month_of(row.received_on)
    counts = (1, int(row.answered_on is not None), int(row.status == "published"), int(bool(row.improved)))
    for scope in (WARD, *sections):
        out.add(FEEDBACK, (scope, month), *counts)
        if row.answered_on is not None:
            out.add(FEEDBACK_ANSWER_DAYS, (scope, month, (row.answered_on - row.received_on).days), 1)
    return out
