"""Applying one operation to one record, per field policy. Pure: no storage, no clock, no I/O.

Causality: a write replaces the entries of a field it had *seen* — those written at or before its base
version, and its own client's earlier writes (a client always sees its own past). Whatever it had not
seen is concurrent and is kept. Every decision below depends only on the set of entries and these
relations, never on the order in which operations arrived, so servers and tablets converge whatever the
network did. The few places that need an older view (the status a late writer saw, the values a
sign-off saw) read the record's ``trails``, which keep every write of those fields.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sync.conflicts import (
    CONCURRENT_EDIT,
    DELETE_AFTER_EDIT,
    EDIT_AFTER_DELETE,
    INVALID_TRANSITION,
    LOCKED_RECORD,
    candidate,
    conflict_id,
    disputed,
    reconcile,
)
from sync.protocol import Kind, Op, Status
from sync.records import Entry, RecordState, canonical, furthest, maximal, provisional, saw
from sync.spec import FieldSpec, FieldType, Policy, TableSpec
from sync.store import Conflict
from sync.values import MAX_ITEMS, printable, text_problem, value_problem

_REGISTER = frozenset({Policy.REVIEW, Policy.LWW, Policy.STATE})
_PATCHABLE = frozenset({Policy.REVIEW, Policy.LWW, Policy.STATE, Policy.APPEND})
_SETS = frozenset({Policy.SET})
# How a derived conflict that an operation ends is closed, by the operation's kind (else resolved_by_edit).
_RESOLUTIONS = {Kind.RESOLVE: "chosen", Kind.RESTORE: "restored", Kind.DELETE: "deleted"}


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
    closed: list[Conflict] = field(default_factory=list)  # closed by this operation
    changes: dict[str, Any] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    involved: list[str] = field(default_factory=list)  # ids of open conflicts this operation is part of
    shown: dict[str, Any] | None = None  # ``record.values(spec)`` after the operation


_INT_RANGE = (-(2**31), 2**31 - 1)  # what every database's integer column holds


def check_value(name: str, spec: FieldSpec, value: Any) -> None:
    if value is None:
        if not spec.nullable:
            raise Rejection(f"{name} may not be empty")
        return
    kind = spec.type
    problem: str | None = None
    if kind is FieldType.TEXT:
        ok = isinstance(value, str) and len(value) <= spec.max_length
        problem = text_problem(value) if ok else None
    elif kind is FieldType.INT:
        ok = isinstance(value, int) and not isinstance(value, bool)
        problem = None if not ok or _INT_RANGE[0] <= value <= _INT_RANGE[1] else "is a number too large"
    elif kind is FieldType.NUMBER:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        problem = value_problem(value) if ok else None
    elif kind is FieldType.BOOL:
        ok = isinstance(value, bool)
    elif kind is FieldType.DATE:
        ok = isinstance(value, str) and len(value) == 10 and _is_date(value)
    elif kind is FieldType.FILE:
        ok = isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    else:
        ok = True
        problem = value_problem(value)
        if problem is None and len(json.dumps(value, ensure_ascii=False)) > spec.max_length:
            problem = "is too large"
    if not ok:
        too_long = kind is FieldType.TEXT and isinstance(value, str) and len(value) > spec.max_length
        raise Rejection(f"{name} is too long" if too_long else f"{name} must be {kind.value}")
    if problem:
        raise Rejection(f"{name} {problem}")


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return value[4] == "-" and value[7] == "-"


def check_op(op: Op, spec: TableSpec) -> None:
    """Every value of an operation against its table, before anyone acts on it: unknown fields, types,
    text no database keeps alike, sizes and nesting, the shape of each kind. Raises ``Rejection``.
    ``apply`` checks the same as it goes; the server asks first so its own rules read typed values."""
    problem = None
    for name in op.fields:
        problem = text_problem(name) if isinstance(name, str) else "is not a field name"
        if problem:
            raise Rejection(f"a field name {problem}")
    if op.kind is Kind.CREATE:
        _create_fields(op, spec)
    elif op.kind is Kind.PATCH:
        _validate_fields(op, spec, op.fields, _PATCHABLE)
    elif op.kind in (Kind.SET_ADD, Kind.SET_REMOVE):
        _validate_fields(op, spec, op.fields, _SETS)
    elif op.kind in (Kind.DELETE, Kind.RESTORE):
        if op.fields:
            raise Rejection(f"{op.kind.value} takes no fields")
    else:
        _resolution(op, spec)


def _resolution(op: Op, spec: TableSpec) -> tuple[str, str, Mapping[str, Any]]:
    """A resolve's conflict id, action and values, each checked against the table."""
    cid = op.fields.get("conflict_id")
    action = op.fields.get("action")
    values = op.fields.get("values", {})
    known = set(op.fields) <= {"conflict_id", "action", "values"}
    if (
        not known
        or not isinstance(cid, str)
        or action not in ("apply", "dismiss")
        or not isinstance(values, Mapping)
    ):
        raise Rejection("resolve takes conflict_id, action (apply or dismiss) and values")
    if len(cid) > 64 or text_problem(cid):
        raise Rejection("resolve names a conflict by its id")
    for name, value in values.items():
        field_spec = spec.fields.get(name) if isinstance(name, str) else None
        if field_spec is not None and field_spec.policy is Policy.SET:
            raise Rejection(f"{name}: a set's held changes are accepted or declined, not set")
        if field_spec is None or field_spec.policy not in _REGISTER:
            raise Rejection(f"{printable(name)} cannot be set by a resolution")
        check_value(name, field_spec, value)
        if field_spec.policy is Policy.STATE and value not in states_of(spec):
            raise Rejection(f"{name}: {printable(value)!r} is not a state of this workflow")
    return cid, str(action), values


