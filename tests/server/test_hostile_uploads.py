"""Each kind of hostile file a signed-in person might upload is refused by its bytes, whatever its name or
declared type; photos are served with their checked type; partial uploads belong to their uploader;
unreferenced hashes and unbounded pending bytes are refused."""

from __future__ import annotations

import hashlib
import struct

import httpx
import pytest
from litestar import Litestar

from server.models import CorrectiveAction, User
from server.state import AppState
from tests.server.conftest import LoginAs, sign_in
from tests.server.test_actions import raise_action, step
from tests.server.test_sync_files import referenced

SYNC = {"X-Madoguchi-Sync": "1"}
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 200
PNG = (
    b"\x89PNG\r\n\x1a\n"
    + b"\x00\x00\x00\rIHDR"
    + struct.pack(">II", 4, 3)
    + b"\x08\x02\x00\x00\x00"
    + bytes(400)
)
WEBP = b"RIFF" + struct.pack("<I", 400) + b"WEBPVP8 " + bytes(400)
HOSTILE = {
    "svg with a script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>',
    "html page": b"<!doctype html><html><body><script>fetch('/admin/users')</script></body></html>"
    + b" " * 64,
    "pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"
    + b" " * 32,
    "windows program": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200),
    "zip archive": b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(200),
    "gif": b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + bytes(200),
    "png signature without its header": b"\x89PNG\r\n\x1a\n" + b"<script>alert(1)</script>" + bytes(64),
    "riff that is not webp": b"RIFF" + struct.pack("<I", 200) + b"WAVEfmt " + bytes(200),
    "empty": b"",
}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def url(data: bytes) -> str:
    return f"/api/sync/v1/blobs/{sha(data)}"


async def chunk(
    client: httpx.AsyncClient, data: bytes, start: int, end: int, complete: bool = False
) -> httpx.Response:
    """``data[start:end]`` as one resumable chunk, declared as a JPEG."""
    headers = {**SYNC, "Content-Type": "image/jpeg", "Upload-Offset": str(start)}
    if complete:
        headers["Upload-Complete"] = "1"
    return await client.patch(url(data), content=data[start:end], headers=headers)


@pytest.mark.parametrize("kind", list(HOSTILE))
async def test_each_hostile_file_is_refused_whole_and_in_chunks(
    app: Litestar, login_as: LoginAs, kind: str
) -> None:
    data = HOSTILE[kind]
    client = await login_as("demo-staff")
    await referenced(client, sha(data))
    # Declared as a JPEG: the bytes decide, not the label.
    headers = {**SYNC, "Content-Type": "image/jpeg"}
    whole = await client.put(url(data), content=data, headers=headers)
    assert whole.status_code == 415 and "JPEG, PNG or WebP" in whole.json()["error"], whole.text
    chunked = await client.patch(
        url(data), content=data, headers={**headers, "Upload-Offset": "0", "Upload-Complete": "1"}
    )
    assert chunked.status_code in {415, 409}, chunked.text
    state: AppState = app.state.madoguchi
    assert not state.sync.blobs.exists(sha(data))
    assert (await client.get(url(data))).status_code == 404
    staff = await User.get(login="demo-staff")
    assert state.sync.blobs.pending_bytes(f"u{staff.id}") == 0  # nothing of it is kept


async def test_a_hostile_file_is_refused_at_its_first_chunk(login_as: LoginAs) -> None:
    data = HOSTILE["svg with a script"] + b" " * 100_000
    client = await login_as("demo-staff")
    await referenced(client, sha(data))
    first = await client.patch(url(data), content=data[:4096], headers={**SYNC, "Upload-Offset": "0"})
    assert first.status_code == 415
    assert (await client.head(url(data))).headers["upload-offset"] == "0"


