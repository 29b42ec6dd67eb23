"""A record's state survives the JSON round trip a database store makes, every derived part included."""

from __future__ import annotations

import json

from sync import Kind, MemoryStore, RecordState
from tests.sync.harness import Tablet, new_engine

RID = "33333333-3333-4333-8333-333333333333"


async def test_every_part_of_a_record_survives_json() -> None:
    store = MemoryStore()
    engine = new_engine(store)
    a, b = Tablet("a"), Tablet("b")
    a.op("inspections", RID, Kind.CREATE, {"place": "1階", "photos": ["p"], "notes": "メモ"})
    await a.push(engine)
    await a.pull(engine)
    await b.pull(engine)
    a.op("inspections", RID, Kind.PATCH, {"place": "A", "status": "submitted"})
    b.op("inspections", RID, Kind.PATCH, {"place": "B", "score": 2})
    b.op("inspections", RID, Kind.DELETE)
    await a.push(engine)
    await b.push(engine)
    record = store.records[("inspections", RID)]
    assert record.trails and record.deletion and record.disputes
    again = RecordState.from_json(json.loads(json.dumps(record.to_json())))
    assert again == record


def test_a_record_saved_before_trails_existed_still_loads() -> None:
    old = {
        "table": "inspections",
        "id": RID,
        "scope": "ward",
        "version": 1,
        "deleted": False,
        "purged": False,
        "registers": {},
        "sets": {},
        "notes": {},
    }
    record = RecordState.from_json(old)
    assert record.trails == {} and record.deletion == [] and record.disputes is None
