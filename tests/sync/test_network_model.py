"""Tablets behind an unreliable network, checked against a model of who had seen what.

The network holds whole requests in flight and delivers them in any order (across tablets and within
one), twice, or never; answers get lost; a push can crash half way through its transaction. Tablets edit
two shared records on every policy (review, last-writer, workflow with a sign-off lock, photos, notes),
delete and restore them, and a chief resolves conflicts from the inbox with whatever version they had.

Checked after every step: each operation always gets the byte-identical answer, ``last_seq`` never goes
back, the server holds exactly one result per sequence number 1..last_seq (per-client order, nothing
skipped), and no accepted write is lost — every write is still a value of its field, a candidate of a
conflict, or was replaced by a write whose author had seen it. At the end the network heals, every
tablet sends its outbox and pulls, and every tablet holds exactly what the server holds.
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from sync import Actor, GapError, InjectedFailure, Kind, MemoryStore, Op, Policy, PushRequest
from tests.sync.harness import INSPECTIONS, Tablet, new_engine

SCALE = 5 if os.environ.get("CI") else 1
TABLE = "inspections"
RECORDS = ["00000000-0000-4000-8000-0000000000c1", "00000000-0000-4000-8000-0000000000c2"]
VALUES: dict[str, list[Any]] = {"place": ["1階", "2階", "地下"], "score": [1, 2, 3], "opened_tab": ["a", "b"]}
STATES = ["draft", "submitted", "returned", "approved"]
REGISTER = {Policy.REVIEW, Policy.LWW, Policy.STATE}
CHIEF = Actor(user="demo-chief", scopes=frozenset({"ward"}), roles=frozenset({"chief"}))
START = 1_730_000_000_000


def run(coro: Any) -> Any:
    """The memory store never waits, so each step simply runs to completion."""
    return asyncio.run(coro)


@dataclass(frozen=True)
class Write:
    record: str
    field: str
    op: Op
    client_id: str
    version: int

    def saw(self, other: Write) -> bool:
        """The model's happened-before: pulled at or after the other's version, or own earlier write."""
        return other.version <= (self.op.base_version or 0) or (
            other.client_id == self.client_id and other.op.client_seq < self.op.client_seq
        )


class FaultyNetwork(RuleBasedStateMachine):
    @initialize()
    def setup(self) -> None:
        self.store = MemoryStore()
        self.engine = new_engine(self.store)
        self.tablets = [Tablet("t0", millis=START), Tablet("t1", millis=START + 7)]
        self.tablets.append(Tablet("chief", actor=CHIEF, millis=START + 3))
        self.ops: dict[str, tuple[int, Op]] = {}
        self.answers: dict[str, str] = {}
        self.last_seq: dict[str, int] = {}
        self.in_flight: list[tuple[int, list[Op]]] = []
        for record in RECORDS:
            self._queue(0, Kind.CREATE, record, {"place": "受付", "score": 0})
        assert self._deliver(0, list(self.tablets[0].outbox)) is not None
        self.tablets[0].outbox.clear()
        for tablet in self.tablets:
            run(tablet.pull(self.engine))

    # --- what people do on the tablets -------------------------------------------------------------

    def _queue(self, t: int, kind: Kind, record: str, fields: dict[str, Any] | None = None) -> None:
        op = self.tablets[t].op(TABLE, record, kind, fields)
        self.ops[op.op_id] = (t, op)

    @rule(t=st.integers(0, 2), ms=st.integers(1, 400_000))
    def clock_moves(self, t: int, ms: int) -> None:
        self.tablets[t].millis += ms

    @rule(
        t=st.integers(0, 1),
        r=st.sampled_from(RECORDS),
        name=st.sampled_from(sorted(VALUES)),
        i=st.integers(0, 2),
    )
    def edit(self, t: int, r: str, name: str, i: int) -> None:
        self._queue(t, Kind.PATCH, r, {name: VALUES[name][i % len(VALUES[name])]})

    @rule(t=st.integers(0, 1), r=st.sampled_from(RECORDS), state=st.sampled_from(STATES))
    def workflow_step(self, t: int, r: str, state: str) -> None:
        self._queue(t, Kind.PATCH, r, {"status": state})

    @rule(
        t=st.integers(0, 1),
        r=st.sampled_from(RECORDS),
        photo=st.sampled_from(["p1", "p2"]),
        add=st.booleans(),
    )
    def photo(self, t: int, r: str, photo: str, add: bool) -> None:
        self._queue(t, Kind.SET_ADD if add else Kind.SET_REMOVE, r, {"photos": [photo]})

    @rule(t=st.integers(0, 1), r=st.sampled_from(RECORDS))
    def note(self, t: int, r: str) -> None:
        self._queue(t, Kind.PATCH, r, {"notes": f"note {len(self.ops)}"})

    @rule(t=st.integers(0, 1), r=st.sampled_from(RECORDS), unknown=st.booleans())
    def mistake(self, t: int, r: str, unknown: bool) -> None:
        """A client bug: a field the table does not have, or a value of the wrong type."""
        self._queue(t, Kind.PATCH, r, {"no_such_field": 1} if unknown else {"score": "three"})

    @rule(t=st.integers(0, 1), r=st.sampled_from(RECORDS), restore=st.booleans())
    def delete_or_restore(self, t: int, r: str, restore: bool) -> None:
        self._queue(t, Kind.RESTORE if restore else Kind.DELETE, r)

    @rule(r=st.sampled_from(RECORDS), pick=st.integers(0, 7), choose=st.booleans())
    def chief_resolves(self, r: str, pick: int, choose: bool) -> None:
        """The chief picks a conflict from the inbox and decides, on the version their tablet has."""
        conflicts = run(self.store.open_conflicts(TABLE, r))
        if not conflicts:
            return
        conflict = conflicts[pick % len(conflicts)]
        values: dict[str, Any] = {}
        if conflict.field in INSPECTIONS.guarded_sets:
            event("a chief decides photos a sign-off held back")  # accepted or declined as a whole
        elif choose and conflict.field is not None:
            values = {conflict.field: conflict.candidates[pick % len(conflict.candidates)]["value"]}
        action = "apply" if choose else "dismiss"
        self._queue(2, Kind.RESOLVE, r, {"conflict_id": conflict.id, "action": action, "values": values})

    @rule(t=st.integers(0, 2), limit=st.integers(1, 3))
    def pull(self, t: int, limit: int) -> None:
        run(self.tablets[t].pull(self.engine, limit=limit))

    # --- the network -------------------------------------------------------------------------------

    @precondition(lambda self: any(t.outbox for t in self.tablets))
    @rule(t=st.integers(0, 2), size=st.integers(1, 5))
    def send(self, t: int, size: int) -> None:
        if self.tablets[t].outbox:
            self.in_flight.append((t, list(self.tablets[t].outbox[:size])))

    @precondition(lambda self: self.in_flight)
    @rule(i=st.integers(0, 9), answer_lost=st.booleans(), twice=st.booleans())
    def deliver(self, i: int, answer_lost: bool, twice: bool) -> None:
        t, ops = self.in_flight.pop(i % len(self.in_flight))
        results = self._deliver(t, ops)
        if results is not None and twice:
            self._deliver(t, ops)
        if results is not None and not answer_lost:
            self._acknowledge(t, results)

    @precondition(lambda self: self.in_flight)
    @rule(i=st.integers(0, 9), after=st.integers(0, 12))
    def crash_mid_batch(self, i: int, after: int) -> None:
        t, ops = self.in_flight.pop(i % len(self.in_flight))
        before = self._durable()
        self.store.fail_after_writes = after
        try:
            results = self._deliver(t, ops)
        except InjectedFailure:
            assert self._durable() == before, "a crash must leave nothing half done"
            return
        finally:
            self.store.fail_after_writes = None
        if results is not None:
            self._acknowledge(t, results)

    def _durable(self) -> Any:
        names = ("clients", "results", "records", "changes", "conflicts", "history", "rejected")
        return copy.deepcopy({name: getattr(self.store, name) for name in names})

    def _acknowledge(self, t: int, results: list[dict[str, Any]]) -> None:
        done = {r["op_id"] for r in results}
        tablet = self.tablets[t]
        tablet.outbox = [op for op in tablet.outbox if op.op_id not in done]

    def _deliver(self, t: int, ops: list[Op]) -> list[dict[str, Any]] | None:
        tablet = self.tablets[t]
        before = self.last_seq.get(tablet.client_id, 0)
        locked = self._signed_off()
        try:
            response = run(self.engine.push(tablet.actor, PushRequest(client_id=tablet.client_id, ops=ops)))
        except GapError as gap:
            assert gap.expected_seq == before + 1 and ops[0].client_seq > gap.expected_seq
            return None
        assert [r["client_seq"] for r in response.results] == [op.client_seq for op in ops][
            : len(response.results)
        ]
        assert response.last_seq >= before, "last_seq never goes backwards"
        self.last_seq[tablet.client_id] = response.last_seq
        fresh = [op for op in ops if op.op_id not in self.answers and op.client_seq <= response.last_seq]
        for result in response.results:
            event(f"result: {result['status']}")
            text = json.dumps(result, ensure_ascii=False)
            assert self.answers.setdefault(result["op_id"], text) == text, "one operation, one answer"
        # Where only edits arrived, no field a sign-off protects may change on a signed-off record.
        steps = {
            op.record_id for op in fresh if op.kind in (Kind.RESOLVE, Kind.CREATE) or "status" in op.fields
        }
        after = self._signed_off()
        for record in (locked.keys() & after.keys()) - steps:
            if any(op.record_id == record for op in fresh):
                event("edits reached a signed-off record")
            assert locked[record] == after[record], "a signed-off record changed without a conflict"
        return list(response.results)

    def _signed_off(self) -> dict[str, dict[str, Any]]:
        sign_off = INSPECTIONS.sign_off
        assert sign_off is not None
        found = {}
        for (_, record_id), record in self.store.records.items():
            values = record.values(INSPECTIONS)
            if values["status"] in sign_off.states:
                found[record_id] = {name: values[name] for name in sorted(sign_off.protected)}
        return found

    # --- what must always hold ---------------------------------------------------------------------

    @invariant()
    def one_result_per_sequence_number(self) -> None:
        if not hasattr(self, "store"):
            return
        for tablet in self.tablets:
            client = self.store.clients.get(tablet.client_id)
            last = client.last_seq if client else 0
            assert last == self.last_seq.get(tablet.client_id, 0)
            seqs = sorted(
                op.client_seq
                for op_id, (t, op) in self.ops.items()
                if self.tablets[t] is tablet and op_id in self.store.results
            )
            assert seqs == list(range(1, last + 1)), "applied in order, each exactly once"

    @invariant()
    def no_accepted_write_is_lost(self) -> None:
        if not hasattr(self, "store"):
            return
        applied = {h.op_id for h in self.store.history}
        writes: list[Write] = []
        adds: list[tuple[Write, Any]] = []
        removes: list[tuple[Write, Any]] = []
        for op_id, result in self.store.results.items():
            if result["status"] == "rejected" or op_id not in applied:
                continue
            t, op = self.ops[op_id]
            client_id = self.tablets[t].client_id
            fields = op.fields.get("values", {}) if op.kind is Kind.RESOLVE else op.fields
            for name, value in fields.items():
                write = Write(op.record_id, name, op, client_id, result["record_version"])
                policy = INSPECTIONS.fields[name].policy
                if op.kind is Kind.SET_ADD:
                    adds.extend((write, v) for v in value)
                elif op.kind is Kind.SET_REMOVE:
                    removes.extend((write, v) for v in value)
                elif policy in REGISTER:
                    writes.append(write)
                else:
                    notes = self.store.records[(TABLE, op.record_id)].notes[name]
                    assert op_id in {e.op_id for e in notes}, f"note lost: {op}"
        candidates = {c["op_id"] for conflict in self.store.conflicts.values() for c in conflict.candidates}
        for w in writes:
            if any(x is not w and (x.record, x.field) == (w.record, w.field) and x.saw(w) for x in writes):
                continue
            register = self.store.records[(TABLE, w.record)].registers.get(w.field, [])
            kept = w.op.op_id in {e.op_id for e in register} or w.op.op_id in candidates
            assert kept, f"write lost: {w.field}={w.op.fields} by {w.op.op_id}"
        for add, element in adds:
            if any(rm.record == add.record and element == value and rm.saw(add) for rm, value in removes):
                continue
            # Shown, or held back by a sign-off it had not seen (then it is a candidate of a conflict).
            tags = self.store.records[(TABLE, add.record)].sets.get("photos", [])
            shown = (element, add.op.op_id) in {(e.value, e.op_id) for e in tags}
            if not shown and add.op.op_id in candidates:
                event("a photo added after a sign-off it had not seen is held for review")
            assert shown or add.op.op_id in candidates, f"photo lost: {element}"

    def teardown(self) -> None:
        if not hasattr(self, "store"):
            return
        # The network heals: requests still in flight are abandoned, every tablet sends its whole outbox.
        self.in_flight.clear()
        for t, tablet in enumerate(self.tablets):
            while tablet.outbox:
                results = self._deliver(t, tablet.outbox[:50])
                assert results is not None, "a tablet sending its outbox in order never meets a gap"
                self._acknowledge(t, results)
        self.one_result_per_sequence_number()
        self.no_accepted_write_is_lost()
        for kind in sorted({c.kind for c in self.store.conflicts.values()}):
            event(f"conflict seen: {kind}")
        for tablet in self.tablets:
            run(tablet.pull(self.engine))
        records = self.store.records.values()
        server = {(r.table, r.id): r.values(INSPECTIONS) for r in records if not r.deleted}
        versions = {(r.table, r.id): r.version for r in records}
        for tablet in self.tablets:
            assert tablet.rows == server, f"{tablet.name} did not converge"
            assert tablet.seen == versions, f"{tablet.name} has stale versions"


FaultyNetwork.TestCase.settings = settings(
    max_examples=100 * SCALE,
    stateful_step_count=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_tablets_behind_a_faulty_network = FaultyNetwork.TestCase
