"""The synced tables: each declared once by the feature that owns it (its ``synced.py``, a rule book as
``rulebook.py`` describes). This module lists them and applies their rules to every write, whichever
way it arrives, and to every pull."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from server import audit
from server.compliance import synced as self_checks
from server.compliance.synced import section_scope
from server.feedback import synced as feedback
from server.goals import synced as goals
from server.i18n import N_
from server.inspections import synced as inspections
from server.models import AuditEvent, Role, User
from server.okuyami import synced as okuyami
from server.okuyami.records import scope_for as okuyami_scope
from server.sync_api.rulebook import Attempt, SyncedTable, ward_scope
from sync import Actor, Conflict, Kind, Op, RecordState, Registry, Store
from sync.conflicts import DELETE_AFTER_EDIT, EDIT_AFTER_DELETE

TABLES: dict[str, SyncedTable] = {
    table.name: table
    for table in (goals.TABLE, self_checks.TABLE, *inspections.TABLES, feedback.TABLE, okuyami.TABLE)
}

NOT_YOURS_TO_DECIDE = N_("You may not decide this record's conflicts.")
ONLY_DISPUTED = N_("A decision sets only the fields in dispute.")
NO_JUMPS = N_("A decision cannot skip steps of the workflow.")
WARD_FIXED = N_("A record belongs to the ward of the person who creates it and cannot move.")


def registry() -> Registry:
    return Registry([table.spec for table in TABLES.values()])


def with_ward(op: Op, user: User) -> Op:
    """A record belongs to the ward of the person who creates it: the server writes it into the create,
    so a tablet (even one whose outbox predates wards) never has to, and the rules refuse any other."""
    spec = TABLES[op.table].spec if op.table in TABLES else None
    if spec is None or "ward" not in spec.fields or op.kind is not Kind.CREATE or "ward" in op.fields:
        return op
    return replace(op, fields={**op.fields, "ward": user.ward})


def actor_for(user: User, section_ids: Iterable[int] = ()) -> Actor:
    """``section_ids``: every section, for a manager (who sees and decides for all of them)."""
    scopes = {ward_scope(user.ward)}
    if user.role is Role.OKUYAMI:
        # Bereavement cases: only the desk of their own ward receives them (managers see figures only).
        scopes.add(okuyami_scope(user.ward))
    if user.section_id is not None:
        scopes.add(section_scope(user.section_id))
    if user.role is Role.MANAGER:
        scopes.update(section_scope(i) for i in section_ids)
    return Actor(user=user.login, scopes=frozenset(scopes), roles=frozenset({user.role.value}))


def _disputed_fields(conflict: Conflict) -> set[str]:
    """The fields a decision on this conflict may set: its field, or (an edit or a delete that met on a
    deleted record) the fields of the edits it holds."""
    if conflict.field:
        return {conflict.field}
    names: set[str] = set()
    for candidate in conflict.candidates:
        value = candidate.get("value")
        fields = value.get("fields", value) if isinstance(value, dict) else None
        if isinstance(fields, dict):
            names.update(str(k) for k in fields)
    return names


def _candidate(conflict: Conflict, name: str, value: Any) -> bool:
    """Whether ``value`` is one of the values in dispute for ``name``."""
    for candidate in conflict.candidates:
        given = candidate.get("value")
        if conflict.field == name and given == value:
            return True
        fields = given.get("fields", given) if isinstance(given, dict) and not conflict.field else None
        if isinstance(fields, dict) and name in fields and fields[name] == value:
            return True
    return False


async def _authorize_resolve(table: SyncedTable, attempt: Attempt, store: Store) -> str | None:
    """A decision is an ordinary write by the person deciding: they must be allowed to decide the
    record, may set only the disputed fields, never skip a workflow step, and what they set passes the
    same rules as their own patch of those fields (a restore too, when the decision restores)."""
    if attempt.record is None:
        return None  # the engine answers "no such record"
    if not await table.decides(attempt.user, attempt.current):
        return NOT_YOURS_TO_DECIDE
    fields = attempt.fields
    open_now = await store.open_conflicts(table.name, attempt.op.record_id)
    conflict = next((c for c in open_now if c.id == fields["conflict_id"]), None)
    if conflict is None or fields["action"] == "dismiss":
        return None  # a closed conflict is left as it is; keeping what is shown changes no value
    values = fields.get("values") or {}
    if not set(values) <= _disputed_fields(conflict):
        return ONLY_DISPUTED
    workflow = table.spec.workflow
    if workflow is not None and workflow.field in values:
        now = attempt.current.get(workflow.field) or workflow.initial
        wanted = values[workflow.field]
        if wanted != now and wanted not in workflow.transitions.get(now, frozenset()):
            return NO_JUMPS
    # A candidate passed its author's checks when it was pushed (with the fields it came with); any other
    # value is the decider's own edit and passes the same checks as their patch of it.
    typed = {name: value for name, value in values.items() if not _candidate(conflict, name, value)}
    refusal = await table.authorize(attempt.as_patch(typed)) if typed else None
    if refusal is None and conflict.kind in (EDIT_AFTER_DELETE, DELETE_AFTER_EDIT):
        # Applying an edit that met a delete restores the record: that is the person's restore too.
        restore = replace(attempt, op=replace(attempt.op, kind=Kind.RESTORE, fields={}))
        refusal = await table.authorize(restore)
    return refusal


def make_authorize(user: User, client_id: str, store: Store) -> Any:
    """The rules for one person's push from one client (pages write through the browser's client)."""

    async def authorize(actor: Actor, op: Op, record: RecordState | None) -> str | None:
        table = TABLES.get(op.table)
        if table is None:
            return "your role may not change this"
        attempt = Attempt(user, op, record, table.spec, client_id)
        moved = op.kind is not Kind.CREATE or record is not None or op.fields.get("ward") != user.ward
        if "ward" in op.fields and op.kind is not Kind.RESOLVE and moved:
            return WARD_FIXED
        if op.kind is Kind.RESOLVE:
            return await _authorize_resolve(table, attempt, store)
        return await table.authorize(attempt)

    return authorize


async def project(record: RecordState) -> None:
    """Keep the typed table that list pages and reports read in step with the synced record."""
    table = TABLES.get(record.table)
    if table is not None:  # a table registered without a rule book has no typed table
        await table.project(record)


def make_audit(user: User) -> Any:
    """The audit events a write makes, whichever way it arrived (``SyncedTable.events``)."""

    async def on_applied(op: Op, before: RecordState | None, after: RecordState) -> None:
        table = TABLES.get(op.table)
        if table is None:
            return
        spec = table.spec
        old = before.values(spec) if before is not None and not before.deleted else {}
        for action, detail in await table.events(user, op, old, after.values(spec)):
            await audit.record(
                None, action, user=user, target_type=table.audit_target, target_id=op.record_id, detail=detail
            )

    return on_applied


async def project_pull(user: User, changes: list[Any]) -> None:
    """Leave out of each pulled row what the person's role does not receive, and audit each delivery of
    personal data as a page showing it is audited."""
    deliveries: list[AuditEvent] = []
    for change in changes:
        table = TABLES.get(change.table)
        if table is None or change.row is None:
            continue
        hidden = table.hidden(user)
        if hidden:
            change.row = {k: v for k, v in change.row.items() if k not in hidden}
        for name, action in table.audited_deliveries.items():
            if change.row.get(name):
                deliveries.append(
                    AuditEvent(
                        user_id=user.id,
                        login=user.login,
                        action=action,
                        target_type=table.audit_target,
                        target_id=change.id,
                        detail={"via": "sync"},
                        ip="",
                    )
                )
    if deliveries:
        await AuditEvent.bulk_create(deliveries)