def states_of(spec: TableSpec) -> frozenset[str]:
    """Every state the workflow declares."""
    return spec.states


def trailed(spec: TableSpec) -> frozenset[str]:
    """Fields whose every write is kept: the workflow field and what a sign-off protects."""
    return spec.trailed


def _validate_fields(
    op: Op, spec: TableSpec, fields: Mapping[str, Any], allowed: frozenset[Policy] | None
) -> None:
    for name, value in fields.items():
        field_spec = spec.fields.get(name)
        if field_spec is None:
            raise Rejection(f"unknown field {printable(name)}")
        if allowed is not None and field_spec.policy not in allowed:
            raise Rejection(f"{name} cannot be changed by a {op.kind.value} operation")
        if field_spec.policy is Policy.SET:
            if not isinstance(value, list) or len(value) > MAX_ITEMS:
                raise Rejection(f"{name} takes a list of elements")
            for element in value:
                check_value(name, field_spec, element)
        elif field_spec.policy is Policy.APPEND:
            if not isinstance(value, str) or not value.strip():
                raise Rejection(f"{name} takes a non-empty note")
            check_value(name, field_spec, value)
        else:
            check_value(name, field_spec, value)
            workflow = spec.workflow
            is_status = field_spec.policy is Policy.STATE and workflow is not None and name == workflow.field
            if is_status and value not in states_of(spec):
                raise Rejection(f"{name}: {printable(value)!r} is not a state of this workflow")