@pytest.mark.parametrize(
    ("data", "media_type"), [(JPEG, "image/jpeg"), (PNG, "image/png"), (WEBP, "image/webp")]
)
async def test_photos_are_kept_and_served_as_what_their_bytes_are(
    login_as: LoginAs, data: bytes, media_type: str
) -> None:
    client = await login_as("demo-staff")
    await referenced(client, sha(data))
    assert (
        await client.put(url(data), content=data, headers={**SYNC, "Content-Type": "text/html"})
    ).status_code == 201
    served = await client.get(url(data))
    assert served.content == data and served.headers["content-type"] == media_type
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "content-disposition" not in served.headers
    assert "immutable" in served.headers["cache-control"]


async def test_a_file_stored_before_the_check_is_only_ever_a_download(
    app: Litestar, login_as: LoginAs
) -> None:
    svg = HOSTILE["svg with a script"]
    state: AppState = app.state.madoguchi
    state.sync.blobs._write_atomically(sha(svg), svg)  # as an older version stored it
    client = await login_as("demo-manager")
    served = await client.get(url(svg))
    assert served.headers["content-type"] == "application/octet-stream"
    assert served.headers["content-disposition"].startswith("attachment")
    assert served.headers["x-content-type-options"] == "nosniff"


async def test_a_hash_no_visible_record_refers_to_is_refused(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    assert (await client.put(url(JPEG), content=JPEG, headers=SYNC)).status_code == 403
    chunk = await client.patch(url(JPEG), content=JPEG[:100], headers={**SYNC, "Upload-Offset": "0"})
    assert chunk.status_code == 403


async def test_another_person_cannot_see_or_spoil_an_upload_in_progress(
    app: Litestar, client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("demo-staff")
    await referenced(client, sha(JPEG))
    owner_cookie = client.cookies.get("madoguchi_session")
    assert (
        await client.patch(url(JPEG), content=JPEG[:20000], headers={**SYNC, "Upload-Offset": "0"})
    ).status_code == 200
    transport = httpx.ASGITransport(app=app, client=("192.0.2.30", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        await sign_in(other, "demo-manager")
        head = await other.head(url(JPEG))
        assert head.status_code == 404 and head.headers["upload-offset"] == "0"
        junk = await other.patch(
            url(JPEG), content=b"\x00" * 20000, headers={**SYNC, "Upload-Offset": "20000"}
        )
        assert junk.status_code == 409  # their own upload starts at 0: nothing reaches the owner's
    client.cookies.set("madoguchi_session", owner_cookie or "")
    done = await chunk(client, JPEG, 20000, len(JPEG), complete=True)
    assert done.status_code == 200 and done.json()["present"] is True
    assert (await client.get(url(JPEG))).content == JPEG


async def test_pending_bytes_per_person_are_capped_with_a_clear_413(app: Litestar, login_as: LoginAs) -> None:
    state: AppState = app.state.madoguchi
    state.sync.blobs.max_pending = 30_000
    first, second = JPEG[:12_000], JPEG[:25_000]
    client = await login_as("demo-staff")
    await referenced(client, sha(first), sha(second))
    assert (await chunk(client, first, 0, 10_000)).status_code == 200
    over = await chunk(client, second, 0, 21_000)
    assert over.status_code == 413
    assert over.json()["details"] == {"limit": 30_000} and "30000 bytes" in over.json()["error"]
    # Finishing the first frees its room.
    assert (await chunk(client, first, 10_000, len(first), complete=True)).json()["present"] is True
    assert (await chunk(client, second, 0, 21_000)).status_code == 200


async def test_an_svg_as_evidence_of_a_corrective_action_is_refused_at_the_field(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    action = await raise_action(client)
    assert (await step(client, action, "accepted")).status_code == 302
    assert (await step(client, action, "in_progress")).status_code == 302
    svg = HOSTILE["svg with a script"]
    refused = await step(client, action, "reported", photo=svg, report_note="直した")
    assert refused.status_code == 422 and "写真（JPEG、PNG、WebP）を選んでください" in refused.text
    assert (await CorrectiveAction.get(id=action)).status == "in_progress"
    assert "直した" in refused.text  # what was typed is kept
    accepted = await step(client, action, "reported", photo=PNG, report_note="直した")
    assert accepted.status_code == 302, accepted.text
