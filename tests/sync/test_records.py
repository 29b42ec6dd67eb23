"""A record's state survives the JSON round trip a database store makes, every derived part included."""

from __future__ import annotations

import json

from sync import Entry, Kind, MemoryStore, RecordState
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


async def test_a_record_stored_with_entries_as_objects_still_loads() -> None:
    """Entries used to be stored as JSON objects; they are arrays now. Both forms read the same."""
    store = MemoryStore()
    engine = new_engine(store)
    a = Tablet("a")
    a.op("inspections", RID, Kind.CREATE, {"place": "1階", "photos": ["p"], "notes": "メモ"})
    a.op("inspections", RID, Kind.PATCH, {"place": "2階", "status": "submitted"}, base=1)
    await a.push(engine)
    record = store.records[("inspections", RID)]
    names = Entry._fields
    stored = record.to_json()
    for group in ("registers", "sets", "notes", "trails"):
        stored[group] = {f: [dict(zip(names, e, strict=True)) for e in es] for f, es in stored[group].items()}
    stored["previous"] = {f: dict(zip(names, e, strict=True)) for f, e in stored["previous"].items()}
    stored["deletion"] = [dict(zip(names, e, strict=True)) for e in stored["deletion"]]
    assert isinstance(stored["registers"]["place"][0], dict) and stored["previous"]
    assert RecordState.from_json(json.loads(json.dumps(stored))) == record