class _Writer:
    """Applies one operation's writes to a private copy of the record."""

    def __init__(self, op: Op, record: RecordState, spec: TableSpec, ctx: WriteContext) -> None:
        self.op, self.record, self.spec, self.ctx = op, record, spec, ctx
        self.version = record.version + 1
        self.trailed = trailed(spec)
        self.changes: dict[str, Any] = {}
        self.explicit: list[Conflict] = []  # invalid transitions: tied to this operation
        self.closed: list[Conflict] = []
        self.targeted: dict[str, str] = {}

    def entry(self, value: Any, resolve: bool = False) -> Entry:
        op, ctx = self.op, self.ctx
        # value, version, client_id, client_seq, hlc, op_id, user, at, base, resolve
        return Entry(
            value,
            self.version,
            ctx.client_id,
            op.client_seq,
            op.hlc,
            op.op_id,
            ctx.user,
            ctx.at,
            op.base_version or 0,
            resolve,
        )

    def seen_state(self, name: str) -> str:
        """The status as this operation's writer saw it: what it had pulled plus its own writes."""
        assert self.spec.workflow is not None
        reader = self.entry(None)
        trail = self.record.trails.get(name) or self.record.registers.get(name, [])
        view = maximal(e for e in trail if saw(reader, e))
        return str(furthest(view, self.spec.workflow.rank).value) if view else self.spec.workflow.initial

    # Every change below puts a new list in place and never changes one: a record's copy shares its lists
    # with the original (``RecordState.copy``).
    def write(self, name: str, value: Any, resolve: bool = False) -> None:
        policy = self.spec.fields[name].policy
        record = self.record
        if policy is Policy.SET:
            added = [self.entry(v, resolve) for v in value]
            if name in self.spec.guarded_sets:
                # Every add is kept; ``settle`` works out which are shown (a sign-off may hold one back).
                record.trails[name] = [*_adds_of(record, name), *added]
            else:
                record.sets[name] = [*record.sets.get(name, ()), *added]
            self.changes[name] = {"added": value}
            return
        if policy is Policy.APPEND:
            record.notes[name] = [*record.notes.get(name, ()), self.entry(value)]
            self.changes[name] = {"appended": value}
            return
        wf = self.spec.workflow
        if policy is Policy.STATE and wf is not None and name == wf.field and not resolve:
            before = self.seen_state(name)
            if value != before and value not in wf.transitions.get(before, frozenset()):
                self._invalid(name, value, before)
                return
        mine = self.entry(value, resolve)
        superseded: list[Entry] = []
        if name in self.trailed:
            trail = record.trails.get(name)
            if trail is None:
                trail = record.registers.get(name, [])
            superseded = [e for e in maximal(trail) if saw(mine, e)]
            record.trails[name] = [*trail, mine]
        else:
            kept: list[Entry] = []
            for e in record.registers.get(name, ()):
                (superseded if saw(mine, e) else kept).append(e)
            kept.append(mine)
            record.registers[name] = kept
        if superseded:
            record.previous[name] = provisional(superseded)
        self.changes[name] = {"new": value, "superseded": [e.value for e in superseded]}

    def remove(self, name: str, elements: list[Any], resolve: bool = False) -> None:
        """OR-set remove: only adds this writer had seen go; a concurrent add of the same element stays.

        On a set a sign-off protects, the remove is kept as an entry per element instead, so that a
        sign-off it had not seen can hold it back whenever that sign-off arrives (``settle``).
        """
        record = self.record
        if name in self.spec.guarded_sets:
            record.removals[name] = [
                *record.removals.get(name, ()),
                *(self.entry(v, resolve) for v in elements),
            ]
        else:
            reader = self.entry(None)
            targets = {canonical(v) for v in elements}
            record.sets[name] = [
                e for e in record.sets.get(name, []) if not (canonical(e.value) in targets and saw(reader, e))
            ]
        self.changes[name] = {"removed": elements}

    def delete(self, deleted: bool, resolve: bool = False) -> None:
        mine = self.entry(deleted, resolve)
        superseded = [e for e in self.record.deletion if saw(mine, e)]
        self.record.deletion = [e for e in self.record.deletion if not saw(mine, e)] + [mine]
        self.changes["_deleted"] = {"new": deleted, "superseded": [e.value for e in superseded]}

    def _invalid(self, name: str, value: Any, before: str) -> None:
        values = self.record.values(self.spec)
        self.explicit.append(
            Conflict(
                id=conflict_id(self.spec.name, self.record.id, name, INVALID_TRANSITION, self.op.op_id),
                table=self.spec.name,
                record_id=self.record.id,
                field=name,
                kind=INVALID_TRANSITION,
                candidates=[candidate(self.entry(value))],
                base_value=before,
                provisional_value=values.get(name),
                opened_at=self.ctx.at,
                scope=self.record.scope,
            )
        )
        self.changes[name] = {"refused": value, "from": before}


