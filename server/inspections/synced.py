"""The rule book of inspections, their answers and corrective actions (see ``server/sync_api/rulebook.py``).

Inspections are often made by staff of another section (the amenity round walks every floor), so any
inspector may write a draft; its inspector, its section or a 管理者 deletes or restores it; once it is
submitted only the section's 課長 or a 管理者 does, for it and its answers. Corrective actions belong to
the responsible section: it (or a 管理者) edits and moves them, its 課長 (or a 管理者) confirms and
sends back, and only a 管理者 gives them to another section. The person who raised an action may still
complete it until the section accepts it (a finding's photo is added right after the action is raised on
the inspector's tablet).
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Mapping
from typing import Any

from server.i18n import N_
from server.inspections import records
from server.inspections.records import (
    CORRECTIVE_ACTIONS,
    INSPECTION_ANSWERS,
    INSPECTIONS,
    PRIORITIES,
    RESULTS,
    answer_id,
    template_items,
)
from server.inspections.templates import Item
from server.models import Inspection, InspectionTemplate, Role, Section, SyncRecord, User
from server.sync_api.rulebook import Attempt, SyncedTable, chief_of, owns_section, section_decides, ward_scope
from sync import Kind

INSPECTORS = frozenset({Role.STAFF, Role.CHIEF, Role.MANAGER})
SUBMITTED = "submitted"
# A drawn signature: the canvas size and strokes of x, y pairs, bounded so a page and a PDF always draw it.
SIGNATURE_KEYS = frozenset({"w", "h", "strokes"})
MAX_STROKES = 500
MAX_STROKE_NUMBERS = 4000
MAX_CANVAS = 10_000

NOT_AN_INSPECTOR = N_("Your role does not carry out inspections.")
SUBMITTED_LOCKED = N_(
    "A submitted inspection is deleted or restored only by its section's chief or a manager."
)
NOT_YOUR_INSPECTION = N_("Only its inspector, its section or a manager deletes or restores an inspection.")
NOT_YOUR_ACTION = N_("Only the responsible section (or a manager) changes this corrective action.")
ONLY_MANAGER_MOVES = N_("Only a manager gives a corrective action to another section.")
CLOSING_STEP = N_("Only the section's chief or a manager confirms or sends back a corrective action.")
FORWARD_STEP = N_("Only the responsible section moves its corrective action forward.")
NO_SECTION = N_("There is no such section.")


def _uuid_problem(name: str, value: Any) -> str | None:
    if value in (None, ""):
        return None
    try:
        uuid.UUID(str(value))
    except ValueError:
        return f"{name} must be a record id"
    return None


async def _section_problem(attempt: Attempt) -> str | None:
    section = attempt.fields.get("section_id")
    if section is not None and not await Section.exists(id=section):
        return NO_SECTION
    return None


def signature_problem(value: Any) -> str | None:
    """Why a drawn signature cannot be drawn: the page and the PDF read exactly this shape."""
    if not isinstance(value, dict) or not set(value) <= SIGNATURE_KEYS:
        return "a signature is its canvas size and strokes"
    for side in ("w", "h"):
        size = value.get(side, 1)
        if isinstance(size, bool) or not isinstance(size, int | float) or not 0 < size <= MAX_CANVAS:
            return "a signature's canvas has a size"
    strokes = value.get("strokes", [])
    if not isinstance(strokes, list) or len(strokes) > MAX_STROKES:
        return "a signature's strokes are a list"
    for stroke in strokes:
        if not isinstance(stroke, list) or len(stroke) > MAX_STROKE_NUMBERS:
            return "a stroke is a list of numbers"
        for number in stroke:
            if isinstance(number, bool) or not isinstance(number, int | float) or not math.isfinite(number):
                return "a stroke is a list of numbers"
            if abs(number) > MAX_CANVAS:
                return "a stroke lies outside the canvas"
    return None


def check_answer(item: Item, result: Any, value: Any) -> str | None:
    """Why an answer does not fit its item, or None, for every item type. The tablet checks the same
    before queuing."""
    if result is not None and (item.type != "pass_fail" or result not in RESULTS):
        return f"{item.key}: not a valid result"
    if value is None:
        return None
    if item.type in ("pass_fail", "photo"):
        return f"{item.key}: this item takes no value"
    if item.type == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{item.key}: a number is expected"
        if (item.min is not None and value < item.min) or (item.max is not None and value > item.max):
            return f"{item.key}: the number is outside {item.min}–{item.max}"
    elif item.type == "single_choice" and (not isinstance(value, str) or value not in item.options):
        return f"{item.key}: not one of the choices"
    elif item.type == "multi_choice" and (
        not isinstance(value, list) or any(not isinstance(v, str) or v not in item.options for v in value)
    ):
        return f"{item.key}: not among the choices"
    elif item.type == "date":
        try:
            dt.date.fromisoformat(value if isinstance(value, str) else "")
        except ValueError:
            return f"{item.key}: not a date"
    elif item.type == "text" and (not isinstance(value, str) or len(value) > 2000):
        return f"{item.key}: text of at most 2000 characters is expected"
    elif item.type == "signature":
        problem = signature_problem(value)
        return f"{item.key}: {problem}" if problem else None
    return None


def _created_by(attempt: Attempt) -> bool:
    return attempt.record is not None and attempt.record.created_by == attempt.user.login


def _ever_submitted(attempt: Attempt) -> bool:
    """Whether the record was submitted (its sign-off applies): deleting it is then a 課長's decision."""
    return attempt.current.get("status") == SUBMITTED


