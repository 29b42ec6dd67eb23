"""The shortcut for creating a record that does not exist yet must store exactly what the general merge
stores: same entries, same dict order (the stored JSON is compared byte for byte), same history, same
answer, and the same refusal for an invalid create."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.merge import Outcome, Rejection, WriteContext, apply
from sync.protocol import Kind, Op
from sync.spec import FieldSpec, FieldType, Policy, SignOff, TableSpec, Workflow
from tests.sync.harness import CASES, INSPECTIONS

RID = "44444444-4444-4444-8444-444444444444"
CLIENT = "55555555-5555-4555-8555-555555555555"

# A sign-off that already holds in the initial state, and a required field: the create's own status
# write locks the record, and its other writes must still be admitted.
LOCKED_FROM_START = TableSpec(
    name="permits",
    fields={
        "holder": FieldSpec(FieldType.TEXT, Policy.REVIEW, nullable=False),
        "stage": FieldSpec(FieldType.TEXT, Policy.STATE),
        "fee": FieldSpec(FieldType.INT, Policy.REVIEW),
        "memo": FieldSpec(FieldType.TEXT, Policy.LWW, max_length=5),
        "tags": FieldSpec(FieldType.JSON, Policy.SET),
        "log": FieldSpec(FieldType.TEXT, Policy.APPEND),
        "when": FieldSpec(FieldType.DATE, Policy.REVIEW),
        "paid": FieldSpec(FieldType.BOOL, Policy.LWW),
        "amount": FieldSpec(FieldType.NUMBER, Policy.REVIEW),
        "scan": FieldSpec(FieldType.FILE, Policy.SET),
    },
    workflow=Workflow(
        field="stage",
        transitions={"filed": frozenset({"granted"}), "granted": frozenset()},
        rank={"filed": 0, "granted": 1},
        initial="filed",
    ),
    sign_off=SignOff(
        field="stage", states=frozenset({"filed", "granted"}), protected=frozenset({"fee", "when", "tags"})
    ),
    required_on_create=frozenset({"holder"}),
)
# A sign-off on a plain review field, without a workflow.
SIGNED_FIELD = TableSpec(
    name="forms",
    fields={
        "signed": FieldSpec(FieldType.TEXT, Policy.REVIEW),
        "body": FieldSpec(FieldType.TEXT, Policy.REVIEW),
        "zeta": FieldSpec(FieldType.TEXT, Policy.LWW),
    },
    sign_off=SignOff(field="signed", states=frozenset({"yes"}), protected=frozenset({"zeta", "body"})),
)
SPECS = [INSPECTIONS, CASES, LOCKED_FROM_START, SIGNED_FIELD]

# Values of every type, valid or not for a given field, so refusals are compared too.
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(
        ["", " ", "1階", "draft", "submitted", "filed", "granted", "yes", "2024-11-05", "a" * 64]
    ),
    st.text(max_size=8),
    st.lists(st.sampled_from(["x", "y", "f" * 64, "", 1]), max_size=4),
    st.dictionaries(st.sampled_from(["a", "b"]), st.integers(0, 2), max_size=2),
)


VALID = {
    FieldType.TEXT: st.sampled_from(["1階", "受付", "draft", "filed", "yes", "a"]),
    FieldType.INT: st.integers(-2, 5),
    FieldType.NUMBER: st.one_of(st.integers(0, 3), st.sampled_from([0.5, 2.25])),
    FieldType.BOOL: st.booleans(),
    FieldType.DATE: st.sampled_from(["2024-11-05", "2025-01-31"]),
    FieldType.JSON: st.one_of(
        st.none(), st.integers(0, 2), st.dictionaries(st.sampled_from("ab"), st.integers(0, 1))
    ),
    FieldType.FILE: st.sampled_from(["a" * 64, "0123456789abcdef" * 4]),
}


def valid_value(draw: Any, spec: TableSpec, name: str) -> Any:
    field_spec = spec.fields[name]
    if spec.workflow is not None and name == spec.workflow.field:
        return spec.workflow.initial
    if field_spec.policy is Policy.SET:
        return draw(st.lists(VALID[field_spec.type], max_size=3))  # repeats included
    return draw(VALID[field_spec.type])


@st.composite
def creates(draw: Any) -> tuple[TableSpec, Op, WriteContext]:
    spec = draw(st.sampled_from(SPECS))
    names = [*spec.fields, "no_such_field"]
    # Mostly valid creates (the shortcut's real work), some with any value at all (the refusals).
    chosen = draw(st.lists(st.sampled_from(list(spec.fields)), unique=True))
    fields = {name: valid_value(draw, spec, name) for name in chosen}
    if spec.required_on_create and draw(st.integers(0, 9)):
        fields.update({name: "山田" for name in spec.required_on_create})
    if not draw(st.integers(0, 3)):
        fields.update(draw(st.dictionaries(st.sampled_from(names), values, max_size=3)))
    op = Op(
        op_id="66666666-6666-4666-8666-666666666666",
        client_seq=draw(st.integers(1, 50)),
        hlc=f"1730000000000:{draw(st.integers(0, 99)):05d}:{CLIENT}",
        table=spec.name,
        record_id=RID,
        kind=Kind.CREATE,
        base_version=draw(st.sampled_from([None, 0, 3])),
        fields=fields,
    )
    return spec, op, WriteContext(user="demo-staff", client_id=CLIENT, at="2024-11-05T09:00:00.000+00:00")


def outcome_of(op: Op, spec: TableSpec, ctx: WriteContext, fast: bool) -> Outcome | str:
    try:
        return apply(op, None, spec, ctx, [], fast=fast)
    except Rejection as exc:
        return f"rejected: {exc}"


def stored(outcome: Outcome) -> str:
    # The form the store writes, with the order of every dict kept.
    return json.dumps(outcome.record.to_json(), ensure_ascii=False)


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(creates())
def test_creating_a_new_record_stores_what_the_general_merge_stores(
    case: tuple[TableSpec, Op, WriteContext],
) -> None:
    spec, op, ctx = case
    fast, general = outcome_of(op, spec, ctx, True), outcome_of(op, spec, ctx, False)
    if isinstance(general, str):
        assert fast == general
        return
    assert isinstance(fast, Outcome)
    assert stored(fast) == stored(general)
    assert fast.record == general.record
    assert json.dumps(fast.changes, ensure_ascii=False) == json.dumps(general.changes, ensure_ascii=False)
    assert json.dumps(fast.shown, ensure_ascii=False) == json.dumps(general.shown, ensure_ascii=False)
    assert (fast.status, fast.changed, fast.flags, fast.involved) == (
        general.status,
        general.changed,
        general.flags,
        general.involved,
    )
    assert (fast.conflicts, fast.closed) == (general.conflicts, general.closed) == ([], [])
    assert fast.record.contested_fields() == general.record.contested_fields()


def test_the_shortcut_is_taken_for_valid_creates_too() -> None:
    # Guards the comparison above against both paths raising for every generated case.
    ctx = WriteContext(user="u", client_id=CLIENT, at="2024-11-05T09:00:00.000+00:00")
    op = Op(
        "66666666-6666-4666-8666-666666666666",
        1,
        f"1730000000000:00000:{CLIENT}",
        "permits",
        RID,
        Kind.CREATE,
        None,
        {"holder": "山田", "fee": 3, "tags": [{"a": 1}, {"a": 1}], "log": "受付"},
    )
    fast = outcome_of(op, LOCKED_FROM_START, ctx, True)
    general = outcome_of(op, LOCKED_FROM_START, ctx, False)
    assert isinstance(fast, Outcome) and isinstance(general, Outcome)
    assert stored(fast) == stored(general)
    assert fast.record.registers["stage"][0].value == "filed"
