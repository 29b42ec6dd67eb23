"""The shortcut for a simple ``patch`` (a table without workflow or sign-off, no conflict, a writer that had
seen every entry) must store exactly what the general merge stores: same entries, same dict order (the
stored JSON is compared byte for byte), same history, same answer, and the same refusal for an invalid
patch. Records are built by random histories from several tablets, so the shortcut meets registers with
concurrent values, notes, sets, deletes and restores."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from sync.merge import Outcome, Rejection, WriteContext, _simple, apply
from sync.protocol import Kind, Op
from sync.records import RecordState
from sync.spec import FieldSpec, FieldType, Policy, TableSpec
from sync.store import Conflict
from tests.sync.harness import CASES, INSPECTIONS

RID = "44444444-4444-4444-8444-444444444444"
CLIENTS = [
    "55555555-5555-4555-8555-555555555555",
    "66666666-6666-4666-8666-666666666666",
    "77777777-7777-4777-8777-777777777777",
]

# Every policy but the workflow, and no sign-off: the tables the shortcut is for.
PLAIN = TableSpec(
    name="plain",
    fields={
        "place": FieldSpec(FieldType.TEXT, Policy.REVIEW),
        "score": FieldSpec(FieldType.INT, Policy.REVIEW),
        "answer": FieldSpec(FieldType.TEXT, Policy.LWW, max_length=5),
        "amount": FieldSpec(FieldType.NUMBER, Policy.LWW),
        "extra": FieldSpec(FieldType.JSON, Policy.REVIEW),
        "tags": FieldSpec(FieldType.TEXT, Policy.SET),
        "notes": FieldSpec(FieldType.TEXT, Policy.APPEND),
        "level": FieldSpec(FieldType.TEXT, Policy.STATE),  # a state field that is not a workflow's
    },
)
SPECS = [PLAIN, CASES, INSPECTIONS]

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 3),
    st.sampled_from(["", "1階", "2階", "適", "toolong", "draft", "submitted", 0.5]),
    st.lists(st.sampled_from(["x", "y"]), max_size=2),
    st.dictionaries(st.sampled_from("ab"), st.integers(0, 1), max_size=2),
)
# Mostly values the fields take (so writes apply and registers fill), some that are refused.
good = st.sampled_from(["1階", "2階", "適", "x", 1, 2, None])


@st.composite
def histories(draw: Any) -> tuple[TableSpec, list[Op], Op]:
    spec = draw(st.sampled_from(SPECS))
    names = [*spec.fields, "no_such_field"]
    seqs = dict.fromkeys(CLIENTS, 0)
    ops: list[Op] = []
    stamp = 0

    def op(kind: Kind, fields: dict[str, Any], base: int | None) -> Op:
        nonlocal stamp
        client = draw(st.sampled_from(CLIENTS))
        seqs[client] += 1
        stamp += draw(st.integers(-3, 5))  # clocks disagree
        n = len(ops) + 1
        return Op(
            op_id=f"00000000-0000-4000-8000-{n:012d}",
            client_seq=seqs[client],
            hlc=f"{1730000000000 + max(stamp, 0):013d}:{n:05d}:{client}",
            table=spec.name,
            record_id=RID,
            kind=kind,
            base_version=base,
            fields=fields,
        )

    creating = {name: draw(good) for name in draw(st.lists(st.sampled_from(list(spec.fields)), unique=True))}
    if spec.workflow is not None:
        creating[spec.workflow.field] = spec.workflow.initial
    ops.append(op(Kind.CREATE, creating, None))
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(
            st.sampled_from([Kind.PATCH, Kind.PATCH, Kind.PATCH, Kind.SET_ADD, Kind.DELETE, Kind.RESTORE])
        )
        base = draw(st.integers(0, len(ops)))
        if kind is Kind.PATCH:
            chosen = draw(st.lists(st.sampled_from(list(spec.fields)), unique=True, max_size=3))
            fields = {name: draw(good) for name in chosen}
        elif kind is Kind.SET_ADD:
            sets = [n for n, f in spec.fields.items() if f.policy is Policy.SET]
            fields = {n: [draw(st.sampled_from(["x", "y"]))] for n in sets}
        else:
            fields = {}
        ops.append(op(kind, fields, base))
    chosen = draw(st.lists(st.sampled_from(list(spec.fields)), unique=True, max_size=3))
    fields = {name: draw(good) for name in chosen}
    if not draw(st.integers(0, 3)):
        fields.update(draw(st.dictionaries(st.sampled_from(names), values, max_size=2)))
    # Usually a writer that pulled the latest version (the shortcut's case), sometimes one that had not.
    base = draw(st.one_of(st.just(10_000), st.integers(0, len(ops))))
    last = op(Kind.PATCH, fields, base)
    return spec, ops, last


def build(spec: TableSpec, ops: list[Op]) -> tuple[RecordState | None, list[Conflict]]:
    """The record and its open conflicts after ``ops``, through the general path as the engine runs it."""
    record: RecordState | None = None
    open_conflicts: dict[str, Conflict] = {}
    for n, op in enumerate(ops):
        ctx = WriteContext(
            user=f"user-{n % 2}", client_id=op.hlc.split(":", 2)[2], at=f"2024-11-05T09:00:{n:02d}"
        )
        try:
            outcome = apply(op, record, spec, ctx, list(open_conflicts.values()), fast=False)
        except Rejection:
            continue
        record = outcome.record
        for conflict in outcome.conflicts:
            open_conflicts[conflict.id] = conflict
        for conflict in outcome.closed:
            open_conflicts.pop(conflict.id, None)
    return record, [c for c in open_conflicts.values() if c.status == "open"]


def outcome_of(
    op: Op, record: RecordState | None, spec: TableSpec, conflicts: list[Conflict], fast: bool
) -> Outcome | str:
    ctx = WriteContext(
        user="demo-staff", client_id=op.hlc.split(":", 2)[2], at="2024-11-05T10:00:00.000+00:00"
    )
    try:
        # As the engine does: open conflicts are read only for a record whose last settle found some.
        # Copies, as a store reads them afresh: a merge updates the conflicts it is given.
        given = copy.deepcopy(conflicts) if record is not None and record.disputes != [] else []
        return apply(op, record, spec, ctx, given, fast=fast)
    except Rejection as exc:
        return f"rejected: {exc}"


def dumped(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@settings(max_examples=2000, deadline=None, derandomize=True)
@given(histories())
def test_a_simple_patch_stores_what_the_general_merge_stores(case: tuple[TableSpec, list[Op], Op]) -> None:
    spec, ops, last = case
    record, conflicts = build(spec, ops)
    if record is not None and last.base_version == 10_000:
        last = Op(**{**last.__dict__, "base_version": record.version})
    before = None if record is None else dumped(record.to_json())
    ctx = WriteContext(user="demo-staff", client_id=last.hlc.split(":", 2)[2], at="")
    taken = record is not None and not record.purged and _simple(last, record, spec, ctx, [])
    event(f"shortcut considered: {taken}")
    fast = outcome_of(last, record, spec, conflicts, True)
    general = outcome_of(last, record, spec, conflicts, False)
    # Neither path changes the record it was given (the engine keeps it until the push commits).
    assert before == (None if record is None else dumped(record.to_json()))
    if isinstance(general, str):
        assert fast == general
        return
    assert isinstance(fast, Outcome)
    assert dumped(fast.record.to_json()) == dumped(general.record.to_json())
    assert fast.record == general.record
    assert dumped(fast.changes) == dumped(general.changes)
    assert dumped(fast.shown) == dumped(general.shown)
    assert (fast.status, fast.changed, fast.flags, fast.involved) == (
        general.status,
        general.changed,
        general.flags,
        general.involved,
    )
    assert (fast.conflicts, fast.closed) == (general.conflicts, general.closed)
    assert fast.record.contested_fields() == general.record.contested_fields()


def test_the_shortcut_is_taken_for_a_tablet_patching_what_it_pulled() -> None:
    # Guards the comparison above against the shortcut never being taken.
    client = CLIENTS[0]
    ctx = WriteContext(user="u", client_id=client, at="2024-11-05T09:00:00.000+00:00")
    create = Op(
        "00000000-0000-4000-8000-000000000001",
        1,
        f"1730000000000:00000:{client}",
        "plain",
        RID,
        Kind.CREATE,
        None,
        {"place": "1階", "score": 1, "notes": "受付"},
    )
    record = apply(create, None, PLAIN, ctx, []).record
    patch = Op(
        "00000000-0000-4000-8000-000000000002",
        1,
        f"1730000000001:00000:{CLIENTS[1]}",
        "plain",
        RID,
        Kind.PATCH,
        1,
        {"score": 2, "notes": "確認"},
    )
    other = WriteContext(user="v", client_id=CLIENTS[1], at="2024-11-05T09:00:01.000+00:00")
    assert _simple(patch, record, PLAIN, other, [])
    fast = apply(patch, record, PLAIN, other, [])
    general = apply(patch, record, PLAIN, other, [], fast=False)
    assert dumped(fast.record.to_json()) == dumped(general.record.to_json())
    assert fast.shown == {
        "place": "1階",
        "score": 2,
        "answer": None,
        "amount": None,
        "extra": None,
        "tags": [],
        "notes": [
            {"text": "受付", "by": "u", "at": "2024-11-05T09:00:00.000+00:00", "hlc": create.hlc},
            {"text": "確認", "by": "v", "at": "2024-11-05T09:00:01.000+00:00", "hlc": patch.hlc},
        ],
        "level": None,
    }
    # A writer that had not pulled version 1 is concurrent with it: not the shortcut's case.
    unseen = Op(**{**patch.__dict__, "base_version": 0})
    assert not _simple(unseen, record, PLAIN, other, [])


def test_a_field_become_disputed_since_the_last_settle_takes_the_general_path() -> None:
    # A last-writer field kept two concurrent values; a release makes it a reviewed field. The next patch
    # must open the conflict the general path opens, even though the record's last settle found none.
    first, second = CLIENTS[0], CLIENTS[1]
    ops = [
        Op(
            "00000000-0000-4000-8000-000000000001",
            1,
            f"1730000000000:00000:{first}",
            "plain",
            RID,
            Kind.CREATE,
            None,
            {"answer": "a"},
        ),
        Op(
            "00000000-0000-4000-8000-000000000002",
            2,
            f"1730000000001:00000:{first}",
            "plain",
            RID,
            Kind.PATCH,
            1,
            {"answer": "b"},
        ),
        Op(
            "00000000-0000-4000-8000-000000000003",
            1,
            f"1730000000002:00000:{second}",
            "plain",
            RID,
            Kind.PATCH,
            1,
            {"answer": "c"},
        ),
    ]
    record, conflicts = build(PLAIN, ops)
    assert record is not None and len(record.registers["answer"]) == 2 and record.disputes == []
    reviewed = TableSpec(
        name="plain", fields={**PLAIN.fields, "answer": FieldSpec(FieldType.TEXT, Policy.REVIEW)}
    )
    patch = Op(
        "00000000-0000-4000-8000-000000000004",
        3,
        f"1730000000003:00000:{first}",
        "plain",
        RID,
        Kind.PATCH,
        3,
        {"score": 1},
    )
    fast = outcome_of(patch, record, reviewed, conflicts, True)
    general = outcome_of(patch, record, reviewed, conflicts, False)
    assert isinstance(fast, Outcome) and isinstance(general, Outcome)
    assert [c.kind for c in fast.conflicts] == [c.kind for c in general.conflicts] == ["concurrent_edit"]
    assert dumped(fast.record.to_json()) == dumped(general.record.to_json())