def _adds_of(record: RecordState, name: str) -> list[Entry]:
    """Every add of a set a sign-off protects. A record stored before its set was protected has them
    all in ``sets`` (its removes having deleted what they removed)."""
    adds = record.trails.get(name)
    return list(record.sets.get(name, ())) if adds is None else adds


@dataclass
class GuardedSet:
    """A protected set's adds and removes, settled against the record's sign-offs."""

    shown: list[Entry]  # the adds that count: admitted, and not removed by an admitted remove
    held_adds: list[Entry]  # adds the sign-off had not seen, not yet decided
    held_removals: list[Entry]  # removes the sign-off had not seen of elements still shown


def guarded_set(adds: list[Entry], removals: list[Entry], lockers: list[Entry]) -> GuardedSet:
    """Like a protected value: a write counts once every sign-off had seen it (or it is a reviewer's
    decision); until then it is held back for review. A remove takes away the adds of its element that
    it had seen. A held write is decided by a reviewer's write of the same element that saw it, and
    stops being held when a remove of its element saw it (the two cancel out). Every test is on the
    set of entries, never their order, so the outcome does not depend on arrival order."""

    def admitted(entry: Entry) -> bool:
        return entry.resolve or all(saw(lock, entry) for lock in lockers)

    keyed_adds = [(canonical(a.value), a) for a in adds]
    keyed_removals = [(canonical(r.value), r) for r in removals]
    counted_removals = [(k, r) for k, r in keyed_removals if admitted(r)]
    shown = [
        (k, a)
        for k, a in keyed_adds
        if admitted(a) and not any(k == rk and saw(r, a) for rk, r in counted_removals)
    ]
    decisions = [(k, e) for k, e in (*keyed_adds, *keyed_removals) if e.resolve]

    def decided(key: str, entry: Entry) -> bool:
        return any(key == dk and d is not entry and saw(d, entry) for dk, d in decisions)

    def cancelled(key: str, add: Entry) -> bool:
        return any(key == rk and saw(r, add) for rk, r in keyed_removals)

    held_adds = [a for k, a in keyed_adds if not admitted(a) and not decided(k, a) and not cancelled(k, a)]
    held_removals = [
        r
        for k, r in keyed_removals
        if not admitted(r) and not decided(k, r) and any(k == sk and saw(r, a) for sk, a in shown)
    ]
    return GuardedSet([a for _, a in shown], held_adds, held_removals)


def settle(record: RecordState, spec: TableSpec) -> dict[str, list[Entry]]:
    """Recompute what is derived from the entries; returns the writes a sign-off keeps out, per field."""
    names = spec.trailed
    locked_out: dict[str, list[Entry]] = {}
    if not names and not spec.guarded_sets:  # no workflow and no sign-off: nothing below applies
        if record.deletion:
            record.deleted = provisional(record.deletion).value is True
        record.contested = _contested(record, spec)
        return locked_out
    protected = spec.sign_off.protected if spec.sign_off else frozenset()
    for name in sorted(names - protected):
        if name in record.trails:
            record.registers[name] = maximal(record.trails[name])
    lockers = _lockers(record, spec)
    for name in sorted(names & protected):
        trail = record.trails.get(name)
        if trail is None:
            continue

        def admitted(entry: Entry) -> bool:
            return entry.resolve or all(saw(lock, entry) for lock in lockers)

        register = maximal(e for e in trail if admitted(e))
        if register:
            record.registers[name] = register
        else:
            record.registers.pop(name, None)
        locked_out[name] = [e for e in maximal(trail) if not admitted(e)]
    for name in sorted(spec.guarded_sets):
        if name not in record.trails and name not in record.sets:
            continue
        adds = record.trails[name] = _adds_of(record, name)
        settled = guarded_set(adds, record.removals.get(name, []), lockers)
        if settled.shown:
            record.sets[name] = settled.shown
        else:
            record.sets.pop(name, None)
        locked_out[name] = [*settled.held_adds, *settled.held_removals]
    if record.deletion:
        record.deleted = provisional(record.deletion).value is True
    record.contested = _contested(record, spec)
    return locked_out


