"""Conflicts as a view of the record: which disagreements are open is computed from the entries alone.

Computing them (instead of opening and closing them as operations arrive) is what makes the open set
independent of arrival order: two servers that received the same operations in different orders hold the
same entries, so they show the same open conflicts. Only ``invalid_transition`` is tied to one operation
(the refused step is never an entry), so it is opened by that operation and closed by a ``resolve``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sync.records import ORDER_KEY, Entry, RecordState, canonical, provisional, saw
from sync.spec import Policy, TableSpec
from sync.store import Conflict

_NS = uuid.UUID("6f1c3a52-8d7e-4b1a-9c55-2e3f4a5b6c7d")

CONCURRENT_EDIT = "concurrent_edit"
EDIT_AFTER_DELETE = "edit_after_delete"
DELETE_AFTER_EDIT = "delete_after_edit"
INVALID_TRANSITION = "invalid_transition"
LOCKED_RECORD = "locked_record"
# Kinds whose open/closed state is derived from the entries (one open conflict per kind and field).
DERIVED = frozenset({CONCURRENT_EDIT, EDIT_AFTER_DELETE, DELETE_AFTER_EDIT, LOCKED_RECORD})


def conflict_id(table: str, record_id: str, field_name: str | None, kind: str, op_id: str = "") -> str:
    """Deterministic ids: replaying the same operations opens the same conflicts, never duplicates."""
    return str(uuid.uuid5(_NS, f"{table}|{record_id}|{field_name or ''}|{kind}|{op_id}"))


def candidate(entry: Entry, field_name: str | None = None) -> dict[str, Any]:
    """One value of a disagreement as the inbox shows it: the value, who, which device, when."""
    found = {
        "value": entry.value,
        "user": entry.user,
        "client_id": entry.client_id,
        "hlc": entry.hlc,
        "op_id": entry.op_id,
        "at": entry.at,
        "version": entry.version,
    }
    if field_name is not None:
        found["field"] = field_name
    return found


@dataclass
class Wanted:
    """A conflict the record's entries say must be open."""

    kind: str
    field: str | None
    candidates: list[dict[str, Any]]
    base_value: Any
    provisional_value: Any
    anchor: str = ""  # the operation the disagreement is with (the delete), if any


def disputed(spec: TableSpec, name: str, register: list[Entry]) -> list[Entry]:
    """The concurrent writes of a field that need a person: different values of a ``review`` field, or
    different workflow states equally far along. Last-writer fields never do."""
    field_spec = spec.fields.get(name)
    if field_spec is None or len(register) < 2:
        return []
    workflow = spec.workflow
    if field_spec.policy is Policy.REVIEW:
        entries = register
    elif field_spec.policy is Policy.STATE and workflow is not None and workflow.field == name:
        top = max(workflow.rank.get(str(e.value), -1) for e in register)
        entries = [e for e in register if workflow.rank.get(str(e.value), -1) == top]
    else:
        return []
    return entries if len({canonical(e.value) for e in entries}) > 1 else []


def wanted(
    record: RecordState,
    spec: TableSpec,
    locked_out: dict[str, list[Entry]],
    values: dict[str, Any] | None = None,
) -> list[Wanted]:
    """Every derived conflict the record should have open now, in a stable order. ``values`` is
    ``record.values(spec)`` when the caller has it already."""
    found: list[Wanted] = []
    if values is None:
        values = record.values(spec)
    # ``contested`` names exactly the registers ``disputed`` finds, when the record has just settled.
    names = record.contested if record.contested is not None else sorted(record.registers)
    for name in names:
        entries = disputed(spec, name, record.registers[name])
        if entries:
            before = record.previous.get(name)
            found.append(
                Wanted(
                    CONCURRENT_EDIT,
                    name,
                    [candidate(e) for e in sorted(entries, key=ORDER_KEY)],
                    before.value if before else None,
                    values.get(name),
                )
            )
    for name in sorted(locked_out):
        entries = locked_out[name]
        if entries:
            candidates = [candidate(e) for e in sorted(entries, key=ORDER_KEY)]
            if name in spec.guarded_sets:
                # A set's held writes are adds and removes of elements: the inbox says which.
                removes = {r.op_id for r in record.removals.get(name, ())}
                for held in candidates:
                    held["change"] = "removed" if held["op_id"] in removes else "added"
            found.append(Wanted(LOCKED_RECORD, name, candidates, values.get(name), values.get(name)))
    if record.deleted and record.deletion:
        found.extend(_delete_conflicts(record))
    return found


