"""Hypothesis against the doors: whatever values a tablet or a browser sends, never a 5xx, the outbox
always moves past every operation, and what was refused is listed at /sync.

Values mix every JSON type, text with NUL, other control characters and lone surrogates (half an emoji),
deep nesting and huge strings, on every field of every synced table (and on unknown ones).
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.models import SyncRejected
from server.sync_api.registry import TABLES
from sync import Kind
from tests.server.conftest import LoginAs, csrf_token

HEADERS = {"X-Madoguchi-Sync": "1", "Content-Type": "application/json"}
EXAMPLES = 40 if os.environ.get("CI") else 12
NASTY = st.sampled_from(["a", "日", "\x00", "\x01", "\ud800", "\udfff", "😀", "\n", "\u3000", "\ufffd", " "])
TEXT = st.one_of(
    st.text(alphabet=NASTY, max_size=30),
    st.text(max_size=20),
    st.builds(lambda c, n: c * n, NASTY, st.sampled_from([4001, 60_001])),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
    st.sampled_from(["2024-10-01", "2024-13-45", "draft", "submitted", "received", "published", "a" * 64]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)
FIELD_NAMES = st.sampled_from(sorted({n for t in TABLES.values() for n in t.spec.fields} | {"x", "colour"}))


def deep(depth: int) -> Any:
    value: Any = "底"
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def operations(draw: st.DrawFn) -> list[dict[str, Any]]:
    ops = []
    record = str(uuid.uuid4())
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        table = draw(st.sampled_from(sorted(TABLES)))
        kind = draw(st.sampled_from([k.value for k in Kind]))
        names = draw(st.lists(st.one_of(FIELD_NAMES, TEXT.filter(lambda s: 0 < len(s) <= 64)), max_size=5))
        fields = {name: draw(st.one_of(VALUES, st.just(deep(draw(st.integers(5, 60)))))) for name in names}
        if kind == "resolve" and draw(st.booleans()):
            fields = {
                "conflict_id": draw(TEXT),
                "action": draw(st.sampled_from(["apply", "dismiss"])),
                "values": fields,
            }
        ops.append(
            {
                "table": table,
                "record_id": record if draw(st.booleans()) else str(uuid.uuid4()),
                "kind": kind,
                "base_version": draw(st.one_of(st.none(), st.integers(0, 5))),
                "fields": fields,
            }
        )
    return ops


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(batch=operations())
async def test_push_never_fails_and_the_outbox_always_moves_on(
    login_as: LoginAs, batch: list[dict[str, Any]]
) -> None:
    client = await login_as("demo-staff")
    client_id = str(uuid.uuid4())
    registered = await client.post(
        "/api/sync/v1/clients", headers=HEADERS, content=json.dumps({"client_id": client_id})
    )
    assert registered.status_code == 200
    ops = [
        {**op, "op_id": str(uuid.uuid4()), "client_seq": i + 1, "hlc": f"1730000000{i:03d}:00000:{client_id}"}
        for i, op in enumerate(batch)
    ]
    body = json.dumps({"client_id": client_id, "ops": ops})
    response = await client.post("/api/sync/v1/push", headers=HEADERS, content=body)
    assert response.status_code < 500, response.text
    if response.status_code == 413:
        return  # over the 1 MiB a push may carry: the tablet sends smaller batches (docs/sync.md)
    if response.status_code == 422:
        # Only an envelope the parser refuses (a field name too long for any table): never partly applied.
        assert all(e["path"].startswith("ops[") for e in response.json()["details"]["errors"])
        return
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["last_seq"] == len(ops)
    rejected = [r for r in answer["results"] if r["status"] == "rejected"]
    assert await SyncRejected.filter(client_id=client_id).count() == len(rejected)
    listing = await client.get("/sync")
    assert listing.status_code == 200
    for result in rejected:
        assert result["error"]


FORM_TEXT = st.text(
    alphabet=st.one_of(NASTY.filter(lambda c: not "\ud800" <= c <= "\udfff"), st.characters()), max_size=50
).filter(lambda s: not any("\ud800" <= c <= "\udfff" for c in s))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(comment=FORM_TEXT, place=FORM_TEXT, contact=FORM_TEXT, raw=st.binary(max_size=40))
async def test_the_public_form_and_a_staff_form_never_fail(
    client: httpx.AsyncClient, comment: str, place: str, contact: str, raw: bytes
) -> None:
    await client.get("/voice")
    token = await csrf_token(client)
    fields = {
        "comment": comment,
        "place": place,
        "contact": contact,
        "wants_answer": "1",
        "_csrf_token": token,
    }
    response = await client.post("/voice", data=fields)
    assert response.status_code < 500, response.text
    # Bytes a browser would never send (invalid UTF-8, raw controls) in a form body.
    encoded = (
        httpx.QueryParams({"_csrf_token": token, "place": "1階"}).__str__().encode() + b"&comment=" + raw
    )
    response = await client.post(
        "/voice", content=encoded, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code < 500, response.text
