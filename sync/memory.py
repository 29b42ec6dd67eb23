"""An in-memory ``Store`` for tests and experiments, with transactions that really roll back.

``fail_after_writes`` makes the n-th write of a transaction raise, to prove a crash mid-batch leaves
either everything or nothing.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sync.records import RecordState, RecordView
from sync.store import Change, ClientState, Conflict, HistoryEntry, RejectedOp


class InjectedFailure(RuntimeError):
    """Raised by the memory store when a test asked it to fail."""


class MemoryStore:
    def __init__(self) -> None:
        self.clients: dict[str, ClientState] = {}
        self.results: dict[str, dict[str, Any]] = {}  # by op_id
        self.result_ids: dict[tuple[str, int], str] = {}  # (client_id, client_seq) → op_id
        self.records: dict[tuple[str, str], RecordState] = {}
        self.views: dict[tuple[str, str], RecordView] = {}
        self.counters: dict[str, int] = {}
        self.changes: dict[str, list[Change]] = {}
        self.conflicts: dict[str, Conflict] = {}
        self.history: list[HistoryEntry] = []
        self.rejected: list[RejectedOp] = []
        self.fail_after_writes: int | None = None
        self._writes = 0
        self._depth = 0

    _STATE = (
        "clients",
        "results",
        "result_ids",
        "records",
        "views",
        "counters",
        "changes",
        "conflicts",
        "history",
        "rejected",
    )

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        snapshot = {name: copy.deepcopy(getattr(self, name)) for name in self._STATE}
        self._depth, self._writes = 1, 0
        try:
            yield
        except BaseException:
            for name, value in snapshot.items():
                setattr(self, name, value)
            raise
        finally:
            self._depth = 0

    def _write(self) -> None:
        self._writes += 1
        if self.fail_after_writes is not None and self._writes > self.fail_after_writes:
            raise InjectedFailure(f"injected failure after {self.fail_after_writes} writes")

    async def get_client(self, client_id: str) -> ClientState | None:
        state = self.clients.get(client_id)
        return copy.deepcopy(state)

    async def save_client(self, state: ClientState) -> None:
        self._write()
        self.clients[state.client_id] = copy.deepcopy(state)

    async def get_results(self, client_id: str, seqs: Sequence[int]) -> dict[int, dict[str, Any]]:
        found = {seq: self.result_ids.get((client_id, seq)) for seq in seqs}
        return {
            seq: copy.deepcopy(self.results[op_id]) for seq, op_id in found.items() if op_id in self.results
        }

    async def save_result(self, client_id: str, op_id: str, client_seq: int, result: dict[str, Any]) -> None:
        self._write()
        self.results[op_id] = copy.deepcopy(result)
        self.result_ids[(client_id, client_seq)] = op_id

    async def get_records(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], RecordState]:
        return {key: copy.deepcopy(self.records[key]) for key in keys if key in self.records}

    async def save_record(self, record: RecordState, view: RecordView | None = None) -> None:
        self._write()
        self.records[(record.table, record.id)] = copy.deepcopy(record)
        if view is None:
            self.views.pop((record.table, record.id), None)
        else:
            self.views[(record.table, record.id)] = copy.deepcopy(view)

    async def get_views(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], RecordView]:
        return {key: copy.deepcopy(self.views[key]) for key in keys if key in self.views}

    async def delete_record_content(self, table: str, record_id: str) -> None:
        self._write()
        self.history = [h for h in self.history if not (h.table == table and h.record_id == record_id)]
        for conflict in list(self.conflicts.values()):
            if conflict.table == table and conflict.record_id == record_id:
                del self.conflicts[conflict.id]

    async def next_seq(self, scope: str) -> int:
        self.counters[scope] = self.counters.get(scope, 0) + 1
        return self.counters[scope]

    async def log_change(self, change: Change) -> None:
        self._write()
        self.changes.setdefault(change.scope, []).append(change)

    async def changes_since(self, scope: str, after_seq: int, limit: int) -> list[Change]:
        return [c for c in self.changes.get(scope, []) if c.seq > after_seq][:limit]

    async def open_conflicts(self, table: str, record_id: str) -> list[Conflict]:
        return [
            copy.deepcopy(c)
            for c in self.conflicts.values()
            if c.table == table and c.record_id == record_id and c.status == "open"
        ]

    async def get_conflict(self, conflict_id: str) -> Conflict | None:
        return copy.deepcopy(self.conflicts.get(conflict_id))

    async def save_conflict(self, conflict: Conflict) -> None:
        self._write()
        self.conflicts[conflict.id] = copy.deepcopy(conflict)

    async def save_history(self, entry: HistoryEntry) -> None:
        self._write()
        self.history.append(entry)

    async def save_rejected(self, rejected: RejectedOp) -> None:
        self._write()
        self.rejected.append(rejected)
