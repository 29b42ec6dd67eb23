"""The sync engine: push (ordered, idempotent, merged per field) and pull (commit-ordered, paged, scoped)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sync import cursor as cursors
from sync.errors import GapError
from sync.hlc import millis_of
from sync.merge import Outcome, Rejection, WriteContext, apply, check_op
from sync.protocol import Kind, Op, PushRequest, Status
from sync.records import RecordState, RecordView
from sync.spec import Registry
from sync.store import Change, ClientState, Conflict, HistoryEntry, RejectedOp, Store
from sync.values import printable

CLOCK_TOLERANCE_MS = 5 * 60 * 1000


@dataclass(frozen=True)
class Actor:
    """Who is syncing: the user, the scopes they may receive, and their roles (for the authorise hook)."""

    user: str
    scopes: frozenset[str]
    roles: frozenset[str] = frozenset()


# (actor, op, the record before the op or None) → None to allow, or the reason it is refused.
Authorize = Callable[[Actor, Op, RecordState | None], Awaitable[str | None]]


async def allow_all(actor: Actor, op: Op, record: RecordState | None) -> str | None:
    return None


@dataclass
class PushResponse:
    results: list[dict[str, Any]]
    last_seq: int
    expected_seq: int | None = None  # set when the batch stopped at a gap


@dataclass
class PullItem:
    table: str
    id: str
    version: int
    deleted: bool
    row: dict[str, Any] | None
    conflicts: list[str]


@dataclass
class PullPage:
    changes: list[PullItem] = field(default_factory=list)
    evictions: list[dict[str, str]] = field(default_factory=list)
    purged: list[dict[str, str]] = field(default_factory=list)
    cursor: str = ""
    has_more: bool = False
    reset: bool = False


class _Arrival(NamedTuple):
    ctx: WriteContext  # who writes, from which device, and the server time, ISO 8601 (never changed)
    latest_plausible_ms: float  # a stamp later than this says the tablet's clock is ahead
    # The same as a stamp's leading 13 digits: a stamp at or below it is plausible without parsing it.
    latest_plausible_digits: str


def _iso(moment: datetime) -> str:
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="milliseconds")


class Engine:
    def __init__(
        self,
        store: Store,
        registry: Registry,
        *,
        secret: bytes,
        epoch: int = 1,
        authorize: Authorize = allow_all,
        now: Callable[[], datetime] | None = None,
        on_change: Callable[[RecordState], Awaitable[None]] | None = None,
        on_applied: Callable[[Op, RecordState | None, RecordState], Awaitable[None]] | None = None,
    ) -> None:
        self.store = store
        self.registry = registry
        self.secret = secret
        self.epoch = epoch
        self.authorize = authorize
        self.now = now or (lambda: datetime.now(UTC))
        # Called inside the push transaction for every changed record (the server keeps typed tables).
        self.on_change = on_change
        # Called inside the push transaction after each operation that changed a record, with the record
        # before and after it (the server writes the audit events a change makes).
        self.on_applied = on_applied

    async def push(self, actor: Actor, request: PushRequest) -> PushResponse:
        """Apply a batch in one transaction. Raises ``GapError`` when the batch starts after a missing op."""
        async with self.store.transaction():
            # Records first: a store with concurrent writers keeps them from changing until this commits
            # (``Store.get_records``). A resend racing its first attempt shares its records, so it waits
            # here and then reads a client that already has the batch.
            records = await self.store.get_records(sorted({(op.table, op.record_id) for op in request.ops}))
            client = await self.store.get_client(request.client_id) or ClientState(
                request.client_id, 0, actor.user
            )
            last = client.last_seq
            old = [op.client_seq for op in request.ops if op.client_seq <= last]
            stored = await self.store.get_results(request.client_id, old) if old else {}
            fresh = [op for op in request.ops if op.client_seq > last]
            if fresh and fresh[0].client_seq != last + 1 and not old:
                raise GapError(last + 1)
            # The batch arrived at one moment: its operations share the server time they are stamped with.
            moment = self.now()
            latest = moment.timestamp() * 1000 + CLOCK_TOLERANCE_MS
            ctx = WriteContext(user=actor.user, client_id=request.client_id, at=_iso(moment))
            arrival = _Arrival(ctx, latest, f"{int(latest):013d}")
            results: list[dict[str, Any]] = []
            expected: int | None = None
            for op in request.ops:
                if op.client_seq <= last:
                    answer = stored.get(op.client_seq)
                    if answer is None or answer["op_id"] != op.op_id:
                        answer = {
                            "op_id": op.op_id,
                            "client_seq": op.client_seq,
                            "status": Status.DUPLICATE.value,
                        }
                    results.append(answer)
                    continue
                if op.client_seq != last + 1:
                    expected = last + 1
                    break
                result = await self._apply(actor, request.client_id, op, records, arrival)
                await self.store.save_result(request.client_id, op.op_id, op.client_seq, result)
                results.append(result)
                last = op.client_seq
            client.last_seq, client.user = last, client.user or actor.user
            await self.store.save_client(client)
        return PushResponse(results=results, last_seq=last, expected_seq=expected)

    async def _apply(
        self,
        actor: Actor,
        client_id: str,
        op: Op,
        records: dict[tuple[str, str], RecordState],
        arrival: _Arrival,
    ) -> dict[str, Any]:
        at = arrival.ctx.at
        key = (op.table, op.record_id)
        record = records.get(key)
        spec = self.registry.get(op.table)
        try:
            if spec is None:
                raise Rejection(f"unknown table {op.table}")
            if record is not None and record.scope not in actor.scopes:
                raise Rejection("this record is outside what you may change")
            # Values first: the server's rules then read values of the declared types, and a value no
            # database keeps (a NUL, half an emoji) is refused here instead of failing the whole push.
            check_op(op, spec)
            refusal = await self.authorize(actor, op, record)
            if refusal:
                raise Rejection(refusal)
            before_scope = record.scope if record else None
            # Open conflicts are read only when the record may have some: its last settle said so, or
            # this is a resolution (which names one).
            disputed = record is not None and (op.kind is Kind.RESOLVE or record.disputes != [])
            open_conflicts = await self.store.open_conflicts(op.table, op.record_id) if disputed else []
            outcome = apply(op, record, spec, arrival.ctx, open_conflicts, checked=True)
            if outcome.shown is None:
                outcome.shown = outcome.record.values(spec)
            outcome.record.scope = spec.scope_of(outcome.shown)
            if outcome.record.scope not in actor.scopes:
                raise Rejection("this record would be outside what you may change")
        except Rejection as exc:
            # Kept as typed, but for characters no database keeps: the person sees it at /sync.
            reason = printable(str(exc))
            await self.store.save_rejected(
                RejectedOp(
                    op_id=op.op_id,
                    client_id=client_id,
                    client_seq=op.client_seq,
                    user=actor.user,
                    table=op.table,
                    record_id=op.record_id,
                    kind=op.kind.value,
                    fields=printable(op.fields),
                    reason=reason,
                    at=at,
                )
            )
            return {
                "op_id": op.op_id,
                "client_seq": op.client_seq,
                "status": Status.REJECTED.value,
                "record_version": record.version if record else None,
                "conflict_ids": [],
                "error": reason,
            }
        flags = list(outcome.flags)
        if op.hlc[:13] > arrival.latest_plausible_digits and millis_of(op.hlc) > arrival.latest_plausible_ms:
            flags.append("clock_suspicious")  # applied all the same: a tablet's clock is not evidence
        if outcome.changed:
            await self._commit(outcome, op, actor, client_id, at, before_scope, flags)
            records[key] = outcome.record
            if self.on_applied is not None:
                await self.on_applied(op, record, outcome.record)
        return {
            "op_id": op.op_id,
            "client_seq": op.client_seq,
            "status": outcome.status.value,
            "record_version": outcome.record.version,
            "conflict_ids": outcome.involved,
            "error": None,
        }

    async def _commit(
        self,
        outcome: Outcome,
        op: Op,
        actor: Actor,
        client_id: str,
        at: str,
        before_scope: str | None,
        flags: list[str],
    ) -> None:
        record = outcome.record
        for conflict in [*outcome.conflicts, *outcome.closed]:
            conflict.scope = record.scope
            await self.store.save_conflict(conflict)
        if before_scope is not None and before_scope != record.scope:
            seq = await self.store.next_seq(before_scope)
            await self.store.log_change(Change(before_scope, seq, record.table, record.id, "evict"))
        seq = await self.store.next_seq(record.scope)
        await self.store.log_change(Change(record.scope, seq, record.table, record.id, "upsert"))
        row = None if record.deleted else outcome.shown
        view = RecordView(
            record.table, record.id, record.version, record.deleted, False, row, record.contested_fields()
        )
        await self.store.save_record(record, view)
        await self.store.save_history(
            HistoryEntry(
                record.table,
                record.id,
                record.version,
                op.op_id,
                op.kind.value,
                actor.user,
                client_id,
                at,
                outcome.changes,
                flags,
            )
        )
        if self.on_change is not None:
            await self.on_change(record)

    async def pull(self, actor: Actor, token: str, limit: int = 500) -> PullPage:
        """The next page of changes in the actor's scopes, oldest first, with the cursor after it."""
        position = cursors.decode(token, self.secret)
        page = PullPage()
        if token and position.epoch != self.epoch:
            position, page.reset = cursors.Cursor(epoch=self.epoch), True
        elif any(scope not in actor.scopes for scope in position.positions):
            # The person has lost a scope since this cursor (another role, ward or section): the tablet
            # must not keep what it may no longer see, so it starts again from what it may.
            position, page.reset = cursors.Cursor(epoch=self.epoch), True
        position.epoch = self.epoch
        position.positions = {s: p for s, p in position.positions.items() if s in actor.scopes}
        picked: list[Change] = []
        for scope in sorted(actor.scopes):
            room = limit - len(picked)
            if room <= 0:
                page.has_more = True
                break
            found = await self.store.changes_since(scope, position.positions.get(scope, 0), room + 1)
            if len(found) > room:
                page.has_more, found = True, found[:room]
            if found:
                position.positions[scope] = found[-1].seq
            picked.extend(found)
        latest = {(change.table, change.record_id): change for change in picked}
        # Stored views first: sending them needs no record rebuilt. Records without one, or whose table has
        # gained or lost fields since it was stored, are read whole and computed afresh.
        views: dict[tuple[str, str], RecordView] = {}
        unread = []
        for key, change in latest.items():
            if change.kind == "upsert":
                if change.view is None:
                    unread.append(key)
                else:
                    views[key] = change.view
        if unread:
            views.update(await self.store.get_views(unread))
        fields: dict[str, Any] = {}  # per table, the field names a current view has
        unviewed = []
        for key, change in latest.items():
            if change.kind != "upsert":
                continue
            view = views.get(key)
            if view is None:
                unviewed.append(key)
            elif view.row is not None:
                if view.table not in fields:
                    spec = self.registry.get(view.table)
                    fields[view.table] = spec.fields.keys() if spec is not None else None
                if view.row.keys() != fields[view.table]:
                    unviewed.append(key)
        if unviewed:
            for key, record in (await self.store.get_records(unviewed)).items():
                views[key] = self._view(record)
        changes = page.changes
        for (table, record_id), change in latest.items():
            if change.kind == "purge":
                page.purged.append({"table": table, "id": record_id})
            elif change.kind == "evict":
                page.evictions.append({"table": table, "id": record_id})
            elif (view := views.get((table, record_id))) is not None:
                if view.purged:
                    page.purged.append({"table": table, "id": record_id})
                    continue
                item = PullItem(table, record_id, view.version, view.deleted, view.row, view.conflicts)
                changes.append(item)
        page.cursor = cursors.encode(position, self.secret)
        return page

    def _view(self, record: RecordState) -> RecordView:
        """A pull's view of a record computed from its entries (a record stored without its view)."""
        spec = self.registry.get(record.table)
        row = record.values(spec) if spec and not record.deleted and not record.purged else None
        return RecordView(
            record.table,
            record.id,
            record.version,
            record.deleted,
            record.purged,
            row,
            record.contested_fields(),
        )

    async def purge(self, table: str, record_id: str) -> bool:
        """Retention: hard-delete a record's content, keep a marker that tells every tablet to drop it."""
        return await self.purge_all(table, [record_id]) != []

    async def purge_all(self, table: str, record_ids: Sequence[str]) -> list[str]:
        """``purge`` for several records in one transaction; returns those purged now. All are read (and
        locked, by a store with concurrent writers) before the first is purged, as a push reads its
        records before it takes a scope's counter."""
        purged_now: list[str] = []
        async with self.store.transaction():
            records = await self.store.get_records([(table, record_id) for record_id in record_ids])
            for record_id in record_ids:
                record = records.get((table, record_id))
                if record is None or record.purged:
                    continue
                purged = RecordState(
                    table=table,
                    id=record_id,
                    scope=record.scope,
                    version=record.version + 1,
                    deleted=True,
                    purged=True,
                    updated_at=_iso(self.now()),
                )
                await self.store.delete_record_content(table, record_id)
                seq = await self.store.next_seq(record.scope)
                await self.store.log_change(Change(record.scope, seq, table, record_id, "purge"))
                await self.store.save_record(
                    purged, RecordView(table, record_id, purged.version, True, True, None, [])
                )
                if self.on_change is not None:
                    await self.on_change(purged)
                purged_now.append(record_id)
        return purged_now

    async def conflicts_of(self, records: Sequence[tuple[str, str]]) -> list[Conflict]:
        found: list[Conflict] = []
        for table, record_id in records:
            found.extend(await self.store.open_conflicts(table, record_id))
        return found
