"""The contract every ``sync.Store`` must keep, run against the memory store and the server's Tortoise store.

Subclass ``StoreContract`` and provide an async ``store`` fixture.
"""

from __future__ import annotations

from typing import Any

import pytest

from sync import Change, ClientState, Conflict, HistoryEntry, Kind, RecordState, RejectedOp, Store
from tests.sync.harness import Tablet, new_engine

RID = "22222222-2222-4222-8222-222222222222"


class Boom(RuntimeError):
    pass


class StoreContract:
    async def test_a_transaction_commits_everything_or_nothing(self, store: Store) -> None:
        record = RecordState(table="inspections", id=RID, scope="ward", version=1)
        with pytest.raises(Boom):
            async with store.transaction():
                await store.save_record(record)
                await store.save_client(ClientState("c1", 3, "u"))
                await store.log_change(
                    Change("ward", await store.next_seq("ward"), "inspections", RID, "upsert")
                )
                raise Boom
        assert await store.get_records([("inspections", RID)]) == {}
        assert await store.get_client("c1") is None
        assert await store.changes_since("ward", 0, 10) == []
        async with store.transaction():
            await store.save_record(record)
            await store.save_client(ClientState("c1", 3, "u"))
        assert (await store.get_records([("inspections", RID)]))[("inspections", RID)].version == 1
        assert (await store.get_client("c1")) == ClientState("c1", 3, "u")

    async def test_sequence_numbers_grow_per_scope_and_changes_come_back_in_order(self, store: Store) -> None:
        async with store.transaction():
            for n in range(5):
                seq = await store.next_seq("ward")
                await store.log_change(Change("ward", seq, "inspections", f"id-{n}", "upsert"))
            other = await store.next_seq("okuyami")
            await store.log_change(Change("okuyami", other, "cases", "c", "upsert"))
        ward = await store.changes_since("ward", 0, 10)
        assert [c.record_id for c in ward] == [f"id-{n}" for n in range(5)]
        assert [c.seq for c in ward] == sorted(c.seq for c in ward) and len({c.seq for c in ward}) == 5
        assert [c.record_id for c in await store.changes_since("ward", ward[1].seq, 2)] == ["id-2", "id-3"]
        assert [c.record_id for c in await store.changes_since("okuyami", 0, 10)] == ["c"]

    async def test_records_results_conflicts_history_and_rejections_round_trip(self, store: Store) -> None:
        engine = new_engine(store)
        a, b = Tablet("a"), Tablet("b")
        a.op("inspections", RID, Kind.CREATE, {"place": "1階", "photos": ["x"], "notes": "メモ"})
        await a.push(engine)
        await b.pull(engine)
        await a.pull(engine)
        a.op("inspections", RID, Kind.PATCH, {"place": "A"})
        b.op("inspections", RID, Kind.PATCH, {"place": "B", "no_such": 1})
        b.op("inspections", RID, Kind.PATCH, {"place": "B"})
        first = await a.push(engine)
        second = await b.push(engine)
        assert second[0]["status"] == "rejected" and second[1]["status"] == "conflict"
        assert (await store.get_results(a.client_id, [1, 2]))[2] == first[0]
        stored = await store.get_results(b.client_id, [1, 2, 3])
        assert stored == {1: second[0], 2: second[1]}
        record = (await store.get_records([("inspections", RID)]))[("inspections", RID)]
        assert sorted(e.value for e in record.registers["place"]) == ["A", "B"]
        assert record.sets["photos"][0].value == "x" and record.notes["notes"][0].value == "メモ"
        conflicts = await store.open_conflicts("inspections", RID)
        assert len(conflicts) == 1 and conflicts[0].field == "place"
        assert await store.get_conflict(conflicts[0].id) == conflicts[0]

    async def test_deleting_content_removes_history_and_conflicts(self, store: Store) -> None:
        conflict = Conflict(
            id="11111111-0000-4000-8000-000000000001",
            table="cases",
            record_id=RID,
            field="x",
            kind="concurrent_edit",
            candidates=[{"value": "秘密"}],
            base_value=None,
            provisional_value="秘密",
            opened_at="2024-01-01T00:00:00+00:00",
            scope="okuyami",
        )
        entry = HistoryEntry(
            table="cases",
            record_id=RID,
            version=1,
            op_id="o",
            kind="create",
            user="u",
            client_id="c",
            at="2024-01-01T00:00:00+00:00",
            changes={"x": {"new": "秘密"}},
        )
        async with store.transaction():
            await store.save_conflict(conflict)
            await store.save_history(entry)
            await store.save_rejected(
                RejectedOp(
                    op_id="r",
                    client_id="c",
                    client_seq=1,
                    user="u",
                    table="cases",
                    record_id=RID,
                    kind="patch",
                    fields={},
                    reason="x",
                    at="2024-01-01T00:00:00+00:00",
                )
            )
            await store.delete_record_content("cases", RID)
        assert await store.open_conflicts("cases", RID) == []


def engine_for(store: Any) -> Any:
    return new_engine(store)