def _contested(record: RecordState, spec: TableSpec) -> list[str]:
    # A register of one entry is never disputed: checked here, it saves a call per field and operation.
    return sorted(
        name for name, reg in record.registers.items() if len(reg) > 1 and disputed(spec, name, reg)
    )


def _lockers(record: RecordState, spec: TableSpec) -> list[Entry]:
    """The status writes that signed the record off, since it was last unlocked (none if not locked)."""
    sign_off = spec.sign_off
    if sign_off is None:
        return []
    trail = record.trails.get(sign_off.field) or record.registers.get(sign_off.field, [])
    current = maximal(trail)
    if not current:
        return []
    wf = spec.workflow
    shown = furthest(current, wf.rank) if wf and wf.field == sign_off.field else provisional(current)
    if shown.value not in sign_off.states:
        return []
    # Every concurrent signing-off counts, not just the one shown: an edit is admitted only if all of
    # them had seen it, so a later-arriving sign-off can only lock more, never let an edit through.
    locking = [e for e in current if e.value in sign_off.states]
    ancestry = [e for e in trail if any(e is lock or saw(lock, e) for lock in locking)]
    return [
        s
        for s in ancestry
        if s.value in sign_off.states
        and not any(u is not s and u.value not in sign_off.states and saw(u, s) for u in ancestry)
    ]


def apply(
    op: Op,
    record: RecordState | None,
    spec: TableSpec,
    ctx: WriteContext,
    open_conflicts: list[Conflict],
    *,
    fast: bool = True,
    checked: bool = False,
) -> Outcome:
    """Apply ``op`` to a copy of ``record`` (``None`` when it does not exist yet). Raises ``Rejection``.

    ``fast=False`` takes the general path even where a shortcut exists: the property tests compare both.
    ``checked=True``: the caller has passed the operation through ``check_op``, so its values are not
    checked again.
    """
    if fast and record is None and op.kind is Kind.CREATE:
        return _create_new(op, spec, ctx, checked)
    if record is not None and record.purged:
        raise Rejection("this record's personal data was purged under the retention rules")
    if (
        fast
        and op.kind is Kind.PATCH
        and record is not None
        and _simple(op, record, spec, ctx, open_conflicts)
        and (simple := _patch_simple(op, record, spec, ctx, checked)) is not None
    ):
        return simple
    if op.kind is Kind.CREATE:
        fields = _create_fields(op, spec, checked)
        if record is None:
            record = RecordState(table=spec.name, id=op.record_id, scope="", created_by=ctx.user)
        else:
            record = record.copy()  # the caller's copy stays untouched until the outcome is committed
    elif record is None:
        raise Rejection("no such record (it was never created, or not on this server)")
    else:
        fields = dict(op.fields)
        record = record.copy()
    writer = _Writer(op, record, spec, ctx)
    unseen = _unseen(writer.entry(None), record)
    if op.kind is Kind.RESOLVE:
        if not _resolve(writer, op, open_conflicts):
            return Outcome(Status.APPLIED, record)
    elif op.kind is Kind.DELETE:
        writer.delete(True)
    elif op.kind is Kind.RESTORE:
        writer.delete(False)
    elif op.kind in (Kind.SET_ADD, Kind.SET_REMOVE):
        if not checked:
            _validate_fields(op, spec, fields, _SETS)
        for name, elements in fields.items():
            if op.kind is Kind.SET_ADD:
                writer.write(name, elements)
            else:
                writer.remove(name, elements)
    else:
        if op.kind is Kind.PATCH and not checked:
            _validate_fields(op, spec, fields, _PATCHABLE)
        for name, value in fields.items():
            writer.write(name, value)
    record.version = writer.version
    record.updated_at = ctx.at
    locked_out = settle(record, spec)
    shown = record.values(spec)
    resolution = _RESOLUTIONS.get(op.kind, "resolved_by_edit")
    derived = reconcile(
        record,
        spec,
        locked_out,
        open_conflicts,
        op_id=op.op_id,
        user=ctx.user,
        at=ctx.at,
        resolution=resolution,
        targeted=writer.targeted,
        values=shown,
    )
    flags = [f"locked:{n}" for n, items in locked_out.items() if any(e.op_id == op.op_id for e in items)]
    if writer.explicit or derived.involved:
        status = Status.CONFLICT
        involved = sorted({*(c.id for c in writer.explicit), *derived.involved})
    else:
        status = Status.MERGED if unseen else Status.APPLIED
        involved = []
    return Outcome(
        status,
        record,
        changed=True,
        conflicts=[*writer.explicit, *derived.save],
        closed=[*writer.closed, *derived.closed],
        changes=writer.changes,
        flags=flags,
        involved=involved,
        shown=shown,
    )


