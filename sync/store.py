"""What the engine needs from storage. The server implements it on Tortoise ORM; ``memory`` in tests.

Transaction rule: everything the engine does between ``async with store.transaction():`` and its end
commits together or not at all — the operations' effects, their stored results and the client's
``last_seq``. ``next_seq(scope)`` must hand out numbers in commit order: an implementation on a database
with concurrent writers locks the scope's counter row until commit (PostgreSQL: ``SELECT … FOR UPDATE``;
SQLite serialises writers with ``BEGIN IMMEDIATE``), so a puller can never skip a change that commits late.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from sync.records import RecordState, RecordView


@dataclass
class ClientState:
    client_id: str
    last_seq: int = 0
    user: str = ""


class Change(NamedTuple):
    """One entry of a scope's change log; ``kind`` is ``upsert``, ``evict`` or ``purge``.

    ``view`` is what a pull sends for an upserted record, when the store read it together with the change
    (it saves the pull a second read); the engine asks ``get_views`` for the others. (Named tuples, here
    and for history entries: one of each is made per pushed operation, three times faster than a frozen
    dataclass.)
    """

    scope: str
    seq: int
    table: str
    record_id: str
    kind: str
    view: RecordView | None = None


@dataclass
class Conflict:
    id: str
    table: str
    record_id: str
    field: str | None
    kind: str  # concurrent_edit | edit_after_delete | delete_after_edit | invalid_transition | locked_record
    candidates: list[dict[str, Any]]
    base_value: Any
    provisional_value: Any
    status: str = "open"  # open | resolved | dismissed
    opened_at: str = ""
    scope: str = ""
    resolved_at: str | None = None
    resolved_by: str | None = None
    resolution: str | None = None  # chosen | resolved_by_edit | dismissed
    resolution_op: str | None = None


class HistoryEntry(NamedTuple):
    table: str
    record_id: str
    version: int
    op_id: str
    kind: str
    user: str
    client_id: str
    at: str
    changes: dict[str, Any]  # field → {"new": value, "superseded": [values]}
    flags: Sequence[str] = ()


@dataclass(frozen=True)
class RejectedOp:
    op_id: str
    client_id: str
    client_seq: int
    user: str
    table: str
    record_id: str
    kind: str
    fields: dict[str, Any]
    reason: str
    at: str


class Store(Protocol):
    def transaction(self) -> AbstractAsyncContextManager[None]: ...

    async def get_client(self, client_id: str) -> ClientState | None: ...

    async def save_client(self, state: ClientState) -> None: ...

    async def get_results(self, client_id: str, seqs: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The stored results of a client's operations, by ``client_seq`` (those still kept)."""
        ...

    async def save_result(
        self, client_id: str, op_id: str, client_seq: int, result: dict[str, Any]
    ) -> None: ...

    async def get_records(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], RecordState]:
        """The records that exist among ``keys``. Inside a transaction, a store with concurrent writers
        reads them as last committed and keeps every other transaction from changing them (or creating
        them) until this one ends, taking such locks in an order that cannot form a cycle."""
        ...

    async def save_record(self, record: RecordState, view: RecordView | None = None) -> None:
        """Keep the record and, when given, what a pull sends for it (a view saved with an earlier version
        is dropped)."""
        ...

    async def get_views(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], RecordView]:
        """The views saved with these records' current versions, for those that have one."""
        ...

    async def delete_record_content(self, table: str, record_id: str) -> None: ...

    async def next_seq(self, scope: str) -> int: ...

    async def log_change(self, change: Change) -> None: ...

    async def changes_since(self, scope: str, after_seq: int, limit: int) -> list[Change]: ...

    async def open_conflicts(self, table: str, record_id: str) -> list[Conflict]: ...

    async def get_conflict(self, conflict_id: str) -> Conflict | None: ...

    async def save_conflict(self, conflict: Conflict) -> None: ...

    async def save_history(self, entry: HistoryEntry) -> None: ...

    async def save_rejected(self, rejected: RejectedOp) -> None: ...
