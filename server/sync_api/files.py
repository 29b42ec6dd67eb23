"""File uploads for the sync API: whole (PUT) or resumable in chunks (PATCH with ``Upload-Offset``).

Files are named by their SHA-256 and checked against it; a file is immutable once present, so downloads
carry a long cache lifetime. Only photos are taken (their bytes are checked, not the name or declared
type), only for a hash that a record the person may see refers to, and an unfinished upload belongs to
the person who started it: nobody else can see its progress or append to it.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, head, patch, put
from litestar.exceptions import ClientException, NotFoundException, PermissionDeniedException
from litestar.params import FromPath

from server.auth.guards import SIGNED_IN
from server.models import User
from server.photo_types import IMAGE_TYPES
from server.sync_api.routes import PREFIX
from server.sync_api.service import SyncService
from server.sync_api.transport import PayloadError, require_sync_header
from sync import BlobError, BlobRefused, PendingLimit
from sync.blobs import DEFAULT_MAX_BYTES, check_hash

CHUNK_LIMIT = 2 * 1024 * 1024
NOT_A_PHOTO = "only photos (JPEG, PNG or WebP) can be uploaded"


class NotAPhoto(ClientException):
    status_code = 415


class TooMuchPending(ClientException):
    status_code = 413


def _blobs(request: Request[Any, Any, Any], sha256: str) -> SyncService:
    try:
        check_hash(sha256)
    except BlobError as exc:
        raise PayloadError([{"path": "sha256", "message": str(exc)}]) from None
    service: SyncService = request.app.state.madoguchi.sync
    return service


def _uploader(request: Request[Any, Any, Any]) -> tuple[User, str]:
    user: User = request.scope["state"]["user"]
    return user, f"u{user.id}"


async def _may_upload(request: Request[Any, Any, Any], service: SyncService, sha256: str) -> str:
    """The uploader's name for the store; refuses a hash no record the person may see refers to. Asked
    when an upload starts: the chunks that continue the person's own upload were allowed then."""
    user, owner = _uploader(request)
    if service.blobs.received(sha256, owner) == 0 and not await service.refers_to(user, sha256):
        raise PermissionDeniedException("no record you may see refers to this file; sync the record first")
    return owner


@head(f"{PREFIX}/blobs/{{sha256:str}}", opt=SIGNED_IN)
async def file_state(request: Request[Any, Any, Any], sha256: FromPath[str]) -> Response[None]:
    """200 when the file is here; otherwise 404 with ``Upload-Offset`` telling where this person's own
    upload resumes."""
    service = _blobs(request, sha256)
    _, owner = _uploader(request)
    received = str(service.blobs.received(sha256, owner))
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
    if service.blobs.exists(sha256):
        return Response({"sha256": sha256, "present": True}, status_code=200)
    await _may_upload(request, service, sha256)
    try:
        created = service.blobs.put(sha256, await request.body())
    except BlobRefused:
        raise NotAPhoto(NOT_A_PHOTO) from None
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
    if service.blobs.exists(sha256):
        size = service.blobs.received(sha256)
        return Response(
            {"sha256": sha256, "offset": size, "present": True}, headers={"Upload-Offset": str(size)}
        )
    owner = await _may_upload(request, service, sha256)
    try:
        received = service.blobs.append(sha256, int(raw_offset), await request.body(), owner)
        if request.headers.get("upload-complete") == "1":
            service.blobs.complete(sha256, owner)
    except BlobRefused:
        service.blobs.discard(sha256, owner)
        raise NotAPhoto(NOT_A_PHOTO) from None
    except PendingLimit as exc:
        raise TooMuchPending(str(exc), extra={"limit": exc.limit}) from None
    except BlobError as exc:
        current = service.blobs.received(sha256, owner)
        return Response(
            {"error": str(exc), "offset": current}, status_code=409, headers={"Upload-Offset": str(current)}
        )
    present = service.blobs.exists(sha256)
    return Response(
        {"sha256": sha256, "offset": received, "present": present}, headers={"Upload-Offset": str(received)}
    )


@get(f"{PREFIX}/blobs/{{sha256:str}}", opt=SIGNED_IN)
async def download_file(request: Request[Any, Any, Any], sha256: FromPath[str]) -> Response[bytes]:
    """The file's bytes with the type they were checked as; immutable, so tablets may keep them. A file
    stored before the check that is not a photo is only ever a download, never shown in the page."""
    service = _blobs(request, sha256)
    if not service.blobs.exists(sha256):
        raise NotFoundException()
    media_type = service.blobs.media_type(sha256)
    headers = {"Cache-Control": "private, max-age=31536000, immutable", "ETag": f'"{sha256}"'}
    if media_type not in IMAGE_TYPES:
        media_type = "application/octet-stream"
        headers["Content-Disposition"] = f'attachment; filename="{sha256}"'
    return Response(service.blobs.read(sha256), media_type=media_type, headers=headers)


routes = [file_state, upload_file, upload_chunk, download_file]