def _create_new(op: Op, spec: TableSpec, ctx: WriteContext, checked: bool = False) -> Outcome:
    """A ``create`` of a record that does not exist yet: half of all operations, and the general path's
    causality work (copying, superseding, settling, reconciling conflicts) has nothing to act on.

    Produces exactly the state the general path does, dict order included (property-tested): one entry
    per written field (per element for sets), every one of them from this operation, so nothing is
    superseded, no sign-off can keep a write out (a locking status written by the same operation saw
    every field it wrote), no register holds two values and no conflict is wanted.
    """
    fields = _create_fields(op, spec, checked)
    record = RecordState(
        table=spec.name,
        id=op.record_id,
        scope="",
        version=1,
        created_by=ctx.user,
        updated_at=ctx.at,
        contested=[],
        disputes=[],
    )
    registers, trails = record.registers, record.trails
    trailed_names, guarded = spec.trailed, spec.guarded_sets
    trailed_entries: dict[str, Entry] = {}
    changes: dict[str, Any] = {}
    client_id, seq, hlc, op_id, user, at = ctx.client_id, op.client_seq, op.hlc, op.op_id, ctx.user, ctx.at
    base = op.base_version or 0
    specs = spec.fields
    for name, value in fields.items():
        policy = specs[name].policy
        if policy is Policy.SET:
            added = [Entry(v, 1, client_id, seq, hlc, op_id, user, at, base) for v in value]
            if name in guarded:
                trails[name] = added  # ``settle`` shows a protected set's adds after the other sets
            else:
                record.sets[name] = added
            changes[name] = {"added": value}
        elif policy is Policy.APPEND:
            record.notes[name] = [Entry(value, 1, client_id, seq, hlc, op_id, user, at, base)]
            changes[name] = {"appended": value}
        else:
            mine = Entry(value, 1, client_id, seq, hlc, op_id, user, at, base)
            if name in trailed_names:
                trails[name] = [mine]
                trailed_entries[name] = mine
            else:
                registers[name] = [mine]
            changes[name] = {"new": value, "superseded": []}
    if trailed_entries:
        # ``settle`` fills the registers of trailed fields after the others: the unprotected ones, then
        # the protected ones, each in name order.
        protected = spec.sign_off.protected if spec.sign_off else frozenset()
        for name in sorted(trailed_names - protected):
            if name in trailed_entries:
                registers[name] = [trailed_entries[name]]
        for name in sorted(trailed_names & protected):
            if name in trailed_entries:
                registers[name] = [trailed_entries[name]]
    for name in sorted(guarded):
        if trails.get(name):
            record.sets[name] = list(trails[name])
    return Outcome(Status.APPLIED, record, changed=True, changes=changes, shown=record.values(spec))


def _simple(
    op: Op, record: RecordState, spec: TableSpec, ctx: WriteContext, open_conflicts: list[Conflict]
) -> bool:
    """Whether a ``patch`` is the common case that ``_patch_simple`` handles: a table without workflow or
    sign-off (no trails, no locks), a record never deleted, no conflict open or wanted, and a writer that
    had seen every entry the record holds (its own earlier writes, or what it pulled)."""
    if spec.trailed or record.deleted or record.deletion or record.disputes != [] or open_conflicts:
        return False
    reader = Entry(
        None, record.version + 1, ctx.client_id, op.client_seq, op.hlc, op.op_id, "", "", op.base_version or 0
    )
    return not _unseen(reader, record)


