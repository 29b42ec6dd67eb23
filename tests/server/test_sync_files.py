"""Photos travel apart from records: whole or resumable, checked against their hash, never re-sent."""

from __future__ import annotations

import hashlib
import uuid

import httpx
from litestar import Litestar

from server.models import User
from server.state import AppState
from server.sync_api.rulebook import ward_scope
from sync import Actor, FieldSpec, FieldType, Kind, Policy, Registry, TableSpec, allow_all
from tests.server.conftest import LoginAs
from tests.server.test_inspections import Tablet as HttpTablet
from tests.server.test_inspections import answer, start
from tests.sync.harness import Tablet

PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 300
SHA = hashlib.sha256(PHOTO).hexdigest()
SYNC = {"X-Madoguchi-Sync": "1"}


async def referenced(client: httpx.AsyncClient, *hashes: str) -> None:
    """An inspection answer whose photos are these files: what a tablet syncs before the bytes."""
    tablet = HttpTablet(client)
    inspection = await start(tablet)
    answer(tablet, inspection, "mado-03", result="fail", note="写真あり", photos=list(hashes))
    results = await tablet.sync()
    assert all(r["status"] == "applied" for r in results), results


async def test_whole_upload_then_download(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    await referenced(client, SHA, "0" * 64)
    assert (await client.head(f"/api/sync/v1/blobs/{SHA}")).status_code == 404
    first = await client.put(f"/api/sync/v1/blobs/{SHA}", content=PHOTO, headers=SYNC)
    again = await client.put(f"/api/sync/v1/blobs/{SHA}", content=PHOTO, headers=SYNC)
    assert (first.status_code, again.status_code) == (201, 200)
    download = await client.get(f"/api/sync/v1/blobs/{SHA}")
    assert download.content == PHOTO and "immutable" in download.headers["cache-control"]
    wrong = await client.put(f"/api/sync/v1/blobs/{'0' * 64}", content=PHOTO, headers=SYNC)
    assert wrong.status_code == 422 and "do not match" in wrong.text
    assert (await client.put("/api/sync/v1/blobs/not-a-hash", content=PHOTO, headers=SYNC)).status_code == 422


async def test_a_resumed_upload_continues_from_the_server_s_offset(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    await referenced(client, SHA)
    url = f"/api/sync/v1/blobs/{SHA}"
    part = await client.patch(url, content=PHOTO[:30000], headers={**SYNC, "Upload-Offset": "0"})
    assert part.json()["offset"] == 30000 and not part.json()["present"]
    # The connection dropped; the tablet asks where to continue.
    head = await client.head(url)
    assert head.status_code == 404 and head.headers["upload-offset"] == "30000"
    stale = await client.patch(url, content=PHOTO[:10], headers={**SYNC, "Upload-Offset": "0"})
    assert stale.status_code == 409 and stale.json()["offset"] == 30000
    done = await client.patch(
        url, content=PHOTO[30000:], headers={**SYNC, "Upload-Offset": "30000", "Upload-Complete": "1"}
    )
    assert done.json()["present"] is True
    assert (await client.get(url)).content == PHOTO


async def test_the_server_lists_referenced_photos_that_have_not_arrived(
    app: Litestar, login_as: LoginAs
) -> None:
    state: AppState = app.state.madoguchi
    state.sync.registry = Registry(
        [
            TableSpec(
                name="findings",
                fields={"photos": FieldSpec(FieldType.FILE, Policy.SET), "note": FieldSpec(FieldType.TEXT)},
                # The demo ward's scope: the staff who upload must be able to see the record.
                scope_of=lambda values: ward_scope("高津区"),
            )
        ]
    )
    tablet = Tablet("t", actor=Actor(user="demo-manager", scopes=frozenset({ward_scope("高津区")})))
    other = hashlib.sha256(b"not uploaded yet").hexdigest()
    tablet.op(
        "findings", str(uuid.uuid4()), Kind.CREATE, {"photos": [SHA, other], "note": "手すりのぐらつき"}
    )
    engine = state.sync.engine_for(await User.get(login="demo-manager"))
    engine.authorize = allow_all
    await tablet.push(engine)
    assert await state.sync.missing_files() == sorted([SHA, other])
    client = await login_as("demo-staff")
    await client.put(f"/api/sync/v1/blobs/{SHA}", content=PHOTO, headers=SYNC)
    assert await state.sync.missing_files() == [other]
