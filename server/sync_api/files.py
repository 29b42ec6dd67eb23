"""File uploads for the sync API: whole (PUT) or resumable in chunks (PATCH with ``Upload-Offset``).

Files are named by their SHA-256 and checked against it; a file is immutable once present, so downloads
carry a long cache lifetime.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, head, patch, put
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from server.auth.guards import SIGNED_IN
from server.sync_api.routes import PREFIX
from server.sync_api.service import SyncService
from server.sync_api.transport import PayloadError, require_sync_header
from sync import BlobError
from sync.blobs import DEFAULT_MAX_BYTES, check_hash

CHUNK_LIMIT = 2 * 1024 * 1024


def _blobs(request: Request[Any, Any, Any], sha256: str) -> SyncService:
    try:
        check_hash(sha256)
    except BlobError as exc:
        raise PayloadError([{"path": "sha256", "message": str(exc)}]) from None
    service: SyncService = request.app.state.madoguchi.sync
    return service


@head(f"{PREFIX}/blobs/{{sha256:str}}", opt=SIGNED_IN)
async def file_state(request: Request[Any, Any, Any], sha256: FromPath[str]) -> Response[None]:
    """200 when the file is here; otherwise 404 with ``Upload-Offset`` telling where to resume."""
    service = _blobs(request, sha256)
    received = str(service.blobs.received(sha256))
    if service.blobs.exists(sha256):
        return Response(None, status_code=200, headers={"Upload-Offset": received})
    return Response(None, status_code=404, headers={"Upload-Offset": received})


@put(
    f"{PREFIX}/blobs/{{sha256:str}}", opt=SIGNED_IN, request_max_body_size=DEFAULT_MAX_BYTES, status_code=201
)
async def upload_file(request: Request[Any, Any, Any], sha256: FromPath[str]) -> Response[dict[str, Any]]:
    """A whole file; sending it again is harmless."""
    require_sync_header(request)
    service = _blobs(request, sha256)
    try:
        created = service.blobs.put(sha256, await request.body())
    except BlobError as exc:
        raise PayloadError([{"path": "body", "message": str(exc)}]) from None
    return Response({"sha256": sha256, "present": True}, status_code=201 if created else 200)


@patch(f"{PREFIX}/blobs/{{sha256:str}}", opt=SIGNED_IN, request_max_body_size=CHUNK_LIMIT, status_code=200)
async def upload_chunk(request: Request[Any, Any, Any], sha256: FromPath[str]) -> Response[dict[str, Any]]:
    """One chunk at ``Upload-Offset``; with ``Upload-Complete: 1`` the file is checked and becomes present."""
    require_sync_header(request)
    service = _blobs(request, sha256)
    raw_offset = request.headers.get("upload-offset", "")
    if not raw_offset.isdigit():
        raise PayloadError([{"path": "Upload-Offset", "message": "must be the byte offset of this chunk"}])
    try:
        received = service.blobs.append(sha256, int(raw_offset), await request.body())
        if request.headers.get("upload-complete") == "1":
            service.blobs.complete(sha256)
    except BlobError as exc:
        current = service.blobs.received(sha256)
        return Response(
            {"error": str(exc), "offset": current}, status_code=409, headers={"Upload-Offset": str(current)}
        )
    present = service.blobs.exists(sha256)
    return Response(
        {"sha256": sha256, "offset": received, "present": present}, headers={"Upload-Offset": str(received)}
    )


@get(f"{PREFIX}/blobs/{{sha256:str}}", opt=SIGNED_IN)
async def download_file(request: Request[Any, Any, Any], sha256: FromPath[str]) -> Response[bytes]:
    """The file's bytes; immutable, so tablets and the service worker may keep them."""
    service = _blobs(request, sha256)
    if not service.blobs.exists(sha256):
        raise NotFoundException()
    return Response(
        service.blobs.read(sha256),
        media_type="application/octet-stream",
        headers={"Cache-Control": "private, max-age=31536000, immutable", "ETag": f'"{sha256}"'},
    )


routes = [file_state, upload_file, upload_chunk, download_file]