async def _authorize_inspection(attempt: Attempt) -> str | None:
    user, op = attempt.user, attempt.op
    if user.role not in INSPECTORS:
        return NOT_AN_INSPECTOR
    if op.kind in (Kind.DELETE, Kind.RESTORE):
        section = attempt.current.get("section_id")
        if _ever_submitted(attempt):
            return None if chief_of(user, section) else SUBMITTED_LOCKED
        return None if owns_section(user, section) or _created_by(attempt) else NOT_YOUR_INSPECTION
    if "template_id" in op.fields:
        template = await InspectionTemplate.get_or_none(id=op.fields["template_id"])
        if template is None or template.status == "draft":
            return "inspections use a published template"
    return await _section_problem(attempt)


async def _inspection_of(attempt: Attempt) -> Inspection | None:
    inspection_id = attempt.value("inspection_id")
    if _uuid_problem("inspection_id", inspection_id) or inspection_id is None:
        return None
    return await Inspection.get_or_none(id=str(inspection_id))


async def _authorize_answer(attempt: Attempt) -> str | None:
    user, op, record = attempt.user, attempt.op, attempt.record
    if user.role not in INSPECTORS:
        return NOT_AN_INSPECTOR
    fixed = ("inspection_id", "item_key")
    if record is not None and any(n in op.fields and op.fields[n] != attempt.current.get(n) for n in fixed):
        return "an answer's inspection and item cannot change"
    problem = _uuid_problem("inspection_id", attempt.value("inspection_id"))
    if problem:
        return problem
    inspection_id, item_key = attempt.value("inspection_id"), attempt.value("item_key")
    if record is None and op.record_id != answer_id(str(inspection_id), str(item_key)):
        return "an answer's id must be derived from its inspection and item"
    inspection = await _inspection_of(attempt)
    if record is None and inspection is not None and not await _same_ward(attempt, str(inspection.id)):
        return "no such item in this inspection's template"  # another ward's inspection is not there
    if op.kind in (Kind.DELETE, Kind.RESTORE):
        section = inspection.section_id if inspection is not None else None
        if _ever_submitted(attempt) or (inspection is not None and inspection.status == SUBMITTED):
            return None if chief_of(user, section) else SUBMITTED_LOCKED
        mine = inspection is not None and inspection.inspector == user.login
        return None if owns_section(user, section) or mine else NOT_YOUR_INSPECTION
    items = None
    if inspection is not None and inspection.template_id is not None:
        items = await template_items(inspection.template_id)
    if items is None or item_key not in items:
        return "no such item in this inspection's template"
    if "result" in op.fields or "value" in op.fields:
        return check_answer(items[str(item_key)], op.fields.get("result"), op.fields.get("value"))
    return None


async def _same_ward(attempt: Attempt, inspection_id: str) -> bool:
    """Whether a new answer's ward (its creator's) is its inspection's. An inspection created earlier in
    the same push is not stored yet; it is the same person's, so of the same ward."""
    stored = await SyncRecord.get_or_none(key=f"inspections:{inspection_id}")
    return stored is None or stored.scope == ward_scope(attempt.value("ward"))


