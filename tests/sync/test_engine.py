"""Every push outcome and every merge policy, as a ward office would meet them."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from sync import (
    Actor,
    Engine,
    FieldSpec,
    FieldType,
    GapError,
    InjectedFailure,
    Kind,
    MemoryStore,
    Registry,
    Status,
)
from sync.engine import CLOCK_TOLERANCE_MS
from tests.sync.harness import CASES, INSPECTIONS, SECRET, STAFF, Tablet, new_engine, registry

RID = "11111111-1111-4111-8111-111111111111"


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


async def created(store: MemoryStore, *tablets: Tablet, **fields: object) -> None:
    engine = new_engine(store)
    first = tablets[0]
    first.op("inspections", RID, Kind.CREATE, {"place": "1階 窓口", **fields})
    await first.push(engine)
    for tablet in tablets:
        await tablet.pull(engine)


async def test_create_then_pull_on_another_tablet(store: MemoryStore) -> None:
    a, b = Tablet("a"), Tablet("b")
    await created(store, a, b, score=3)
    assert b.rows[("inspections", RID)]["place"] == "1階 窓口"
    assert b.rows[("inspections", RID)]["status"] == "draft"
    assert b.seen[("inspections", RID)] == 1


async def test_resent_batch_returns_the_stored_results_and_applies_nothing_twice(store: MemoryStore) -> None:
    engine = new_engine(store)
    a = Tablet("a")
    a.op("inspections", RID, Kind.CREATE, {"place": "2階"})
    a.op("inspections", RID, Kind.PATCH, {"notes": "手すりがぐらつく"}, base=1)
    batch = list(a.outbox)
    first = await a.push(engine, batch)
    again = await a.push(engine, batch)
    assert first == again
    assert len(store.records[("inspections", RID)].notes["notes"]) == 1
    assert store.clients[a.client_id].last_seq == 2


async def test_a_different_operation_under_a_used_number_is_answered_duplicate(store: MemoryStore) -> None:
    engine = new_engine(store)
    a = Tablet("a")
    a.op("inspections", RID, Kind.CREATE, {"place": "2階"})
    await a.push(engine)
    a.seq = 0
    impostor = a.op("inspections", RID, Kind.PATCH, {"place": "3階"}, base=1)
    [answer] = await a.push(engine, [impostor])
    assert answer == {"op_id": impostor.op_id, "client_seq": 1, "status": "duplicate"}
    assert store.records[("inspections", RID)].version == 1


async def test_a_gap_is_refused_with_the_expected_sequence(store: MemoryStore) -> None:
    engine = new_engine(store)
    a = Tablet("a")
    a.op("inspections", RID, Kind.CREATE, {"place": "x"})
    second = a.op("inspections", RID, Kind.PATCH, {"score": 1}, base=1)
    with pytest.raises(GapError) as info:
        await a.push(engine, [second])
    assert info.value.expected_seq == 1
    assert store.records == {}


async def test_a_gap_inside_a_batch_stops_there_and_keeps_what_came_before(store: MemoryStore) -> None:
    engine = new_engine(store)
    a = Tablet("a")
    one = a.op("inspections", RID, Kind.CREATE, {"place": "x"})
    a.op("inspections", RID, Kind.PATCH, {"score": 1}, base=1)
    three = a.op("inspections", RID, Kind.PATCH, {"score": 2}, base=1)
    response = await engine.push(a.actor, a.request([one, three]))
    assert [r["client_seq"] for r in response.results] == [1]
    assert response.expected_seq == 2 and response.last_seq == 1


async def test_an_invalid_op_is_rejected_recorded_and_does_not_block_the_queue(store: MemoryStore) -> None:
    engine = new_engine(store)
    a = Tablet("a")
    a.op("inspections", RID, Kind.CREATE, {"place": "x"})
    a.op("inspections", RID, Kind.PATCH, {"no_such_field": 1}, base=1)
    a.op("inspections", RID, Kind.PATCH, {"score": "three"}, base=1)
    a.op("inspections", RID, Kind.PATCH, {"score": 3}, base=1)
    results = await a.push(engine)
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected", "applied"]
    assert "unknown field no_such_field" in results[1]["error"]
    assert [r.reason for r in store.rejected] == ["unknown field no_such_field", "score must be int"]
    assert store.clients[a.client_id].last_seq == 4


async def test_a_crash_mid_batch_leaves_nothing_half_done(store: MemoryStore) -> None:
    engine = new_engine(store)
    a = Tablet("a")
    a.op("inspections", RID, Kind.CREATE, {"place": "x"})
    a.op("inspections", RID, Kind.PATCH, {"score": 1}, base=1)
    store.fail_after_writes = 5
    with pytest.raises(InjectedFailure):
        await a.push(engine)
    assert store.records == {} and store.clients == {} and store.results == {}
    store.fail_after_writes = None
    results = await a.push(engine)
    assert [r["status"] for r in results] == ["applied", "applied"]


async def test_edits_to_different_fields_merge_silently(store: MemoryStore) -> None:
    engine = new_engine(store)
    a, b = Tablet("a"), Tablet("b")
    await created(store, a, b)
    a.op("inspections", RID, Kind.PATCH, {"place": "1階 東側"})
    b.op("inspections", RID, Kind.PATCH, {"score": 4})
    assert (await a.push(engine))[0]["status"] == "applied"
    assert (await b.push(engine))[0]["status"] == "merged"
    await a.pull(engine)
    assert a.rows[("inspections", RID)] | {} == a.rows[("inspections", RID)]
    assert {k: a.rows[("inspections", RID)][k] for k in ("place", "score")} == {
        "place": "1階 東側",
        "score": 4,
    }
    assert all(c.status != "open" for c in store.conflicts.values())


async def test_same_field_keeps_both_values_and_opens_one_conflict(store: MemoryStore) -> None:
    engine = new_engine(store)
    a, b = Tablet("a"), Tablet("b")
    await created(store, a, b)
    a.op("inspections", RID, Kind.PATCH, {"place": "正面玄関"})
    b.op("inspections", RID, Kind.PATCH, {"place": "西口"})
    await a.push(engine)
    result = (await b.push(engine))[0]
    assert result["status"] == "conflict" and len(result["conflict_ids"]) == 1
    conflict = store.conflicts[result["conflict_ids"][0]]
    assert conflict.kind == "concurrent_edit" and conflict.field == "place"
    assert sorted(c["value"] for c in conflict.candidates) == ["正面玄関", "西口"]
    assert conflict.base_value == "1階 窓口"
    await a.pull(engine)
    assert a.rows[("inspections", RID)]["place"] == conflict.provisional_value


async def test_lww_field_takes_the_later_stamp_without_a_conflict(store: MemoryStore) -> None:
    engine = new_engine(store)
    a, b = Tablet("a"), Tablet("b", millis=1_730_000_000_500)
    await created(store, a, b)
    b.op("inspections", RID, Kind.PATCH, {"opened_tab": "summary"})
    a.op("inspections", RID, Kind.PATCH, {"opened_tab": "photos"})
    await b.push(engine)
    assert (await a.push(engine))[0]["status"] == "merged"
    assert (
        store.records[("inspections", RID)].values(new_engine(store).registry.get("inspections"))[  # type: ignore[arg-type]
            "opened_tab"
        ]
        == "summary"
    )
    assert store.conflicts == {}


async def test_photos_added_on_two_tablets_both_survive_and_remove_only_removes_what_was_seen(
    store: MemoryStore,
) -> None:
    engine = new_engine(store)
    a, b = Tablet("a"), Tablet("b")
    await created(store, a, b)
    a.op("inspections", RID, Kind.SET_ADD, {"photos": ["sha-a"]})
    await a.push(engine)
    await b.pull(engine)
    b.op("inspections", RID, Kind.SET_ADD, {"photos": ["sha-b"]})
    a.op("inspections", RID, Kind.SET_ADD, {"photos": ["sha-c"]})
    await b.push(engine)
    # a removes sha-a (which it added) and, not knowing sha-b exists, cannot remove it.
    a.op("inspections", RID, Kind.SET_REMOVE, {"photos": ["sha-a", "sha-b"]})
    await a.push(engine)
    await a.pull(engine)
    assert a.rows[("inspections", RID)]["photos"] == ["sha-b", "sha-c"]


async def test_notes_from_both_tablets_are_all_kept_in_clock_order(store: MemoryStore) -> None:
    engine = new_engine(store)
    a, b = Tablet("a", millis=2_000_000_000_000), Tablet("b", millis=1_900_000_000_000)
    await created(store, a, b)
    a.op("inspections", RID, Kind.PATCH, {"notes": "Aのメモ"})
    b.op("inspections", RID, Kind.PATCH, {"notes": "Bのメモ"})
    await a.push(engine)
    await b.push(engine)
    await a.pull(engine)
    assert [n["text"] for n in a.rows[("inspections", RID)]["notes"]] == ["Bのメモ", "Aのメモ"]


async def test_workflow_refuses_a_skipped_step_and_merges_concurrent_valid_steps(store: MemoryStore) -> None:
    engine = new_engine(store)
    a, b = Tablet("a"), Tablet("b")
    await created(store, a, b)
    a.op("inspections", RID, Kind.PATCH, {"status": "approved"})
    result = (await a.push(engine))[0]
    assert result["status"] == "conflict"
    assert store.conflicts[result["conflict_ids"][0]].kind == "invalid_transition"
    await a.pull(engine)
    assert a.rows[("inspections", RID)]["status"] == "draft"
    a.op("inspections", RID, Kind.PATCH, {"status": "submitted"})
    b.op("inspections", RID, Kind.PATCH, {"status": "submitted"})
    await a.push(engine)
    assert (await b.push(engine))[0]["status"] in ("applied", "merged")
    await a.pull(engine)
    assert a.rows[("inspections", RID)]["status"] == "submitted"


async def test_a_submitted_record_is_locked_and_later_edits_become_conflicts(store: MemoryStore) -> None:
    engine = new_engine(store)
    a = Tablet("a")
    await created(store, a)
    a.op("inspections", RID, Kind.PATCH, {"status": "submitted"})
    await a.push(engine)
    await a.pull(engine)
    a.op("inspections", RID, Kind.PATCH, {"place": "変更したい", "notes": "提出後のメモ"})
    result = (await a.push(engine))[0]
    assert result["status"] == "conflict"
    conflict = store.conflicts[result["conflict_ids"][0]]
    assert conflict.kind == "locked_record" and conflict.field == "place"
    assert conflict.candidates[0]["value"] == "変更したい"
    await a.pull(engine)
    row = a.rows[("inspections", RID)]
    assert row["place"] == "1階 窓口" and [n["text"] for n in row["notes"]] == ["提出後のメモ"]


async def test_edit_after_delete_and_delete_after_edit_both_keep_the_other_side(store: MemoryStore) -> None:
    engine = new_engine(store)
    a, b = Tablet("a"), Tablet("b")
    await created(store, a, b)
    a.op("inspections", RID, Kind.PATCH, {"score": 5})
    b.millis += 60_000  # the delete is made a minute after the edit, without having seen it
    b.op("inspections", RID, Kind.DELETE)
    await a.push(engine)
    deleted = (await b.push(engine))[0]
    assert deleted["status"] == "conflict"
    conflict = store.conflicts[deleted["conflict_ids"][0]]
    assert conflict.kind == "delete_after_edit"
    assert conflict.candidates[0]["value"] == 5 and conflict.candidates[0]["field"] == "score"
    a.millis += 120_000  # still offline, a edits the record again, after the delete happened
    a.op("inspections", RID, Kind.PATCH, {"place": "消えた記録への編集"})
    edited = (await a.push(engine))[0]
    assert edited["status"] == "conflict"
    later = store.conflicts[edited["conflict_ids"][0]]
    assert later.kind == "edit_after_delete"
    assert [(c["field"], c["value"]) for c in later.candidates] == [("place", "消えた記録への編集")]
    assert store.records[("inspections", RID)].deleted
    await b.pull(engine)
    assert ("inspections", RID) not in b.rows, "an edit never silently brings a deleted record back"


async def test_resolving_a_conflict_is_itself_an_operation_and_closes_it(store: MemoryStore) -> None:
    engine = new_engine(store)
    a, b = Tablet("a"), Tablet("b")
    chief = Tablet("chief", actor=Actor(user="demo-chief", scopes=frozenset({"ward"})))
    await created(store, a, b, chief)
    a.op("inspections", RID, Kind.PATCH, {"place": "A案"})
    b.op("inspections", RID, Kind.PATCH, {"place": "B案"})
    await a.push(engine)
    conflict_id = (await b.push(engine))[0]["conflict_ids"][0]
    await chief.pull(engine)
    chief.op(
        "inspections",
        RID,
        Kind.RESOLVE,
        {"conflict_id": conflict_id, "action": "apply", "values": {"place": "B案"}},
    )
    assert (await chief.push(engine))[0]["status"] == "applied"
    conflict = store.conflicts[conflict_id]
    assert (conflict.status, conflict.resolution, conflict.resolved_by) == (
        "resolved",
        "chosen",
        "demo-chief",
    )
    await a.pull(engine)
    assert a.rows[("inspections", RID)]["place"] == "B案"
    assert store.history[-1].kind == "resolve" and store.history[-1].user == "demo-chief"


async def test_a_patch_that_saw_both_values_closes_the_conflict_as_resolved_by_edit(
    store: MemoryStore,
) -> None:
    engine = new_engine(store)
    a, b = Tablet("a"), Tablet("b")
    await created(store, a, b)
    a.op("inspections", RID, Kind.PATCH, {"place": "A案"})
    b.op("inspections", RID, Kind.PATCH, {"place": "B案"})
    await a.push(engine)
    conflict_id = (await b.push(engine))[0]["conflict_ids"][0]
    await a.pull(engine)
    a.op("inspections", RID, Kind.PATCH, {"place": "A案とB案の間"})
    await a.push(engine)
    assert store.conflicts[conflict_id].resolution == "resolved_by_edit"


async def test_pull_pages_scopes_and_cursor_tampering(store: MemoryStore) -> None:
    engine = new_engine(store)
    a = Tablet("a")
    for _ in range(7):
        a.op("inspections", str(uuid.uuid4()), Kind.CREATE, {"place": "x"})
    okuyami = Tablet("okuyami", actor=Actor(user="o", scopes=frozenset({"okuyami", "ward"})))
    okuyami.op("cases", str(uuid.uuid4()), Kind.CREATE, {"family_name": "高津 太郎"})
    await a.push(engine)
    await okuyami.push(engine)
    page = await engine.pull(a.actor, "", 3)
    assert len(page.changes) == 3 and page.has_more
    await a.pull(engine, limit=3)
    assert len(a.rows) == 7 and all(k[0] == "inspections" for k in a.rows)
    await okuyami.pull(engine, limit=2)
    assert len(okuyami.rows) == 8
    from sync import CursorError

    with pytest.raises(CursorError):
        await engine.pull(a.actor, page.cursor[:-2] + "xx", 3)


async def test_a_staff_tablet_cannot_write_into_a_scope_it_does_not_hold(store: MemoryStore) -> None:
    engine = new_engine(store)
    a = Tablet("a")
    a.op("cases", str(uuid.uuid4()), Kind.CREATE, {"family_name": "高津 花子"})
    assert (await a.push(engine))[0]["status"] == "rejected"


async def test_purge_removes_content_and_tells_every_tablet(store: MemoryStore) -> None:
    engine = new_engine(store)
    desk = Tablet("desk", actor=Actor(user="o", scopes=frozenset({"okuyami"})))
    case = str(uuid.uuid4())
    desk.op("cases", case, Kind.CREATE, {"family_name": "高津 一郎"})
    await desk.push(engine)
    await desk.pull(engine)
    assert await engine.purge("cases", case)
    await desk.pull(engine)
    assert ("cases", case) not in desk.rows
    record = store.records[("cases", case)]
    assert record.purged and record.registers == {}
    assert not [h for h in store.history if h.record_id == case]
    desk.op("cases", case, Kind.PATCH, {"desk": "2"})
    assert "purged" in (await desk.push(engine))[0]["error"]


async def test_an_epoch_change_asks_tablets_to_start_again(store: MemoryStore) -> None:
    engine = new_engine(store)
    a = Tablet("a")
    await created(store, a)
    engine.epoch = 2
    page = await engine.pull(a.actor, a.cursor)
    assert page.reset and len(page.changes) == 1


async def test_a_person_who_loses_a_scope_starts_again_and_keeps_nothing_from_it(store: MemoryStore) -> None:
    engine = new_engine(store)
    desk = Tablet("desk", actor=Actor(user="o", scopes=frozenset({"ward", "okuyami"})))
    case = str(uuid.uuid4())
    desk.op("cases", case, Kind.CREATE, {"family_name": "高津 一郎"})
    desk.op("inspections", RID, Kind.CREATE, {"place": "1階"})
    await desk.push(engine)
    await desk.pull(engine)
    assert ("cases", case) in desk.rows
    # The person moves to another job: the same tablet, the same cursor, fewer scopes.
    desk.actor = Actor(user="o", scopes=frozenset({"ward"}))
    desk.op("inspections", RID, Kind.PATCH, {"place": "2階"})  # an unsent edit survives the reset
    page = await engine.pull(desk.actor, desk.cursor)
    assert page.reset and [(c.table, c.id) for c in page.changes] == [("inspections", RID)]
    await desk.pull(engine)
    assert ("cases", case) not in desk.rows and ("inspections", RID) in desk.rows
    assert [r["status"] for r in await desk.push(engine)] == ["applied"]
    # Gaining a scope is no reason to start again: the new scope is read from its beginning.
    desk.actor = Actor(user="o", scopes=frozenset({"ward", "okuyami"}))
    page = await engine.pull(desk.actor, desk.cursor)
    assert not page.reset and ("cases", case) in [(c.table, c.id) for c in page.changes]


async def test_a_clock_far_ahead_is_applied_but_flagged(store: MemoryStore) -> None:
    engine = new_engine(store)
    a = Tablet("a", millis=4_000_000_000_000)
    a.op("inspections", RID, Kind.CREATE, {"place": "x"})
    assert (await a.push(engine))[0]["status"] == Status.APPLIED.value
    assert "clock_suspicious" in store.history[-1].flags


async def test_a_clock_ahead_by_the_tolerance_is_not_flagged_and_a_millisecond_more_is() -> None:
    arrived = datetime(2024, 11, 5, 9, 0, tzinfo=UTC)
    edge = int(arrived.timestamp() * 1000) + CLOCK_TOLERANCE_MS
    flags = []
    for millis in (edge, edge + 1):
        store = MemoryStore()
        engine = Engine(store, registry(), secret=SECRET, now=lambda: arrived)
        tablet = Tablet("a", millis=millis)
        tablet.op("inspections", RID, Kind.CREATE, {"place": "x"})
        assert (await tablet.push(engine))[0]["status"] == Status.APPLIED.value
        flags.append(list(store.history[-1].flags))
    assert flags == [[], ["clock_suspicious"]]


async def test_a_pull_sends_the_same_rows_whether_it_reads_stored_views_or_the_entries(
    store: MemoryStore,
) -> None:
    engine = new_engine(store)
    a, b = Tablet("a"), Tablet("b")
    await created(store, a, b, score=1, photos=["p"], notes="一つ目")
    a.op("inspections", RID, Kind.PATCH, {"place": "A", "notes": "二つ目"})
    b.op("inspections", RID, Kind.PATCH, {"place": "B"})
    other = str(uuid.uuid4())
    b.op("inspections", other, Kind.CREATE, {"place": "3階"})
    b.op("inspections", other, Kind.DELETE, base=1)
    await a.push(engine)
    await b.push(engine)
    from_views = Tablet("views")
    await from_views.pull(engine)
    pages = [await engine.pull(STAFF, "")]
    store.views.clear()  # as records stored before views were kept
    from_entries = Tablet("entries")
    await from_entries.pull(engine)
    pages.append(await engine.pull(STAFF, ""))
    assert from_views.rows == from_entries.rows and from_views.seen == from_entries.seen
    assert from_views.rows[("inspections", RID)]["place"] in ("A", "B")
    for page in pages:
        assert {(c.id, tuple(c.conflicts), c.deleted, c.row is None) for c in page.changes} == {
            (RID, ("place",), False, False),
            (other, (), True, True),
        }


async def test_a_field_added_to_a_table_reaches_tablets_for_records_stored_before(store: MemoryStore) -> None:
    a = Tablet("a")
    await created(store, a)
    grown = replace(INSPECTIONS, fields={**INSPECTIONS.fields, "floor": FieldSpec(FieldType.INT)})
    engine = Engine(store, Registry([grown, CASES]), secret=SECRET)
    fresh = Tablet("fresh")
    await fresh.pull(engine)
    assert "floor" in fresh.rows[("inspections", RID)] and fresh.rows[("inspections", RID)]["floor"] is None


def test_a_sign_off_cannot_claim_to_freeze_notes() -> None:
    """Values and sets are frozen by a sign-off; notes are additions that never replace what was signed.
    Declaring a note (or a field that does not exist) protected is refused when the table is registered,
    instead of silently not protecting it."""
    assert INSPECTIONS.sign_off is not None
    for name in ("notes", "no_such_field"):
        sign_off = replace(INSPECTIONS.sign_off, protected=frozenset({name}))
        spec = replace(INSPECTIONS, name=f"with_{name}", sign_off=sign_off)
        with pytest.raises(ValueError, match="cannot be protected by a sign-off"):
            Registry([spec])
    Registry([replace(INSPECTIONS, name="values_only")])


async def _signed_with_photos(store: MemoryStore, engine: Engine, *tablets: Tablet) -> None:
    """An inspection with two photos, pulled by every tablet, then submitted by the first tablet alone."""
    await created(store, *tablets)
    first = tablets[0]
    first.op("inspections", RID, Kind.SET_ADD, {"photos": ["sha-1", "sha-2"]})
    await first.push(engine)
    for tablet in tablets:
        await tablet.pull(engine)
    first.op("inspections", RID, Kind.PATCH, {"status": "submitted"})
    await first.push(engine)


async def test_photos_added_or_removed_on_a_tablet_that_had_not_seen_the_sign_off_are_held_for_review(
    store: MemoryStore,
) -> None:
    engine = new_engine(store)
    a, b = Tablet("a"), Tablet("b")
    await _signed_with_photos(store, engine, a, b)
    # b, offline, still sees a draft: it adds a photo and removes one of the signed ones.
    b.op("inspections", RID, Kind.SET_ADD, {"photos": ["sha-3"]})
    b.op("inspections", RID, Kind.SET_REMOVE, {"photos": ["sha-1"]})
    results = await b.push(engine)
    assert [r["status"] for r in results] == ["conflict", "conflict"]
    assert results[0]["conflict_ids"] == results[1]["conflict_ids"]
    conflict = store.conflicts[results[0]["conflict_ids"][0]]
    assert (conflict.kind, conflict.field, conflict.status) == ("locked_record", "photos", "open")
    assert [(c["change"], c["value"], c["user"]) for c in conflict.candidates] == [
        ("added", "sha-3", "demo-staff"),
        ("removed", "sha-1", "demo-staff"),
    ]
    await a.pull(engine)
    assert a.rows[("inspections", RID)]["photos"] == ["sha-1", "sha-2"], "the signed photos stay as signed"
    assert a.rows[("inspections", RID)]["status"] == "submitted"


async def test_photos_changed_by_the_tablet_that_signed_before_it_signed_are_not_held(
    store: MemoryStore,
) -> None:
    engine = new_engine(store)
    a = Tablet("a")
    await created(store, a)
    a.op("inspections", RID, Kind.SET_ADD, {"photos": ["sha-1", "sha-2"]})
    a.op("inspections", RID, Kind.SET_REMOVE, {"photos": ["sha-2"]})
    a.op("inspections", RID, Kind.PATCH, {"status": "submitted"})
    assert [r["status"] for r in await a.push(engine)] == ["applied", "applied", "applied"]
    await a.pull(engine)
    assert a.rows[("inspections", RID)]["photos"] == ["sha-1"] and not store.conflicts
    # After the sign-off, even the signer's own changes need a review.
    a.op("inspections", RID, Kind.SET_ADD, {"photos": ["sha-9"]})
    assert (await a.push(engine))[0]["status"] == "conflict"


@pytest.mark.parametrize("accept", [True, False])
async def test_a_chief_accepts_or_declines_the_photo_changes_a_sign_off_held_back(
    store: MemoryStore, accept: bool
) -> None:
    engine = new_engine(store)
    a, b = Tablet("a"), Tablet("b")
    chief = Tablet("chief", actor=Actor(user="demo-chief", scopes=frozenset({"ward"})))
    await _signed_with_photos(store, engine, a, b, chief)
    b.op("inspections", RID, Kind.SET_ADD, {"photos": ["sha-3", "sha-2"]})  # sha-2 is signed already
    b.op("inspections", RID, Kind.SET_REMOVE, {"photos": ["sha-1"]})
    conflict_id = (await b.push(engine))[0]["conflict_ids"][0]
    await chief.pull(engine)
    action = "apply" if accept else "dismiss"
    chief.op("inspections", RID, Kind.RESOLVE, {"conflict_id": conflict_id, "action": action, "values": {}})
    assert (await chief.push(engine))[0]["status"] == "applied"
    conflict = store.conflicts[conflict_id]
    decided = (conflict.status, conflict.resolution, conflict.resolved_by)
    assert decided == ("resolved", "chosen", "demo-chief")
    await a.pull(engine)
    photos = a.rows[("inspections", RID)]["photos"]
    assert photos == (["sha-2", "sha-3"] if accept else ["sha-1", "sha-2"])
    assert not [c for c in store.conflicts.values() if c.status == "open"]
    # The decision holds when the inspection is returned and unlocked: what was declined stays out.
    a.op("inspections", RID, Kind.PATCH, {"status": "returned"})
    await a.push(engine)
    await a.pull(engine)
    assert a.rows[("inspections", RID)]["photos"] == photos


async def test_a_held_photo_change_that_arrived_after_the_chief_looked_stays_open(store: MemoryStore) -> None:
    engine = new_engine(store)
    a, b, c = Tablet("a"), Tablet("b"), Tablet("c")
    chief = Tablet("chief", actor=Actor(user="demo-chief", scopes=frozenset({"ward"})))
    await _signed_with_photos(store, engine, a, b, c, chief)
    b.op("inspections", RID, Kind.SET_ADD, {"photos": ["sha-3"]})
    conflict_id = (await b.push(engine))[0]["conflict_ids"][0]
    await chief.pull(engine)
    c.op("inspections", RID, Kind.SET_REMOVE, {"photos": ["sha-2"]})
    await c.push(engine)
    chief.op("inspections", RID, Kind.RESOLVE, {"conflict_id": conflict_id, "action": "apply", "values": {}})
    await chief.push(engine)
    conflict = store.conflicts[conflict_id]
    assert conflict.status == "open"
    assert [(x["change"], x["value"]) for x in conflict.candidates] == [("removed", "sha-2")]
    await a.pull(engine)
    assert a.rows[("inspections", RID)]["photos"] == ["sha-1", "sha-2", "sha-3"]


async def test_a_sign_off_and_a_photo_removal_it_had_not_seen_give_one_outcome_in_either_order() -> None:
    outcomes = []
    for sign_first in (True, False):
        store = MemoryStore()
        engine = new_engine(store)
        a, b = Tablet("a"), Tablet("b")
        await created(store, a, b)
        a.op("inspections", RID, Kind.SET_ADD, {"photos": ["sha-1"]})
        await a.push(engine)
        await a.pull(engine)
        await b.pull(engine)
        a.op("inspections", RID, Kind.PATCH, {"status": "submitted"})
        b.op("inspections", RID, Kind.SET_REMOVE, {"photos": ["sha-1"]})
        for tablet in (a, b) if sign_first else (b, a):
            await tablet.push(engine)
        reader = Tablet("reader")
        await reader.pull(engine)
        held = [(c.kind, [x["change"] for x in c.candidates]) for c in store.conflicts.values()]
        outcomes.append((reader.rows[("inspections", RID)]["photos"], held))
    assert outcomes[0] == outcomes[1] == (["sha-1"], [("locked_record", ["removed"])])


async def test_photos_stored_before_the_set_was_protected_are_kept_and_then_protected(
    store: MemoryStore,
) -> None:
    assert INSPECTIONS.sign_off is not None
    open_sign_off = replace(INSPECTIONS.sign_off, protected=INSPECTIONS.sign_off.protected - {"photos"})
    before = Engine(store, Registry([replace(INSPECTIONS, sign_off=open_sign_off), CASES]), secret=SECRET)
    a, b = Tablet("a"), Tablet("b")
    a.op("inspections", RID, Kind.CREATE, {"place": "1階 窓口", "photos": ["sha-1", "sha-2", "sha-3"]})
    a.op("inspections", RID, Kind.SET_REMOVE, {"photos": ["sha-3"]})
    await a.push(before)
    assert "photos" not in store.records[("inspections", RID)].trails
    engine = new_engine(store)  # the release that protects photos
    await a.pull(engine)
    await b.pull(engine)
    assert b.rows[("inspections", RID)]["photos"] == ["sha-1", "sha-2"]
    a.op("inspections", RID, Kind.PATCH, {"status": "submitted"})
    await a.push(engine)
    b.op("inspections", RID, Kind.SET_REMOVE, {"photos": ["sha-1"]})
    assert (await b.push(engine))[0]["status"] == "conflict"
    await a.pull(engine)
    assert a.rows[("inspections", RID)]["photos"] == ["sha-1", "sha-2"]


async def test_a_resolution_cannot_set_a_protected_set_to_values(store: MemoryStore) -> None:
    engine = new_engine(store)
    a, b = Tablet("a"), Tablet("b")
    chief = Tablet("chief", actor=Actor(user="demo-chief", scopes=frozenset({"ward"})))
    await _signed_with_photos(store, engine, a, b, chief)
    b.op("inspections", RID, Kind.SET_ADD, {"photos": ["sha-3"]})
    conflict_id = (await b.push(engine))[0]["conflict_ids"][0]
    await chief.pull(engine)
    chief.op(
        "inspections",
        RID,
        Kind.RESOLVE,
        {"conflict_id": conflict_id, "action": "apply", "values": {"photos": ["sha-9"]}},
    )
    result = (await chief.push(engine))[0]
    assert result["status"] == "rejected" and "accepted or declined" in result["error"]
    assert store.conflicts[conflict_id].status == "open"