def _delete_conflicts(record: RecordState) -> list[Wanted]:
    """Writes the delete had not seen. Which kind is named by the devices' clocks, not by arrival: an
    edit stamped later than the delete (or made knowing of it) is an edit after delete, otherwise the
    delete came after an edit it had not seen. A reviewer's decision made knowing of the delete is
    neither."""
    delete = provisional(record.deletion)
    groups: dict[str, list[dict[str, Any]]] = {EDIT_AFTER_DELETE: [], DELETE_AFTER_EDIT: []}
    for name, entry in sorted(record.entries(), key=lambda pair: (pair[1].order_key(), pair[0])):
        if saw(delete, entry):
            continue
        if entry.resolve and saw(entry, delete):
            # A reviewer's decision on a field of a record they knew was deleted settles that field
            # (kept, and shown if the record is restored); it is not an edit that disputes the delete.
            continue
        later = saw(entry, delete) or entry.order_key() > delete.order_key()
        groups[EDIT_AFTER_DELETE if later else DELETE_AFTER_EDIT].append(candidate(entry, name))
    anchor = delete.op_id
    return [Wanted(kind, None, items, None, "deleted", anchor) for kind, items in groups.items() if items]


@dataclass
class Reconciled:
    save: list[Conflict]
    closed: list[Conflict]
    involved: list[str]  # open conflicts among whose candidates are the operation's own writes


def reconcile(
    record: RecordState,
    spec: TableSpec,
    locked_out: dict[str, list[Entry]],
    open_conflicts: list[Conflict],
    *,
    op_id: str,
    user: str,
    at: str,
    resolution: str,
    targeted: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Reconciled:
    """Open, update and close the record's derived conflicts so the stored set matches the entries."""
    current = {(c.kind, c.field): c for c in open_conflicts if c.kind in DERIVED and c.status == "open"}
    result = Reconciled(save=[], closed=[], involved=[])
    keep: set[tuple[str, str | None]] = set()
    items = wanted(record, spec, locked_out, values)
    record.disputes = [f"{item.kind}:{item.field or ''}" for item in items]
    for item in items:
        key = (item.kind, item.field)
        keep.add(key)
        existing = current.get(key)
        fresh_id = conflict_id(spec.name, record.id, item.field, item.kind, op_id)
        opened_id = existing.id if existing else fresh_id
        if item.anchor == op_id or any(c["op_id"] == op_id for c in item.candidates):
            result.involved.append(opened_id)
        if existing is None:
            result.save.append(
                Conflict(
                    id=opened_id,
                    table=spec.name,
                    record_id=record.id,
                    field=item.field,
                    kind=item.kind,
                    candidates=item.candidates,
                    base_value=item.base_value,
                    provisional_value=item.provisional_value,
                    opened_at=at,
                    scope=record.scope,
                )
            )
        elif (existing.candidates, existing.provisional_value, existing.scope) != (
            item.candidates,
            item.provisional_value,
            record.scope,
        ):
            existing.candidates = item.candidates
            existing.provisional_value = item.provisional_value
            existing.scope = record.scope
            result.save.append(existing)
    for key, conflict in current.items():
        if key not in keep:
            how = (targeted or {}).get(conflict.id, resolution)
            conflict.status = "dismissed" if how == "dismissed" else "resolved"
            conflict.resolution, conflict.resolved_by, conflict.resolved_at = how, user, at
            conflict.resolution_op = op_id
            result.closed.append(conflict)
    return result