def may_step(user: User, section_id: Any, before: str, target: str) -> bool:
    """Whether this person may move a corrective action of this section from ``before`` to ``target``:
    the one rule the action page's buttons and every synced change obey (``actions/service.py``)."""
    closing = target == "confirmed" or (before == "reported" and target == "in_progress")
    if closing:
        return chief_of(user, section_id)
    return user.role in INSPECTORS and owns_section(user, section_id)


def _raised_by(attempt: Attempt) -> bool:
    """The person who raised the action, while the section has not accepted it yet."""
    return _created_by(attempt) and attempt.current.get("status") == "raised"


async def _authorize_action(attempt: Attempt) -> str | None:
    user, op = attempt.user, attempt.op
    if user.role not in INSPECTORS:
        return NOT_AN_INSPECTOR
    fields = op.fields
    if fields.get("priority") not in (None, *PRIORITIES):
        return "priority is high, normal or low"
    for name in ("inspection_id", "answer_id"):
        problem = _uuid_problem(name, fields.get(name))
        if problem:
            return problem
    problem = await _section_problem(attempt)
    if problem or op.kind is Kind.CREATE:
        # Anyone who inspects may raise an action for the section responsible (a finding, a comment).
        return problem
    section = attempt.current.get("section_id")
    if "section_id" in fields and fields["section_id"] != section and user.role is not Role.MANAGER:
        return ONLY_MANAGER_MOVES
    if op.kind in (Kind.DELETE, Kind.RESTORE):
        return None if chief_of(user, section) or _raised_by(attempt) else NOT_YOUR_ACTION
    target = attempt.target_status
    if target is not None:
        before = attempt.seen_status() or "raised"
        if target != before and not may_step(user, section, before, target):
            closing = target == "confirmed" or (before == "reported" and target == "in_progress")
            return CLOSING_STEP if closing else FORWARD_STEP
    others = set(fields) - {"status"}
    if others and not (owns_section(user, section) or _raised_by(attempt)):
        return NOT_YOUR_ACTION
    return None


async def _answer_decides(user: User, values: Mapping[str, Any]) -> bool:
    inspection_id = values.get("inspection_id")
    if _uuid_problem("inspection_id", inspection_id) or inspection_id is None:
        return user.role is Role.MANAGER
    inspection = await Inspection.get_or_none(id=str(inspection_id))
    return chief_of(user, inspection.section_id if inspection else None)


TABLES = (
    SyncedTable(
        spec=INSPECTIONS,
        label=N_("Workplace inspection"),
        field_labels={
            "template_id": N_("Template"),
            "section_id": N_("Section"),
            "place": N_("Place"),
            "started_at": N_("Started at"),
            "submitted_at": N_("Submitted at"),
            "status": N_("Status"),
        },
        authorize=_authorize_inspection,
        project=records.project,
        decides=section_decides(),
    ),
    SyncedTable(
        spec=INSPECTION_ANSWERS,
        label=N_("Inspection item"),
        field_labels={
            "inspection_id": N_("Inspection"),
            "item_key": N_("Item"),
            "result": N_("Answer"),
            "value": N_("Recorded value"),
            "note": N_("Note"),
            "photos": N_("Photos"),
            "status": N_("Status"),
        },
        authorize=_authorize_answer,
        project=records.project,
        decides=_answer_decides,
    ),
    SyncedTable(
        spec=CORRECTIVE_ACTIONS,
        label=N_("Corrective action"),
        field_labels={
            "section_id": N_("Section"),
            "title": N_("Title"),
            "description": N_("Details"),
            "priority": N_("Priority"),
            "assignee": N_("Assignee"),
            "due_on": N_("Due date"),
            "inspection_id": N_("Inspection"),
            "answer_id": N_("Inspection item"),
            "item_key": N_("Item"),
            "place": N_("Place"),
            "report_note": N_("Completion report"),
            "photos": N_("Photos"),
            "evidence": N_("Photos of the fix"),
            "notes": N_("Notes"),
            "status": N_("Status"),
        },
        authorize=_authorize_action,
        project=records.project,
        decides=section_decides(),
    ),
)