def _patch_simple(
    op: Op, record: RecordState, spec: TableSpec, ctx: WriteContext, checked: bool = False
) -> Outcome | None:
    """A ``patch`` that ``_simple`` admits: about half of all operations. Its writer saw every entry, so
    each field it writes replaces the whole register (nothing concurrent is kept), nothing is merged, and
    with no register disputed before and none holding two values after, no conflict opens or closes;
    the general path's copying of causality, settling and reconciling has nothing to act on.

    Produces exactly the state, answer and history the general path does, dict order included
    (property-tested).
    """
    fields = dict(op.fields)
    if not checked:
        _validate_fields(op, spec, fields, _PATCHABLE)
    record = record.copy()
    version = record.version + 1
    client_id, seq, hlc, op_id, user, at = ctx.client_id, op.client_seq, op.hlc, op.op_id, ctx.user, ctx.at
    base = op.base_version or 0
    registers, notes, previous = record.registers, record.notes, record.previous
    changes: dict[str, Any] = {}
    specs = spec.fields
    for name, value in fields.items():
        mine = Entry(value, version, client_id, seq, hlc, op_id, user, at, base)
        if specs[name].policy is Policy.APPEND:
            notes[name] = [*notes.get(name, ()), mine]
            changes[name] = {"appended": value}
            continue
        superseded = registers.get(name)
        registers[name] = [mine]
        if superseded:
            previous[name] = provisional(superseded)
            changes[name] = {"new": value, "superseded": [e.value for e in superseded]}
        else:
            changes[name] = {"new": value, "superseded": []}
    record.version = version
    record.updated_at = at
    # What ``settle`` would find: no deletion, no trails, and a register holding two values only where a
    # last-writer field kept concurrent ones, which is never a dispute. Should one be (a field's policy
    # changed since the record was settled), the general path opens its conflict: None sends it there.
    record.contested = _contested(record, spec)
    if record.contested:
        return None
    record.disputes = []  # ``reconcile``: nothing contested, nothing locked, nothing deleted
    return Outcome(Status.APPLIED, record, changed=True, changes=changes, shown=record.values(spec))


def _unseen(reader: Entry, record: RecordState) -> bool:
    """Whether the record holds a write the operation's writer had not seen (its change is a merge)."""
    for group in (record.registers, record.sets, record.notes):
        for items in group.values():
            for entry in items:
                if not saw(reader, entry):
                    return True
    return any(not saw(reader, e) for e in record.deletion)


def _create_fields(op: Op, spec: TableSpec, checked: bool = False) -> dict[str, Any]:
    if not checked:
        missing = sorted(name for name in spec.required_on_create if op.fields.get(name) in (None, ""))
        if missing:
            raise Rejection(f"required: {', '.join(missing)}")
        _validate_fields(op, spec, op.fields, None)
    fields = dict(op.fields)
    if spec.workflow is not None:
        wanted = fields.get(spec.workflow.field, spec.workflow.initial)
        if wanted != spec.workflow.initial:
            raise Rejection(f"a new record starts as {spec.workflow.initial}")
        fields[spec.workflow.field] = spec.workflow.initial
    return fields


