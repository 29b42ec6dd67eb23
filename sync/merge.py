"""Applying one operation to one record, per field policy. Pure: no storage, no clock, no I/O.

Causality: a write replaces the entries of a field it had *seen* — those written at or before its base
version, and its own client's earlier writes (a client always sees its own past). Whatever it had not
seen is concurrent and is kept. Every decision below depends only on the set of entries, never on the
order in which operations arrived, so tablets converge whatever the network did.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sync.protocol import Kind, Op, Status
from sync.records import Entry, RecordState, canonical, provisional
from sync.spec import FieldSpec, FieldType, Policy, TableSpec
from sync.store import Conflict

_NS = uuid.UUID("6f1c3a52-8d7e-4b1a-9c55-2e3f4a5b6c7d")


class Rejection(Exception):
    """The operation can never be applied (bad field, bad value, wrong kind for the field)."""


@dataclass
class WriteContext:
    user: str
    client_id: str
    at: str


@dataclass
class Outcome:
    status: Status
    record: RecordState
    changed: bool = False
    conflicts: list[Conflict] = field(default_factory=list)  # opened or updated
    closed: list[tuple[str, str]] = field(default_factory=list)  # (conflict id, resolution)
    changes: dict[str, Any] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)


def conflict_id(table: str, record_id: str, field_name: str | None, kind: str, op_id: str = "") -> str:
    """Deterministic ids: replaying the same operations opens the same conflicts, never duplicates."""
    return str(uuid.uuid5(_NS, f"{table}|{record_id}|{field_name or ''}|{kind}|{op_id}"))


def check_value(name: str, spec: FieldSpec, value: Any) -> None:
    if value is None:
        if not spec.nullable:
            raise Rejection(f"{name} may not be empty")
        return
    ok = {
        FieldType.TEXT: isinstance(value, str) and len(value) <= spec.max_length,
        FieldType.INT: isinstance(value, int) and not isinstance(value, bool),
        FieldType.NUMBER: isinstance(value, int | float) and not isinstance(value, bool),
        FieldType.BOOL: isinstance(value, bool),
        FieldType.DATE: isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-",
        FieldType.JSON: True,
        FieldType.FILE: isinstance(value, str)
        and len(value) == 64
        and all(c in "0123456789abcdef" for c in value),
    }[spec.type]
    if not ok:
        too_long = spec.type is FieldType.TEXT and isinstance(value, str) and len(value) > spec.max_length
        raise Rejection(f"{name} is too long" if too_long else f"{name} must be {spec.type.value}")


def _entry(op: Op, ctx: WriteContext, value: Any, version: int) -> Entry:
    return Entry(
        value=value,
        version=version,
        client_id=ctx.client_id,
        client_seq=op.client_seq,
        hlc=op.hlc,
        op_id=op.op_id,
        user=ctx.user,
        at=ctx.at,
    )


def _seen(entry: Entry, op: Op, ctx: WriteContext) -> bool:
    base = op.base_version or 0
    return entry.version <= base or entry.client_id == ctx.client_id


def _candidate(entry: Entry) -> dict[str, Any]:
    return {
        "value": entry.value,
        "user": entry.user,
        "client_id": entry.client_id,
        "hlc": entry.hlc,
        "op_id": entry.op_id,
        "at": entry.at,
        "version": entry.version,
    }


def _validate_fields(op: Op, spec: TableSpec, allowed: set[Policy] | None) -> None:
    for name, value in op.fields.items():
        field_spec = spec.fields.get(name)
        if field_spec is None:
            raise Rejection(f"unknown field {name}")
        if allowed is not None and field_spec.policy not in allowed:
            raise Rejection(f"{name} cannot be changed by a {op.kind.value} operation")
        if field_spec.policy in (Policy.SET,):
            if not isinstance(value, list):
                raise Rejection(f"{name} takes a list of elements")
            for element in value:
                check_value(name, field_spec, element)
        elif field_spec.policy is Policy.APPEND:
            if not isinstance(value, str) or not value.strip():
                raise Rejection(f"{name} takes a non-empty note")
            check_value(name, field_spec, value)
        else:
            check_value(name, field_spec, value)


def _state_value(record: RecordState, spec: TableSpec) -> str | None:
    if spec.workflow is None:
        return None
    register = record.registers.get(spec.workflow.field, [])
    return str(provisional(register).value) if register else spec.workflow.initial


def apply(
    op: Op, record: RecordState | None, spec: TableSpec, ctx: WriteContext, open_conflicts: list[Conflict]
) -> Outcome:
    """Apply ``op`` to ``record`` (``None`` when it does not exist yet). Raises ``Rejection``."""
    if op.kind is Kind.CREATE:
        return _create(op, record, spec, ctx)
    if record is None:
        raise Rejection("no such record (it was never created, or not on this server)")
    if record.purged:
        raise Rejection("this record's personal data was purged under the retention rules")
    version = record.version + 1
    if op.kind is Kind.RESOLVE:
        return _resolve(op, record, spec, ctx, open_conflicts, version)
    if op.kind is Kind.DELETE:
        return _delete(op, record, spec, ctx, version)
    if op.kind is Kind.RESTORE:
        record.deleted = False
        return Outcome(Status.APPLIED, record, changed=True, changes={"_deleted": {"new": False}})
    allowed = (
        {Policy.SET}
        if op.kind in (Kind.SET_ADD, Kind.SET_REMOVE)
        else {Policy.REVIEW, Policy.LWW, Policy.STATE, Policy.APPEND}
    )
    _validate_fields(op, spec, allowed)
    if record.deleted:
        return _edit_after_delete(op, record, spec, ctx, open_conflicts, version)
    outcome = Outcome(Status.APPLIED, record)
    fields = dict(op.fields)
    if spec.sign_off and _state_value(record, spec) in spec.sign_off.states:
        locked = {k: v for k, v in fields.items() if k in spec.sign_off.protected}
        if locked:
            for name in locked:
                fields.pop(name)
            cid = conflict_id(spec.name, record.id, None, "locked_record", op.op_id)
            entry = _entry(op, ctx, locked, version)
            outcome.conflicts.append(
                Conflict(
                    id=cid,
                    table=spec.name,
                    record_id=record.id,
                    field=None,
                    kind="locked_record",
                    candidates=[_candidate(entry)],
                    base_value={k: record.values(spec).get(k) for k in locked},
                    provisional_value={k: record.values(spec).get(k) for k in locked},
                    opened_at=ctx.at,
                    scope=record.scope,
                )
            )
            outcome.status = Status.CONFLICT
            outcome.changed = True
    for name, value in fields.items():
        policy = spec.fields[name].policy
        if op.kind is Kind.SET_ADD:
            entries = record.sets.setdefault(name, [])
            entries.extend(_entry(op, ctx, element, version) for element in value)
            outcome.changes[name] = {"added": value}
        elif op.kind is Kind.SET_REMOVE:
            targets = {canonical(v) for v in value}
            kept = [
                e
                for e in record.sets.get(name, [])
                if not (canonical(e.value) in targets and _seen(e, op, ctx))
            ]
            record.sets[name] = kept
            outcome.changes[name] = {"removed": value}
        elif policy is Policy.APPEND:
            record.notes.setdefault(name, []).append(_entry(op, ctx, value, version))
            outcome.changes[name] = {"appended": value}
        else:
            _write_register(op, record, spec, ctx, name, value, version, open_conflicts, outcome)
        outcome.changed = True
    return outcome


def _create(op: Op, record: RecordState | None, spec: TableSpec, ctx: WriteContext) -> Outcome:
    if record is not None:
        raise Rejection("a record with this id already exists")
    missing = sorted(name for name in spec.required_on_create if op.fields.get(name) in (None, ""))
    if missing:
        raise Rejection(f"required: {', '.join(missing)}")
    _validate_fields(op, spec, None)
    fields = dict(op.fields)
    if spec.workflow is not None:
        wanted = fields.get(spec.workflow.field, spec.workflow.initial)
        if wanted != spec.workflow.initial:
            raise Rejection(f"a new record starts as {spec.workflow.initial}")
        fields[spec.workflow.field] = spec.workflow.initial
    new = RecordState(table=spec.name, id=op.record_id, scope="", version=1, created_by=ctx.user)
    for name, value in fields.items():
        policy = spec.fields[name].policy
        if policy is Policy.SET:
            new.sets[name] = [_entry(op, ctx, element, 1) for element in value]
        elif policy is Policy.APPEND:
            new.notes[name] = [_entry(op, ctx, value, 1)]
        else:
            new.registers[name] = [_entry(op, ctx, value, 1)]
    new.scope = spec.scope_of(new.values(spec))
    return Outcome(Status.APPLIED, new, changed=True, changes={k: {"new": v} for k, v in fields.items()})


def _write_register(
    op: Op,
    record: RecordState,
    spec: TableSpec,
    ctx: WriteContext,
    name: str,
    value: Any,
    version: int,
    open_conflicts: list[Conflict],
    outcome: Outcome,
) -> None:
    policy = spec.fields[name].policy
    register = record.registers.get(name, [])
    survivors = [e for e in register if not _seen(e, op, ctx)]
    seen_entries = [e for e in register if _seen(e, op, ctx)]
    superseded = [e.value for e in seen_entries]
    if seen_entries:
        record.previous[name] = max(seen_entries, key=lambda e: (e.version, e.order_key()))
    mine = _entry(op, ctx, value, version)
    if policy is Policy.STATE and spec.workflow is not None:
        current = str(provisional(survivors).value) if survivors else _state_value(record, spec)
        seen_state = (
            str(provisional([e for e in register if _seen(e, op, ctx)]).value)
            if superseded
            else spec.workflow.initial
        )
        allowed = spec.workflow.transitions.get(seen_state, frozenset())
        if value != seen_state and value not in allowed:
            cid = conflict_id(spec.name, record.id, name, "invalid_transition", op.op_id)
            outcome.conflicts.append(
                Conflict(
                    id=cid,
                    table=spec.name,
                    record_id=record.id,
                    field=name,
                    kind="invalid_transition",
                    candidates=[_candidate(mine)],
                    base_value=seen_state,
                    provisional_value=current,
                    opened_at=ctx.at,
                    scope=record.scope,
                )
            )
            outcome.status = Status.CONFLICT
            return
        if survivors:
            rank = spec.workflow.rank
            everyone = [*survivors, mine]
            best = max(everyone, key=lambda e: (rank.get(str(e.value), -1), e.order_key()))
            top = [e for e in everyone if rank.get(str(e.value), -1) == rank.get(str(best.value), -1)]
            if len({canonical(e.value) for e in top}) > 1:
                record.registers[name] = everyone  # two different states equally far: a person decides
                _open_concurrent(spec, record, name, everyone, superseded, ctx, open_conflicts, outcome)
                return
            record.registers[name] = [best]
            outcome.changes[name] = {
                "new": best.value,
                "superseded": [e.value for e in everyone if e is not best],
            }
            outcome.status = max(outcome.status, Status.MERGED, key=_severity)
            return
    if not survivors:
        record.registers[name] = [mine]
        outcome.changes[name] = {"new": value, "superseded": superseded}
        for conflict in open_conflicts:
            if conflict.field == name and conflict.kind == "concurrent_edit" and len(register) > 1:
                outcome.closed.append((conflict.id, "resolved_by_edit"))
        return
    if policy is Policy.LWW:
        winner = provisional([*survivors, mine])
        record.registers[name] = [winner]
        outcome.changes[name] = {
            "new": winner.value,
            "superseded": superseded + [e.value for e in [*survivors, mine] if e is not winner],
        }
        outcome.flags.append(f"lww:{name}")
        outcome.status = max(outcome.status, Status.MERGED, key=_severity)
        return
    everyone = [*survivors, mine]
    record.registers[name] = everyone
    _open_concurrent(spec, record, name, everyone, superseded, ctx, open_conflicts, outcome)


def _open_concurrent(
    spec: TableSpec,
    record: RecordState,
    name: str,
    entries: list[Entry],
    superseded: list[Any],
    ctx: WriteContext,
    open_conflicts: list[Conflict],
    outcome: Outcome,
) -> None:
    existing = next((c for c in open_conflicts if c.field == name and c.kind == "concurrent_edit"), None)
    cid = (
        existing.id
        if existing
        else conflict_id(spec.name, record.id, name, "concurrent_edit", min(e.op_id for e in entries))
    )
    before = record.previous.get(name)
    base = (
        existing.base_value
        if existing
        else (superseded[-1] if superseded else before.value if before else None)
    )
    outcome.conflicts.append(
        Conflict(
            id=cid,
            table=spec.name,
            record_id=record.id,
            field=name,
            kind="concurrent_edit",
            candidates=[_candidate(e) for e in sorted(entries, key=Entry.order_key)],
            base_value=base,
            provisional_value=provisional(entries).value,
            opened_at=existing.opened_at if existing else ctx.at,
            scope=record.scope,
        )
    )
    outcome.changes[name] = {"new": provisional(entries).value, "concurrent": [e.value for e in entries]}
    outcome.status = Status.CONFLICT


def _severity(status: Status) -> int:
    return {Status.APPLIED: 0, Status.MERGED: 1, Status.CONFLICT: 2}.get(status, 0)


def _unseen_entries(record: RecordState, op: Op, ctx: WriteContext) -> list[tuple[str, Entry]]:
    found: list[tuple[str, Entry]] = []
    for group in (record.registers, record.sets, record.notes):
        for name, entries in group.items():
            found.extend((name, e) for e in entries if not _seen(e, op, ctx))
    return found


def _delete(op: Op, record: RecordState, spec: TableSpec, ctx: WriteContext, version: int) -> Outcome:
    if record.deleted:
        return Outcome(Status.APPLIED, record)
    record.deleted = True
    outcome = Outcome(Status.APPLIED, record, changed=True, changes={"_deleted": {"new": True}})
    unseen = _unseen_entries(record, op, ctx)
    if unseen:
        cid = conflict_id(spec.name, record.id, None, "delete_after_edit", op.op_id)
        outcome.conflicts.append(
            Conflict(
                id=cid,
                table=spec.name,
                record_id=record.id,
                field=None,
                kind="delete_after_edit",
                candidates=[{**_candidate(e), "field": name} for name, e in unseen],
                base_value=None,
                provisional_value="deleted",
                opened_at=ctx.at,
                scope=record.scope,
            )
        )
        outcome.status = Status.CONFLICT
    return outcome


def _edit_after_delete(
    op: Op,
    record: RecordState,
    spec: TableSpec,
    ctx: WriteContext,
    open_conflicts: list[Conflict],
    version: int,
) -> Outcome:
    cid = conflict_id(spec.name, record.id, None, "edit_after_delete", op.op_id)
    entry = _entry(op, ctx, {"kind": op.kind.value, "fields": op.fields}, version)
    conflict = Conflict(
        id=cid,
        table=spec.name,
        record_id=record.id,
        field=None,
        kind="edit_after_delete",
        candidates=[_candidate(entry)],
        base_value=None,
        provisional_value="deleted",
        opened_at=ctx.at,
        scope=record.scope,
    )
    return Outcome(Status.CONFLICT, record, changed=True, conflicts=[conflict])


def _resolve(
    op: Op,
    record: RecordState,
    spec: TableSpec,
    ctx: WriteContext,
    open_conflicts: list[Conflict],
    version: int,
) -> Outcome:
    cid = op.fields.get("conflict_id")
    action = op.fields.get("action")
    values = op.fields.get("values", {})
    if not isinstance(cid, str) or action not in ("apply", "dismiss") or not isinstance(values, Mapping):
        raise Rejection("resolve takes conflict_id, action (apply or dismiss) and values")
    conflict = next((c for c in open_conflicts if c.id == cid), None)
    if conflict is None:
        return Outcome(Status.APPLIED, record)  # already resolved: resolving twice changes nothing
    outcome = Outcome(Status.APPLIED, record, changed=True)
    if action == "dismiss" and conflict.kind == "concurrent_edit" and conflict.field:
        values = {conflict.field: provisional(record.registers[conflict.field]).value}
        action = "apply"
    if action == "apply":
        for name, value in values.items():
            field_spec = spec.fields.get(name)
            if field_spec is None or field_spec.policy in (Policy.SET, Policy.APPEND):
                raise Rejection(f"{name} cannot be set by a resolution")
            check_value(name, field_spec, value)
            register = record.registers.get(name, [])
            superseded = [e.value for e in register if e.version <= (op.base_version or 0)]
            unseen = [e for e in register if e.version > (op.base_version or 0)]
            # A write that arrived after the resolver looked is kept: it was not part of the decision.
            record.registers[name] = [*unseen, _entry(op, ctx, value, version)]
            outcome.changes[name] = {"new": value, "superseded": superseded}
        if conflict.kind in ("edit_after_delete", "delete_after_edit"):
            record.deleted = False
    outcome.closed.append((cid, "chosen" if action == "apply" else "dismissed"))
    if conflict.field and len(record.registers.get(conflict.field, [])) > 1:
        _open_concurrent(
            spec,
            record,
            conflict.field,
            record.registers[conflict.field],
            [],
            ctx,
            [c for c in open_conflicts if c.id != cid],
            outcome,
        )
    return outcome
