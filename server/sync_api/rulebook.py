"""What a synced table's rule book holds. Each feature declares its tables once, in its ``synced.py``: how
every field merges (the ``TableSpec``), who may do what, who decides its conflicts, what each role
receives when it pulls, how the typed tables follow it, and the labels the conflict inbox shows.

Every write goes through these rules, whichever way it arrives: a tablet's push, a page (which writes
through the person's browser client) and a decision in the conflict inbox (a ``resolve``, judged as the
patch it amounts to). A page may offer fewer actions than its table's rules allow, never more.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from server.config import KAWASAKI_WARDS
from server.models import Role, User
from sync import FieldSpec, FieldType, Kind, Op, Policy, RecordState, TableSpec
from sync.merge import seen_state

# A ward's own data (inspections, actions, goals, comments) travels in one scope per ward, received only
# by that ward's accounts. Each record holds its ward, written by the server when it is created (from the
# creating person's ward, or the deployment's for the public form) and never changed.
WARD_FIELD = FieldSpec(FieldType.TEXT, Policy.REVIEW, max_length=8)


def ward_scope(ward: object) -> str:
    """``ward:takatsu``: an unknown ward gets a scope nobody receives, so its record is refused."""
    return f"ward:{KAWASAKI_WARDS.get(str(ward or ''), '')}"


def scope_of_ward(values: Mapping[str, Any]) -> str:
    return ward_scope(values.get("ward"))


@dataclass(frozen=True)
class Attempt:
    """One operation as the rules judge it: who makes it, from which client, on the record as it is.

    A ``resolve`` is judged as the patch it amounts to (``as_patch``): the same checks as the person's
    own edit of those fields.
    """

    user: User
    op: Op
    record: RecordState | None
    spec: TableSpec
    client_id: str

    @cached_property
    def current(self) -> dict[str, Any]:
        """The record's values as shown now ({} for a record not created yet)."""
        return self.record.values(self.spec) if self.record is not None else {}

    @property
    def fields(self) -> dict[str, Any]:
        return self.op.fields

    def value(self, name: str) -> Any:
        """The value the record will hold for ``name`` if this write is applied (sets: the elements)."""
        if name in self.op.fields and self.op.kind in (Kind.CREATE, Kind.PATCH, Kind.SET_ADD):
            written = self.op.fields[name]
            if self.op.kind is Kind.SET_ADD:
                return [*(self.current.get(name) or []), *written]
            return written
        return self.current.get(name)

    def seen_status(self) -> str | None:
        """The workflow state the author saw when making this change, not the one it arrives to: a step is
        judged against it, so the same operations give the same record in any order of arrival."""
        return seen_state(self.op, self.record, self.spec, self.client_id)

    @property
    def target_status(self) -> str | None:
        """The workflow state this operation writes, if it writes one."""
        workflow = self.spec.workflow
        if workflow is None or self.op.kind not in (Kind.CREATE, Kind.PATCH):
            return None
        value = self.op.fields.get(workflow.field)
        return value if isinstance(value, str) else None

    def as_patch(self, values: Mapping[str, Any]) -> Attempt:
        return replace(self, op=replace(self.op, kind=Kind.PATCH, fields=dict(values)))


Rule = Callable[[Attempt], Awaitable[str | None]]
Event = tuple[str, dict[str, Any]]  # an audit action and its detail, about the record written
Events = Callable[[User, Op, Mapping[str, Any], Mapping[str, Any]], Awaitable[list[Event]]]
Decides = Callable[[User, Mapping[str, Any]], Awaitable[bool]]


def nothing_hidden(user: User) -> frozenset[str]:
    return frozenset()


async def nothing_audited(
    user: User, op: Op, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[Event]:
    return []


async def nobody_decides(user: User, values: Mapping[str, Any]) -> bool:
    return False


@dataclass(frozen=True)
class SyncedTable:
    spec: TableSpec
    label: str  # message id: the table's name in the conflict inbox
    field_labels: Mapping[str, str]  # message ids: each field's name in the conflict inbox
    authorize: Rule  # None to allow the attempt, or the reason (a message id or plain text) it is refused
    project: Callable[[RecordState], Awaitable[None]]  # keeps the typed table in step, in the transaction
    # Who decides this record's conflicts (given its shown values): the inbox lists only those.
    decides: Decides = nobody_decides
    # Fields a role does not receive when it pulls (its row leaves them out).
    hidden: Callable[[User], frozenset[str]] = nothing_hidden
    # Fields whose delivery in a pull is audited like a page showing them (action name per field).
    audited_deliveries: Mapping[str, str] = field(default_factory=dict)
    # Audit events an applied write makes, the same as the page that makes it: (user, op, the values
    # before, after). Written in the push's transaction, so an event exists exactly when the write does.
    events: Events = nothing_audited
    # Fields a reviewer chooses among the values given, never types (codes would be meaningless typed).
    choose_only: frozenset[str] = frozenset()
    # The target type of its audit rows, as the feature's pages write them.
    target_type: str = ""

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def audit_target(self) -> str:
        return self.target_type or self.spec.name


# Shared rules of ownership, used by every section-owned table.
def owns_section(user: User, section_id: Any) -> bool:
    """A 管理者 acts for every section; everyone else for their own."""
    return user.role is Role.MANAGER or (user.section_id is not None and user.section_id == section_id)


def chief_of(user: User, section_id: Any) -> bool:
    """The section's 課長, or a 管理者: who confirms, sends back and decides for a section."""
    return user.role is Role.MANAGER or (
        user.role is Role.CHIEF and user.section_id is not None and user.section_id == section_id
    )


def section_decides(name: str = "section_id") -> Decides:
    async def decides(user: User, values: Mapping[str, Any]) -> bool:
        return chief_of(user, values.get(name))

    return decides
