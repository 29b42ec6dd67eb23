"""Reading the conflict inbox and turning a manager's decision into a resolve operation."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from server.calendar_ja import format_date
from server.compliance.synced import section_scope
from server.goals.forms import STATUS_LABELS
from server.i18n import N_
from server.models import (
    RESULT_LABELS,
    CorrectiveAction,
    Device,
    Inspection,
    InspectionAnswer,
    InspectionTemplate,
    Role,
    Section,
    SectionGoal,
    SelfCheckAnswer,
    ServiceStandard,
    SyncConflict,
    User,
)
from server.okuyami.records import scope_for as okuyami_scope
from server.state import AppState
from server.sync_api.registry import TABLES
from server.sync_api.rulebook import ward_scope
from server.sync_api.store import TortoiseStore
from sync import Conflict, FieldType, Kind, RecordState

# The inbox's names for tables and fields come from each table's rule book. Field names shared by several
# tables mean the same there; the first table's label stands for all (the table's name is shown beside).
TABLE_LABELS = {name: table.label for name, table in TABLES.items()}
FIELD_LABELS: dict[str, str] = {}
for _table in TABLES.values():
    for _name, _label in _table.field_labels.items():
        FIELD_LABELS.setdefault(_name, _label)
CHANGE_LABELS = {"added": N_("Added"), "removed": N_("Removed")}
# Fields whose values are codes: the inbox shows what the person chose, not the code.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "result": {r.value: label for r, label in RESULT_LABELS.items()},
    "status": {**STATUS_LABELS, "open": N_("Open"), "confirmed": N_("Confirmed")},
}
# Fields a reviewer chooses among the values given, never types: a typed code would be meaningless.
CHOOSE_ONLY = {(name, field) for name, table in TABLES.items() for field in table.choose_only}
KIND_LABELS = {
    "concurrent_edit": N_("Changed on two devices at once"),
    "edit_after_delete": N_("Changed after it was deleted"),
    "delete_after_edit": N_("Deleted while someone was changing it"),
    "invalid_transition": N_("A step the workflow does not allow"),
    "locked_record": N_("Changed after it was signed off"),
}
# A self-check has no signature: its answers are locked when the 課長 confirms the period.
TABLE_KIND_LABELS = {
    ("self_check_answers", "locked_record"): N_("Changed after the period was confirmed"),
}
KEEP_LOCKED_LABELS = {"self_check_answers": N_("Keep the confirmed value")}
LOCKED_BASE_LABELS = {"self_check_answers": N_("As confirmed")}


async def scopes_for(user: User) -> list[str]:
    """Whose conflicts a person decides. A bereavement case's values are the family's personal data: only
    the desk of its ward sees and decides them, never a manager (who sees the desk's figures only)."""
    if user.role is Role.OKUYAMI:
        return [okuyami_scope(user.ward)]
    if user.role is Role.MANAGER:
        sections = await Section.all().values_list("id", flat=True)
        return [ward_scope(user.ward), *(section_scope(i) for i in sections)]
    ward = ward_scope(user.ward)
    return [ward, section_scope(user.section_id)] if user.section_id is not None else [ward]


@dataclass
class Candidate:
    index: int
    value: Any
    who: str
    device: str
    when: str
    change: str = ""  # for a set a sign-off held back: "added" or "removed"
    op_id: str = ""  # the operation that wrote it: what a decision names, never a position in the list


def held_set(state: AppState, conflict: Conflict) -> bool:
    """Photos added or removed after a sign-off: the reviewer accepts or declines the held changes as a
    whole (a set has no single value to keep or type)."""
    spec = state.sync.registry.get(conflict.table)
    return conflict.kind == "locked_record" and spec is not None and conflict.field in spec.guarded_sets


def shows_files(state: AppState, conflict: Conflict) -> bool:
    """Whether the disputed values are uploaded files (photos), shown as pictures rather than hashes."""
    spec = state.sync.registry.get(conflict.table)
    field_spec = spec.fields.get(conflict.field or "") if spec else None
    return field_spec is not None and field_spec.type is FieldType.FILE


async def _decidable(user: User, conflicts: list[Conflict]) -> list[Conflict]:
    """The conflicts whose record the person may decide, by its table's rule book (a 課長 their own
    section's, a 管理者 the ward's, the bereavement desk its ward's cases): the same rule that refuses a
    decision on any other."""
    keys = sorted({(c.table, c.record_id) for c in conflicts})
    records = await TortoiseStore().get_records(keys) if keys else {}
    allowed: dict[tuple[str, str], bool] = {}
    for key in keys:
        table, record = TABLES.get(key[0]), records.get(key)
        allowed[key] = bool(table and record and await table.decides(user, record.values(table.spec)))
    return [c for c in conflicts if allowed[(c.table, c.record_id)]]


async def open_conflicts(user: User, limit: int = 200) -> list[Conflict]:
    """The open conflicts this person may decide, oldest first."""
    found: list[Conflict] = []
    query = SyncConflict.filter(status="open", scope__in=await scopes_for(user)).order_by("opened_at", "id")
    offset = 0
    while len(found) < limit:
        rows = await query.offset(offset).limit(limit)
        if not rows:
            break
        offset += len(rows)
        found += await _decidable(user, [TortoiseStore.conflict_of(row) for row in rows])
    return found[:limit]


DECIDING_ROLES = frozenset({Role.CHIEF, Role.MANAGER, Role.OKUYAMI})


async def records_awaiting(user: User) -> int:
    """The number the status bar shows. For someone who decides conflicts, the records their inbox lists
    (one row per record), so the two always agree; for staff, who have no inbox, the records of their
    scopes whose values wait for someone's decision (their own edit may be one of them)."""
    if user.role in DECIDING_ROLES:
        return len({(c.table, c.record_id) for c in await open_conflicts(user)})
    rows = await SyncConflict.filter(status="open", scope__in=await scopes_for(user)).values_list(
        "table_name", "record_id"
    )
    return len(set(rows))


async def conflict_for(user: User, conflict_id: str) -> Conflict | None:
    row = await SyncConflict.filter(id=conflict_id, scope__in=await scopes_for(user)).first()
    if row is None:
        return None
    decidable = await _decidable(user, [TortoiseStore.conflict_of(row)])
    return decidable[0] if decidable else None


async def candidates_of(conflict: Conflict) -> list[Candidate]:
    """Each value with who wrote it, on which device and when, so the decision can be made on facts."""
    logins = {c.get("user") for c in conflict.candidates}
    people = {u.login: u.display_name for u in await User.filter(login__in=[x for x in logins if x])}
    devices = {
        str(d.client_id): d.label or str(d.client_id)[:8]
        for d in await Device.filter(
            client_id__in=[c["client_id"] for c in conflict.candidates if c.get("client_id")]
        )
    }
    return [
        Candidate(
            index=i,
            value=c.get("value"),
            who=people.get(c.get("user", ""), c.get("user", "")),
            device=devices.get(c.get("client_id", ""), N_("browser")),
            when=c.get("at", ""),
            change=str(c.get("change", "")),
            op_id=str(c.get("op_id", "")),
        )
        for i, c in enumerate(conflict.candidates)
    ]


async def subject_of(conflict: Conflict) -> str:
    """Which record is disputed, in words: whose answer to which standard, which item of which
    inspection, which action or goal. Empty when the table alone says enough."""
    return await _subject(conflict.table, conflict.record_id)


async def _subject(table: str, record_id: str) -> str:
    if table == "self_check_answers":
        answer = await SelfCheckAnswer.get_or_none(id=record_id)
        if answer is None:
            return ""
        standard = await ServiceStandard.get_or_none(code=answer.standard_code)
        who = answer.respondent
        if who.startswith("user:") and who[5:].isdigit():
            person = await User.get_or_none(id=int(who[5:]))
            who = person.display_name if person else who
        text = f"{answer.standard_code} {standard.text}" if standard else answer.standard_code
        return f"{who} · {text} · {answer.period}"
    if table == "inspection_answers":
        item = await InspectionAnswer.get_or_none(id=record_id)
        if item is None:
            return ""
        inspection = await _inspection_name(str(item.inspection_id))
        return f"{await _item_text(str(item.inspection_id), item.item_key)} · {inspection}"
    if table == "inspections":
        return await _inspection_name(record_id)
    if table == "corrective_actions":
        action = await CorrectiveAction.get_or_none(id=record_id)
        return " · ".join(x for x in (action.title, action.place) if x) if action else ""
    if table == "section_goals":
        goal = await SectionGoal.get_or_none(id=record_id)
        return goal.title if goal else ""
    return ""


async def _inspection_name(inspection_id: str) -> str:
    inspection = await Inspection.get_or_none(id=inspection_id)
    if inspection is None:
        return ""
    template = (
        await InspectionTemplate.get_or_none(id=inspection.template_id) if inspection.template_id else None
    )
    day = format_date(inspection.started_on) if inspection.started_on else ""
    return " ".join(x for x in (template.name if template else "", inspection.place, day) if x)


async def _item_text(inspection_id: str, item_key: str) -> str:
    inspection = await Inspection.get_or_none(id=inspection_id)
    template = (
        await InspectionTemplate.get_or_none(id=inspection.template_id)
        if inspection and inspection.template_id
        else None
    )
    if template is not None:
        for part in json.loads(template.body):
            for item in part.get("items", []):
                if item.get("key") == item_key:
                    return str(item.get("text", item_key))
    return item_key


@dataclass
class RecordGroup:
    """One row of the inbox: a record and its open conflicts (one per disputed field)."""

    table: str
    record_id: str
    subject: str
    deleted: bool
    version: int
    conflicts: list[Conflict]


async def by_record(state: AppState, conflicts: list[Conflict]) -> list[RecordGroup]:
    """The inbox's rows: one per record, in the order of each record's oldest open conflict."""
    keys = list(dict.fromkeys((c.table, c.record_id) for c in conflicts))
    records = await state.sync.store.get_records(keys) if keys else {}
    groups = {
        key: RecordGroup(
            key[0],
            key[1],
            await _subject(*key),
            records[key].deleted if key in records else False,
            records[key].version if key in records else 0,
            [],
        )
        for key in keys
    }
    for conflict in conflicts:
        groups[(conflict.table, conflict.record_id)].conflicts.append(conflict)
    return list(groups.values())


def display(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


async def record_of(state: AppState, conflict: Conflict) -> RecordState:
    """The disputed record as it is now."""
    key = (conflict.table, conflict.record_id)
    return (await state.sync.store.get_records([key]))[key]


def candidate_by_op(conflict: Conflict, op_id: str) -> dict[str, Any] | None:
    return next((c for c in conflict.candidates if op_id and c.get("op_id") == op_id), None)


def arrived_since(
    conflict: Conflict, record: RecordState, seen_version: int | None, seen_deleted: bool
) -> bool:
    """Whether the conflict changed after the reviewer's page was rendered at ``seen_version``: a value
    written later, or the record deleted or restored meanwhile. A decision then waits for them to look
    again, instead of acting on values they never saw."""
    if seen_version is None or record.deleted != seen_deleted:
        return True
    return any(int(c.get("version") or 0) > seen_version for c in conflict.candidates)


def parse_version(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


async def resolve(
    state: AppState,
    user: User,
    conflict: Conflict,
    action: str,
    values: dict[str, Any],
    seen_version: int,
    *,
    restore: bool = False,
) -> dict[str, Any]:
    """A decision is an operation like a tablet's: merged, kept in the history, synced to every tablet.

    It is sent with the version the reviewer's page showed, so it settles only the values they saw.
    ``restore`` also undeletes the record, as a second operation of the same decision.
    """
    fields = {"conflict_id": conflict.id, "action": action, "values": values}
    changes: list[tuple[str, str, Kind, dict[str, Any], int | None]] = [
        (conflict.table, conflict.record_id, Kind.RESOLVE, fields, seen_version)
    ]
    if restore:
        changes.append((conflict.table, conflict.record_id, Kind.RESTORE, {}, seen_version))
    results = await state.sync.web_write_many(user, changes)
    return results[0]
