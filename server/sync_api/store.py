"""``sync.Store`` on Tortoise ORM (SQLite or PostgreSQL).

Writes of a push are buffered per transaction and flushed with ``executemany`` just before commit, so a
batch of a hundred operations costs a handful of statements, not hundreds. Sequence numbers come from a
per-scope counter row that the first ``next_seq`` of a transaction locks (``FOR UPDATE`` on PostgreSQL;
SQLite runs one writer at a time) and that stays locked until commit: commit order is seq order, so a
pull can never skip a change that committed late.

The change log is kept in two places. A record's row carries the scope and number of its latest change
(an upsert, or its purge), because a pull only ever sends a record's current state: an earlier number of
the same record has nothing left to send. ``sync_change`` keeps the rest, chiefly evictions from a scope a
record has left. ``changes_since`` reads both in one ordered stream.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from typing import Any, cast

import aiosqlite
import msgspec
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from server.models import SyncConflict
from sync import Change, ClientState, Conflict, HistoryEntry, RecordState, RecordView, RejectedOp

CHUNK = 500


@dataclass(frozen=True)
class _Write:
    """Rows a push writes to one table: written with ``executemany`` on SQLite, and on PostgreSQL as one
    array per column inside a single statement for the whole push (``_flush``)."""

    # Only the names and clauses declared in this module are formatted into SQL, never a value.
    table: str
    columns: tuple[tuple[str, str], ...]  # (name, PostgreSQL type)
    conflict: str = ""  # what a row whose key exists does

    def one_row(self) -> str:
        names = ", ".join(name for name, _ in self.columns)
        marks = ", ".join("?" * len(self.columns))
        return f"INSERT INTO {self.table} ({names}) VALUES ({marks}) {self.conflict}".rstrip()  # noqa: S608

    def from_arrays(self, first: int) -> str:
        """The statement reading its rows from array parameters ``$first``, ``$first + 1``, …"""
        names = ", ".join(name for name, _ in self.columns)
        arrays = ", ".join(f"${first + i}::{kind}[]" for i, (_, kind) in enumerate(self.columns))
        sql = f"INSERT INTO {self.table} ({names}) SELECT * FROM unnest({arrays}) {self.conflict}"  # noqa: S608
        return sql.rstrip()


RECORDS = _Write(
    "sync_record",
    (
        ("key", "text"),
        ("table_name", "text"),
        ("record_id", "text"),
        ("scope", "text"),
        ("version", "int"),
        ("deleted", "bool"),
        ("purged", "bool"),
        ("state", "text"),
        ("view", "text"),
        ("seq", "bigint"),
    ),
    "ON CONFLICT (key) DO UPDATE SET scope = excluded.scope, version = excluded.version, "
    "deleted = excluded.deleted, purged = excluded.purged, state = excluded.state, view = excluded.view, "
    "seq = COALESCE(excluded.seq, sync_record.seq)",
)
CHANGES = _Write(
    "sync_change",
    (("scope", "text"), ("seq", "bigint"), ("table_name", "text"), ("record_id", "text"), ("kind", "text")),
)
RESULTS = _Write(
    "sync_push_result",
    (("client_id", "text"), ("first_seq", "bigint"), ("last_seq", "bigint"), ("results", "text")),
)
HISTORY = _Write(
    "sync_history",
    (
        ("table_name", "text"),
        ("record_id", "text"),
        ("version", "int"),
        ("op_id", "text"),
        ("kind", "text"),
        ("login", "text"),
        ("client_id", "text"),
        ("at", "text"),
        ("changes", "text"),
        ("flags", "text"),
    ),
)
REJECTED = _Write(
    "sync_rejected",
    (
        ("op_id", "text"),
        ("client_id", "text"),
        ("client_seq", "bigint"),
        ("login", "text"),
        ("table_name", "text"),
        ("record_id", "text"),
        ("kind", "text"),
        ("fields_json", "text"),
        ("reason", "text"),
        ("at", "text"),
    ),
)
CLIENTS = _Write(
    "sync_client",
    (("client_id", "text"), ("last_seq", "bigint"), ("login", "text")),
    "ON CONFLICT (client_id) DO UPDATE SET last_seq = excluded.last_seq, login = excluded.login",
)
READ_RESULTS = (
    "SELECT results FROM sync_push_result WHERE client_id = ? AND last_seq >= ? AND first_seq <= ? "
    "ORDER BY last_seq"
)
CREATE_COUNTER = "INSERT INTO sync_counter (scope, seq) VALUES (?, 0) ON CONFLICT (scope) DO NOTHING"
READ_COUNTER = "SELECT seq FROM sync_counter WHERE scope = ?"
WRITE_COUNTER = "UPDATE sync_counter SET seq = ? WHERE scope = ?"
WRITE_COUNTERS = (
    "UPDATE sync_counter AS c SET seq = v.seq FROM unnest($1::text[], $2::bigint[]) AS v(scope, seq) "
    "WHERE c.scope = v.scope"
)
READ_CLIENT = "SELECT last_seq, login FROM sync_client WHERE client_id = ?"
# PostgreSQL: a push holds its records' locks until it commits (transaction-scoped advisory locks, which
# also cover a record not created yet). Without them two pushes that read a record at the same time would
# each write back their own merge, and the later commit would erase the earlier one's edit; and a tablet's
# resend racing its first attempt would apply the batch twice (the engine reads the client after the
# records). Locks are taken in the order of their numbers, so two pushes wanting the same ones never wait
# on each other in a cycle; the scope's counter (``next_seq``) is always taken after them.
LOCKS = (
    "SELECT pg_advisory_xact_lock($1, lock) FROM "
    "(SELECT DISTINCT hashtext(key) AS lock FROM unnest($2::text[]) AS k(key) ORDER BY lock) AS wanted"
)
RECORD_LOCKS = 0x53594E32
READ_STATES = "SELECT state FROM sync_record WHERE key IN (?)"
# PostgreSQL: the keys as one array joined to the table. A prepared ``key IN ($1, …, $100)`` may be given
# a generic plan that scans the whole table comparing every row with each key (seen in the push benchmark:
# 15 ms instead of 0.7 per batch of a hundred); a join reads the primary key per key, or hashes the keys.
READ_STATES_PG = "SELECT r.state FROM unnest($1::text[]) AS k(key) JOIN sync_record AS r ON r.key = k.key"
READ_VIEWS = "SELECT table_name, record_id, version, deleted, purged, view FROM sync_record WHERE key IN (?)"
# Record rows (with what a pull sends for them) and the log, merged in number order. Each side is limited
# before the merge, so a page reads at most ``2 × limit`` index entries.
CHANGES_SINCE = (
    "SELECT scope, seq, table_name, record_id, kind, version, deleted, view FROM ("
    "SELECT scope, seq, table_name, record_id, CASE WHEN purged THEN 'purge' ELSE 'upsert' END AS kind, "
    "version, deleted, view FROM sync_record WHERE scope = ? AND seq > ? ORDER BY seq LIMIT ?) AS current "
    "UNION ALL SELECT scope, seq, table_name, record_id, kind, NULL, NULL, NULL FROM ("
    "SELECT scope, seq, table_name, record_id, kind FROM sync_change "
    "WHERE scope = ? AND seq > ? ORDER BY seq LIMIT ?) AS logged "
    "ORDER BY seq LIMIT ?"
)
PURGE_STATEMENTS = (
    "DELETE FROM sync_history WHERE table_name = ? AND record_id = ?",
    "DELETE FROM sync_conflict WHERE table_name = ? AND record_id = ?",
    "DELETE FROM sync_rejected WHERE table_name = ? AND record_id = ?",
)


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder()


def _dumps(value: Any) -> str:
    """Compact JSON, as ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))`` writes it but ten
    times faster: a push serialises every record it changes. (The API accepts only strict JSON, so there
    is no NaN or Infinity that the two would write differently.)"""
    return _encoder.encode(value).decode()


# Reads a stored record straight into a ``RecordState`` with its entries, in one pass in C.
_record_decoder = msgspec.json.Decoder(RecordState)


def _record(text: str) -> RecordState:
    try:
        return _record_decoder.decode(text)
    except msgspec.MsgspecError:
        return RecordState.from_json(_loads(text))  # entries stored as objects by an earlier release


def _loads(text: str) -> Any:
    try:
        return _decoder.decode(text)
    except msgspec.DecodeError:
        return json.loads(text)  # a value written before strict JSON was enforced (NaN, Infinity)


def numbered(query: str) -> str:
    """Queries are written with ``?``; asyncpg wants ``$1, $2, …``."""
    parts = query.split("?")
    return "".join(part + (f"${i + 1}" if i < len(parts) - 1 else "") for i, part in enumerate(parts))


def _in_list(query: str, count: int) -> str:
    """Expand ``IN (?)`` to ``count`` placeholders: only placeholders are formatted in, never values."""
    return query.replace("IN (?)", f"IN ({', '.join('?' * count)})")


def _write_all(conn: sqlite3.Connection, statements: list[tuple[str, list[list[Any]]]]) -> None:
    for sql, rows in statements:
        conn.executemany(sql, rows)


async def _write_in_sqlite_thread(
    client: BaseDBAsyncClient, statements: list[tuple[str, list[list[Any]]]]
) -> None:
    """Run the statements on the SQLite connection's own thread, in the open transaction, as one call.

    A push's writes at commit are up to seven statements; through the driver's public calls each is a
    hand-off to the database thread and back (about 0.14 ms each in the benchmark, as long as writing a
    hundred rows takes), so they go together. The driver has no public way to run a function on its thread:
    this uses aiosqlite's ``_execute`` and Tortoise's ``_connection``, both pinned in pyproject.toml and
    exercised by every push in the test suite.
    """
    driver = cast(aiosqlite.Connection, client._connection)
    await driver._execute(_write_all, driver._conn, statements)  # type: ignore[no-untyped-call]


@dataclass
class _Pending:
    """What a transaction will write at commit."""

    conn: BaseDBAsyncClient
    clients: dict[str, ClientState] = field(default_factory=dict)
    results: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)  # per client
    records: dict[str, RecordState] = field(default_factory=dict)
    views: dict[str, RecordView | None] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    history: list[list[Any]] = field(default_factory=list)
    rejected: list[list[Any]] = field(default_factory=list)


# Per task, so concurrent requests sharing one store never see each other's unfinished writes.
_current: ContextVar[_Pending | None] = ContextVar("madoguchi_sync_transaction", default=None)


class TortoiseStore:
    def __init__(self, connection_name: str = "default") -> None:
        self.connection_name = connection_name

    def _conn(self) -> BaseDBAsyncClient:
        pending = _current.get()
        return pending.conn if pending else connections.get(self.connection_name)

    def _postgres(self) -> bool:
        return self._conn().capabilities.dialect == "postgres"

    def _sql(self, query: str) -> str:
        return numbered(query) if self._postgres() else query

    async def _rows(self, query: str, values: Sequence[Any]) -> list[dict[str, Any]]:
        return await self._conn().execute_query_dict(self._sql(query), list(values))

    async def _records(self, query: str, values: Sequence[Any]) -> Sequence[Any]:
        """The driver's own rows (asyncpg records, sqlite3 rows), read by column name: for the reads of many
        rows, which would otherwise each be copied into a dict first."""
        _, rows = await self._conn().execute_query(self._sql(query), list(values))
        return rows

    def _pending(self) -> _Pending:
        pending = _current.get()
        if pending is None:
            raise RuntimeError("sync store writes need a transaction")
        return pending

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        if _current.get() is not None:
            yield
            return
        async with in_transaction(self.connection_name) as conn:
            token = _current.set(_Pending(conn))
            try:
                yield
                await self._flush()
            finally:
                _current.reset(token)

    def rows_at_commit(self, pending: _Pending) -> list[tuple[_Write, list[list[Any]]]]:
        """The rows the transaction writes at commit, per table."""
        # An upsert or purge in the scope a record ends up in is its row's number (the latest one wins);
        # every other change goes to the log.
        latest: dict[str, int] = {}
        logged = []
        for change in pending.changes:
            key = f"{change.table}:{change.record_id}"
            record = pending.records.get(key) if change.kind in ("upsert", "purge") else None
            if record is not None and record.scope == change.scope:
                latest[key] = max(latest.get(key, 0), change.seq)
            else:
                logged.append([change.scope, change.seq, change.table, change.record_id, change.kind])
        records = [
            [
                key,
                r.table,
                r.id,
                r.scope,
                r.version,
                r.deleted,
                r.purged,
                _dumps(r),  # a RecordState is written as ``to_json`` writes it, without building that dict
                None
                if (v := pending.views[key]) is None
                else _dumps({"row": v.row, "conflicts": v.conflicts}),
                latest.get(key),
            ]
            for key, r in pending.records.items()
        ]
        clients = [[c.client_id, c.last_seq, c.user] for c in pending.clients.values()]
        results = [
            [client_id, answers[0][0], answers[-1][0], _dumps([result for _, result in answers])]
            for client_id, answers in pending.results.items()
        ]
        return [
            (RECORDS, records),
            (CHANGES, logged),
            (RESULTS, results),
            (HISTORY, pending.history),
            (REJECTED, pending.rejected),
            (CLIENTS, clients),
        ]

    async def _flush(self) -> None:
        pending = self._pending()
        writes = self.rows_at_commit(pending)
        if self._postgres():
            # One round trip for the whole push: each write reads its rows from arrays, all in one statement
            # (PostgreSQL runs the parts of a WITH together; they touch different tables).
            scopes = list(pending.counters)
            parts = [f"write_sync_counter AS ({WRITE_COUNTERS})"]
            values: list[Any] = [scopes, [pending.counters[scope] for scope in scopes]]
            for write, rows in writes:
                parts.append(f"write_{write.table} AS ({write.from_arrays(len(values) + 1)})")
                values += (
                    [list(column) for column in zip(*rows, strict=True)]
                    if rows
                    else [[]] * len(write.columns)
                )
            await pending.conn.execute_query("WITH " + ", ".join(parts) + " SELECT 1", values)
            return
        statements = [(WRITE_COUNTER, [[seq, scope] for scope, seq in pending.counters.items()])]
        statements += [(write.one_row(), rows) for write, rows in writes]
        await _write_in_sqlite_thread(pending.conn, [(sql, rows) for sql, rows in statements if rows])

    async def _lock(self, keys: Sequence[str]) -> None:
        """Hold the locks of these records until the transaction ends (PostgreSQL; SQLite has one writer)."""
        if keys and self._postgres():
            await self._conn().execute_query(LOCKS, [RECORD_LOCKS, list(keys)])

    async def get_client(self, client_id: str) -> ClientState | None:
        pending = _current.get()
        if pending and client_id in pending.clients:
            return ClientState(**asdict(pending.clients[client_id]))
        rows = await self._rows(READ_CLIENT, [client_id])
        return ClientState(client_id, int(rows[0]["last_seq"]), rows[0]["login"]) if rows else None

    async def save_client(self, state: ClientState) -> None:
        self._pending().clients[state.client_id] = ClientState(**asdict(state))

    async def get_results(self, client_id: str, seqs: Sequence[int]) -> dict[int, dict[str, Any]]:
        wanted = set(seqs)
        if not wanted:
            return {}
        found: dict[int, dict[str, Any]] = {}
        for row in await self._rows(READ_RESULTS, [client_id, min(wanted), max(wanted)]):
            for answer in _loads(row["results"]):
                if answer["client_seq"] in wanted:
                    found[answer["client_seq"]] = answer
        pending = _current.get()
        for seq, answer in pending.results.get(client_id, []) if pending else []:
            if seq in wanted:
                found[seq] = answer
        return found

    async def save_result(self, client_id: str, op_id: str, client_seq: int, result: dict[str, Any]) -> None:
        # Kept by reference and written at commit with the rest of the push's results, in one row.
        self._pending().results.setdefault(client_id, []).append((client_seq, result))

    async def get_records(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], RecordState]:
        found: dict[tuple[str, str], RecordState] = {}
        pending = _current.get()
        wanted = []
        for table, record_id in keys:
            buffered = pending.records.get(f"{table}:{record_id}") if pending else None
            if buffered is not None:
                found[(table, record_id)] = buffered.copy()
            else:
                wanted.append(f"{table}:{record_id}")
        if pending:
            await self._lock(wanted)
        postgres = self._postgres()
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            if postgres:
                rows = await self._records(READ_STATES_PG, [chunk])
            else:
                rows = await self._records(_in_list(READ_STATES, len(chunk)), chunk)
            for row in rows:
                record = _record(row["state"])
                found[(record.table, record.id)] = record
        return found

    async def get_views(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], RecordView]:
        found: dict[tuple[str, str], RecordView] = {}
        pending = _current.get()
        wanted = []
        for table, record_id in keys:
            key = f"{table}:{record_id}"
            if pending is None or key not in pending.records:
                wanted.append(key)
            elif (view := pending.views[key]) is not None:
                found[(table, record_id)] = view
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            for row in await self._rows(_in_list(READ_VIEWS, len(chunk)), chunk):
                table, record_id, deleted = row["table_name"], row["record_id"], bool(row["deleted"])
                if row["purged"]:
                    found[(table, record_id)] = RecordView(
                        table, record_id, row["version"], deleted, True, None, []
                    )
                elif row["view"] is not None:
                    view = _loads(row["view"])
                    found[(table, record_id)] = RecordView(
                        table, record_id, row["version"], deleted, False, view["row"], view["conflicts"]
                    )
        return found

    async def save_record(self, record: RecordState, view: RecordView | None = None) -> None:
        # Kept by reference: it is serialised once, at commit, in its final state for this transaction.
        pending, key = self._pending(), f"{record.table}:{record.id}"
        pending.records[key] = record
        pending.views[key] = view

    async def delete_record_content(self, table: str, record_id: str) -> None:
        conn = self._pending().conn
        for statement in PURGE_STATEMENTS:
            await conn.execute_query(self._sql(statement), [table, record_id])

    async def next_seq(self, scope: str) -> int:
        pending = self._pending()
        if scope not in pending.counters:
            read = self._sql(READ_COUNTER + (" FOR UPDATE" if self._postgres() else ""))
            rows = await pending.conn.execute_query_dict(read, [scope])
            if not rows:  # the scope's first change ever: create its counter, then lock it as usual
                await pending.conn.execute_query(self._sql(CREATE_COUNTER), [scope])
                rows = await pending.conn.execute_query_dict(read, [scope])
            pending.counters[scope] = int(rows[0]["seq"])
        pending.counters[scope] += 1
        return pending.counters[scope]

    async def log_change(self, change: Change) -> None:
        self._pending().changes.append(change)

    async def changes_since(self, scope: str, after_seq: int, limit: int) -> list[Change]:
        rows = await self._records(CHANGES_SINCE, [scope, after_seq, limit, scope, after_seq, limit, limit])
        found = []
        for r in rows:
            table, record_id, view = r["table_name"], r["record_id"], None
            if r["view"] is not None and r["kind"] == "upsert":
                shown = _loads(r["view"])
                deleted = bool(r["deleted"])
                view = RecordView(
                    table, record_id, r["version"], deleted, False, shown["row"], shown["conflicts"]
                )
            found.append(Change(r["scope"], int(r["seq"]), table, record_id, r["kind"], view))
        return found

    @staticmethod
    def conflict_of(row: SyncConflict) -> Conflict:
        return Conflict(
            id=row.id,
            table=row.table_name,
            record_id=row.record_id,
            field=row.field,
            kind=row.kind,
            candidates=_loads(row.candidates),
            base_value=_loads(row.base_value),
            provisional_value=_loads(row.provisional_value),
            status=row.status,
            opened_at=row.opened_at,
            scope=row.scope,
            resolved_at=row.resolved_at,
            resolved_by=row.resolved_by,
            resolution=row.resolution,
            resolution_op=row.resolution_op,
        )

    async def open_conflicts(self, table: str, record_id: str) -> list[Conflict]:
        query = SyncConflict.filter(table_name=table, record_id=record_id, status="open")
        rows = await query.using_db(self._conn()).order_by("opened_at", "id")
        return [self.conflict_of(row) for row in rows]

    async def get_conflict(self, conflict_id: str) -> Conflict | None:
        row = await SyncConflict.filter(id=conflict_id).using_db(self._conn()).first()
        return self.conflict_of(row) if row else None

    async def save_conflict(self, conflict: Conflict) -> None:
        values = {
            "table_name": conflict.table,
            "record_id": conflict.record_id,
            "field": conflict.field,
            "kind": conflict.kind,
            "candidates": _dumps(conflict.candidates),
            "base_value": _dumps(conflict.base_value),
            "provisional_value": _dumps(conflict.provisional_value),
            "status": conflict.status,
            "opened_at": conflict.opened_at,
            "scope": conflict.scope,
            "resolved_at": conflict.resolved_at,
            "resolved_by": conflict.resolved_by,
            "resolution": conflict.resolution,
            "resolution_op": conflict.resolution_op,
        }
        conn = self._pending().conn
        if not await SyncConflict.filter(id=conflict.id).using_db(conn).update(**values):
            await SyncConflict.create(id=conflict.id, using_db=conn, **values)

    async def save_history(self, entry: HistoryEntry) -> None:
        self._pending().history.append(
            [
                entry.table,
                entry.record_id,
                entry.version,
                entry.op_id,
                entry.kind,
                entry.user,
                entry.client_id,
                entry.at,
                _dumps(entry.changes),
                _dumps(entry.flags) if entry.flags else "[]",
            ]
        )

    async def save_rejected(self, rejected: RejectedOp) -> None:
        self._pending().rejected.append(
            [
                rejected.op_id,
                rejected.client_id,
                rejected.client_seq,
                rejected.user,
                rejected.table,
                rejected.record_id,
                rejected.kind,
                _dumps(rejected.fields),
                rejected.reason,
                rejected.at,
            ]
        )