def _decide_held_set(writer: _Writer, name: str, accept: bool) -> None:
    """A reviewer's decision on the changes a sign-off holds back from a set, as writes that saw them.

    Accepting repeats each held add and remove as the reviewer's own. Declining keeps the set as signed:
    a held remove is answered by adding its element again, a held add by removing its element (or, when
    the element is shown anyway from an add the sign-off had seen, by adding it again, so that add stays).
    Only the held changes the reviewer had seen are decided; one that arrived after they looked stays
    open.
    """
    record, reader = writer.record, writer.entry(None)
    held = guarded_set(_adds_of(record, name), record.removals.get(name, []), _lockers(record, writer.spec))
    shown = {canonical(a.value) for a in held.shown}
    again: list[Any] = []
    gone: list[Any] = []
    for add in held.held_adds:
        if saw(reader, add):
            (again if accept or canonical(add.value) in shown else gone).append(add.value)
    for removal in held.held_removals:
        if saw(reader, removal):
            (gone if accept else again).append(removal.value)
    if again:
        writer.write(name, again, resolve=True)
    if gone:
        writer.remove(name, gone, resolve=True)
    if not again and not gone:
        raise Rejection(f"{name}: nothing held back that you had seen")


def _accepted(writer: _Writer, conflict: Conflict) -> Any:
    """The value a reviewer accepts by keeping the provisional one: the provisional value among the
    writes they had seen. A value that arrived after they looked may be shown now (a later clock stamp),
    but they never saw it: keeping it would drop the value they accepted."""
    spec, record = writer.spec, writer.record
    name = conflict.field
    assert name is not None
    if conflict.kind == CONCURRENT_EDIT and spec.fields[name].policy is Policy.REVIEW:
        reader = writer.entry(None)
        seen = [e for e in record.registers.get(name, ()) if saw(reader, e)]
        if seen:
            return provisional(seen).value
    return record.values(spec).get(name)


def _resolve(writer: _Writer, op: Op, open_conflicts: list[Conflict]) -> bool:
    """A reviewer's decision. ``apply`` writes the chosen values; ``dismiss`` keeps what is shown.

    Both are writes that saw everything the reviewer had pulled, so they collapse exactly the values the
    reviewer looked at: a value that arrived after they looked keeps the conflict open.
    Returns False when the conflict is already closed (resolving twice changes nothing).
    """
    cid, action, values = _resolution(op, writer.spec)
    conflict = next((c for c in open_conflicts if c.id == cid and c.status == "open"), None)
    if conflict is None:
        return False
    spec = writer.spec
    if conflict.kind == LOCKED_RECORD and conflict.field in spec.guarded_sets:
        if values:
            raise Rejection(f"{conflict.field}: a set's held changes are accepted or declined, not set")
        _decide_held_set(writer, conflict.field, accept=action == "apply")
    elif action == "apply":
        for name, value in values.items():
            writer.write(name, value, resolve=True)
        if conflict.kind in (EDIT_AFTER_DELETE, DELETE_AFTER_EDIT):
            writer.delete(False, resolve=True)
    elif conflict.kind in (CONCURRENT_EDIT, LOCKED_RECORD) and conflict.field is not None:
        if conflict.field in spec.fields:
            writer.write(conflict.field, _accepted(writer, conflict), resolve=True)
    elif conflict.kind in (EDIT_AFTER_DELETE, DELETE_AFTER_EDIT):
        writer.delete(True, resolve=True)
    # Keeping the shown value of a field is choosing it; dismissing a delete or a refused step is not.
    chose = action == "apply" or conflict.kind in (CONCURRENT_EDIT, LOCKED_RECORD)
    how = "chosen" if chose else "dismissed"
    writer.targeted[conflict.id] = how
    if conflict.kind == INVALID_TRANSITION:
        conflict.status = "resolved" if chose else "dismissed"
        conflict.resolution, conflict.resolved_by, conflict.resolved_at = how, writer.ctx.user, writer.ctx.at
        conflict.resolution_op = op.op_id
        writer.closed.append(conflict)
    return True


def seen_state(op: Op, record: RecordState | None, spec: TableSpec, client_id: str) -> str | None:
    """The workflow state the author of ``op`` saw when they made it: what their client had pulled (its
    base version) plus its own earlier writes. A rule that judges a step by it gives the same answer
    whatever arrived in between, as the merge itself does (``_Writer.seen_state``)."""
    if spec.workflow is None:
        return None
    if record is None:
        return spec.workflow.initial
    writer = _Writer(op, record, spec, WriteContext(user="", client_id=client_id, at=""))
    return writer.seen_state(spec.workflow.field)
