"""Property tests: several tablets, a faulty network, and a reference model of what must never be lost.

Invariants checked: per-client order and last_seq never decreasing; resends answered with the stored
results; no accepted field write lost (it is current, a candidate of a disagreement, or replaced by a
write that had seen it); every tablet converges to the server after quiescence; and the final state
does not depend on the order in which the tablets' operations reached the server.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import uuid
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from sync import InjectedFailure, Kind, MemoryStore, Policy
from tests.sync.harness import INSPECTIONS, Tablet, new_engine

CI_SCALE = 5 if os.environ.get("CI") else 1
RECORDS = ["00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-00000000000b"]
SCALAR = ["place", "score", "opened_tab"]
VALUES = {"place": ["1階", "2階", "3階", "地下"], "score": [1, 2, 3], "opened_tab": ["a", "b"]}


@dataclass
class Write:
    record: str
    field: str
    value: Any
    op_id: str
    client_id: str
    seq: int
    base: int
    version: int = 0


def run(coro: Any) -> Any:
    """The memory store never waits, so each step simply runs to completion."""
    return asyncio.run(coro)


class Network(RuleBasedStateMachine):
    """Three tablets editing two shared records while the network drops, duplicates and splits."""

    @initialize()
    def setup(self) -> None:
        self.store = MemoryStore()
        self.engine = new_engine(self.store)
        self.tablets = [Tablet(f"t{i}", millis=1_730_000_000_000 + i) for i in range(3)]
        creator = self.tablets[0]
        for record in RECORDS:
            creator.op("inspections", record, Kind.CREATE, {"place": "受付"})
        run(creator.push(self.engine))
        for tablet in self.tablets:
            run(tablet.pull(self.engine))
        self.writes: list[Write] = []
        self.results: dict[str, dict[str, Any]] = {}
        self.last_seq: dict[str, int] = {}
        self.deleted: set[str] = set()

    @rule(t=st.integers(0, 2), r=st.sampled_from(RECORDS), f=st.sampled_from(SCALAR), data=st.data())
    def edit(self, t: int, r: str, f: str, data: st.DataObject) -> None:
        tablet = self.tablets[t]
        value = data.draw(st.sampled_from(VALUES[f]))
        op = tablet.op("inspections", r, Kind.PATCH, {f: value})
        self.writes.append(
            Write(r, f, value, op.op_id, tablet.client_id, op.client_seq, op.base_version or 0)
        )

    @rule(
        t=st.integers(0, 2),
        r=st.sampled_from(RECORDS),
        photo=st.sampled_from(["p1", "p2", "p3"]),
        add=st.booleans(),
    )
    def photo(self, t: int, r: str, photo: str, add: bool) -> None:
        self.tablets[t].op("inspections", r, Kind.SET_ADD if add else Kind.SET_REMOVE, {"photos": [photo]})

    @rule(t=st.integers(0, 2), r=st.sampled_from(RECORDS))
    def note(self, t: int, r: str) -> None:
        self.tablets[t].op("inspections", r, Kind.PATCH, {"notes": f"note-{uuid.uuid4().hex[:6]}"})

    @rule(t=st.integers(0, 2), r=st.sampled_from(RECORDS), restore=st.booleans())
    def delete_or_restore(self, t: int, r: str, restore: bool) -> None:
        self.tablets[t].op("inspections", r, Kind.RESTORE if restore else Kind.DELETE)

    @precondition(lambda self: any(t.outbox for t in self.tablets))
    @rule(t=st.integers(0, 2), size=st.integers(1, 6), lose_answer=st.booleans(), resend=st.booleans())
    def push(self, t: int, size: int, lose_answer: bool, resend: bool) -> None:
        tablet = self.tablets[t]
        batch = tablet.outbox[:size]
        if not batch:
            return
        response = run(self.engine.push(tablet.actor, tablet.request(batch)))
        self._check(tablet, batch, response.results, response.last_seq)
        if resend:  # the tablet did not hear the answer in time and sends the same batch again
            again = run(self.engine.push(tablet.actor, tablet.request(batch)))
            assert again.results == response.results, "a resend must get the stored results"
        if not lose_answer:
            acked = {r["op_id"] for r in response.results}
            tablet.outbox = [op for op in tablet.outbox if op.op_id not in acked]

    @precondition(lambda self: any(t.outbox for t in self.tablets))
    @rule(t=st.integers(0, 2), after=st.integers(0, 8))
    def crash_mid_batch(self, t: int, after: int) -> None:
        tablet = self.tablets[t]
        before = (dict(self.store.records), dict(self.store.clients))
        self.store.fail_after_writes = after
        try:
            run(self.engine.push(tablet.actor, tablet.request(tablet.outbox[:5])))
            crashed = False
        except InjectedFailure:
            crashed = True
        finally:
            self.store.fail_after_writes = None
        if crashed:
            assert (self.store.records, self.store.clients) == before, "a crash must leave nothing half done"
        else:
            for op in tablet.outbox[:5]:
                if op.op_id in self.store.results:
                    self.results[op.op_id] = self.store.results[op.op_id]
            # The tablet never heard the answer: it will resend, and must be told the same results.

    @rule(t=st.integers(0, 2))
    def pull(self, t: int) -> None:
        run(self.tablets[t].pull(self.engine, limit=1))

    def _check(self, tablet: Tablet, batch: list[Any], results: list[dict[str, Any]], last_seq: int) -> None:
        assert [r["client_seq"] for r in results] == [op.client_seq for op in batch][: len(results)]
        previous = self.last_seq.get(tablet.client_id, 0)
        assert last_seq >= previous, "last_seq must never go backwards"
        self.last_seq[tablet.client_id] = last_seq
        for result in results:
            known = self.results.setdefault(result["op_id"], result)
            assert known == result, "an operation must always get the same result"
        versions = {r["op_id"]: r.get("record_version") or 0 for r in results if r["status"] != "rejected"}
        for write in self.writes:
            if write.op_id in versions and not write.version:
                write.version = versions[write.op_id]

    @invariant()
    def no_accepted_write_is_lost(self) -> None:
        if not hasattr(self, "store"):
            return
        accepted = {
            op_id for op_id, r in self.results.items() if r["status"] in ("applied", "merged", "conflict")
        }
        history_superseded: dict[tuple[str, str], list[Any]] = {}
        for entry in self.store.history:
            for name, change in entry.changes.items():
                if isinstance(change, dict):
                    history_superseded.setdefault((entry.record_id, name), []).extend(
                        change.get("superseded", [])
                    )
        candidates = {(c.record_id, json_key(c.candidates)) for c in self.store.conflicts.values()}
        for w in self.writes:
            if w.op_id not in accepted:
                continue
            record = self.store.records[("inspections", w.record)]
            register = record.registers.get(w.field, [])
            if any(e.op_id == w.op_id for e in register):
                continue
            replaced_by_one_that_saw_it = any(
                x.record == w.record
                and x.field == w.field
                and x.op_id in accepted
                and x.op_id != w.op_id
                and ((x.client_id == w.client_id and x.seq > w.seq) or (w.version and x.base >= w.version))
                for x in self.writes
            )
            lww_loser = INSPECTIONS.fields[
                w.field
            ].policy is Policy.LWW and w.value in history_superseded.get((w.record, w.field), [])
            in_a_conflict = any(w.op_id in key for rid, key in candidates if rid == w.record)
            assert replaced_by_one_that_saw_it or lww_loser or in_a_conflict, f"write lost: {w}"

    def teardown(self) -> None:
        if not hasattr(self, "store"):
            return
        # Quiescence: the network heals, every tablet sends everything and pulls everything.
        for _ in range(2):
            for tablet in self.tablets:
                for _attempt in range(200):
                    if not tablet.outbox:
                        break
                    response = run(self.engine.push(tablet.actor, tablet.request(tablet.outbox[:50])))
                    self._check(tablet, tablet.outbox[:50], response.results, response.last_seq)
                    acked = {r["op_id"] for r in response.results}
                    tablet.outbox = [op for op in tablet.outbox if op.op_id not in acked]
                assert not tablet.outbox, f"{tablet.name} could not send its outbox"
        self.no_accepted_write_is_lost()
        for tablet in self.tablets:
            run(tablet.pull(self.engine))
        server = {r.id: r.values(INSPECTIONS) for r in self.store.records.values() if not r.deleted}
        for tablet in self.tablets:
            mine = {rid: row for (table, rid), row in tablet.rows.items()}
            assert mine == server, f"{tablet.name} did not converge"


def json_key(candidates: list[dict[str, Any]]) -> str:
    return "|".join(str(c.get("op_id")) for c in candidates)


Network.TestCase.settings = settings(
    max_examples=120 * CI_SCALE,
    stateful_step_count=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_faulty_network = Network.TestCase


@settings(max_examples=600 * CI_SCALE, deadline=None, derandomize=True)
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, 2),
            st.sampled_from(RECORDS),
            st.sampled_from(["place", "opened_tab", "photos", "notes"]),
            st.integers(0, 3),
        ),
        min_size=1,
        max_size=9,
    ),
    seed=st.integers(0, 10_000),
)
def test_final_state_does_not_depend_on_arrival_order(
    edits: list[tuple[int, str, str, int]], seed: int
) -> None:
    """The same operations delivered in two different interleavings (each tablet's own order kept)."""
    templates = [Tablet(f"t{i}", millis=1_730_000_000_000 + i) for i in range(3)]
    for tablet in templates:
        tablet.seen = {("inspections", r): 1 for r in RECORDS}
    for t, record, name, n in edits:
        tablet = templates[t]
        if name == "photos":
            tablet.op("inspections", record, Kind.SET_ADD, {"photos": [f"p{n}"]})
        elif name == "notes":
            tablet.op("inspections", record, Kind.PATCH, {"notes": f"n{n}-{t}"})
        else:
            tablet.op("inspections", record, Kind.PATCH, {name: VALUES[name][n % len(VALUES[name])]})

    def deliver(order_seed: int) -> dict[str, Any]:
        store = MemoryStore()
        engine = new_engine(store)
        creator = Tablet("creator")
        for record in RECORDS:
            creator.op("inspections", record, Kind.CREATE, {"place": "受付"})
        run(creator.push(engine))
        queues = [list(t.outbox) for t in templates]
        rng = random.Random(order_seed)
        while any(queues):
            i = rng.choice([i for i, q in enumerate(queues) if q])
            take = rng.randint(1, len(queues[i]))
            batch, queues[i] = queues[i][:take], queues[i][take:]
            run(engine.push(templates[i].actor, templates[i].request(batch)))
        return {
            "values": {r.id: r.values(INSPECTIONS) for r in store.records.values()},
            "open": sorted(
                (c.record_id, c.field, c.kind, json_key(c.candidates))
                for c in store.conflicts.values()
                if c.status == "open"
            ),
        }

    first, second = deliver(seed), deliver(seed + 1)
    for state in (first, second):
        for row in state["values"].values():
            for note in row["notes"]:
                note.pop("at", None)
    assert first == second


def test_many_permutations_of_one_small_history() -> None:
    """Exhaustive: every interleaving of three tablets' single edits to one field gives one result."""
    outcomes = set()
    for order in itertools.permutations(range(3)):
        store = MemoryStore()
        engine = new_engine(store)
        tablets = [Tablet(f"t{i}", millis=1_730_000_000_000 + i) for i in range(3)]
        creator = Tablet("creator")
        creator.op("inspections", RECORDS[0], Kind.CREATE, {"place": "受付"})
        run(creator.push(engine))
        for i in order:
            tablets[i].seen = {("inspections", RECORDS[0]): 1}
            tablets[i].op("inspections", RECORDS[0], Kind.PATCH, {"place": VALUES["place"][i]})
            run(tablets[i].push(engine))
        record = store.records[("inspections", RECORDS[0])]
        outcomes.add(
            (record.values(INSPECTIONS)["place"], tuple(sorted(e.value for e in record.registers["place"])))
        )
    assert len(outcomes) == 1
