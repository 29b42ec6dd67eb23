"""Content-addressed files (photos, signatures as images): stored under their SHA-256, uploaded apart from
record operations, resumable, and verified before they count as present.

Record sync never waits for bytes: a record refers to a file by hash; ``missing`` tells which referenced
files have not arrived yet.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from sync.errors import BlobError, BlobRefused, PendingLimit

SHA256 = re.compile(r"^[0-9a-f]{64}$")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def check_hash(sha256: str) -> str:
    if not isinstance(sha256, str) or not SHA256.match(sha256):
        raise BlobError("a file is named by its SHA-256 in lower-case hex")
    return sha256


# Enough of a file's start for any content check to tell its kind.
HEAD_BYTES = 64
DEFAULT_MAX_PENDING = 100 * 1024 * 1024
_OWNER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

ContentCheck = Callable[[bytes], str | None]


class FileBlobStore:
    """Files on disk: ``root/ab/cd/<hash>``; unfinished uploads apart per uploader, as
    ``root/partial/<owner>/<hash>.part``, so nobody can read the progress of another's upload or append
    to it.

    ``check`` reads a file's first ``HEAD_BYTES`` and names its media type, or None for bytes the store
    must refuse (the app accepts photos only); without it every kind of file is taken.
    ``max_pending``: the unfinished bytes one uploader may leave waiting.
    """

    def __init__(
        self,
        root: Path,
        max_bytes: int = DEFAULT_MAX_BYTES,
        *,
        check: ContentCheck | None = None,
        max_pending: int = DEFAULT_MAX_PENDING,
    ) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.check = check
        self.max_pending = max_pending

    def path(self, sha256: str) -> Path:
        check_hash(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def _partial_dir(self, owner: str) -> Path:
        if not _OWNER.match(owner or "_"):
            raise BlobError("an uploader is named by letters, digits, - and _")
        return self.root / "partial" / (owner or "_")

    def _part(self, sha256: str, owner: str) -> Path:
        check_hash(sha256)
        return self._partial_dir(owner) / f"{sha256}.part"

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def size(self, sha256: str) -> int | None:
        path = self.path(sha256)
        return path.stat().st_size if path.is_file() else None

    def received(self, sha256: str, owner: str = "") -> int:
        """Bytes of this uploader's unfinished upload already here: where a resumed upload continues."""
        if self.exists(sha256):
            return self.size(sha256) or 0
        part = self._part(sha256, owner)
        return part.stat().st_size if part.is_file() else 0

    def pending_bytes(self, owner: str = "") -> int:
        """What this uploader's unfinished uploads hold."""
        folder = self._partial_dir(owner)
        return sum(p.stat().st_size for p in folder.glob("*.part")) if folder.is_dir() else 0

    def media_type(self, sha256: str) -> str | None:
        """The checked media type of a stored file (None: the check refuses it, or there is no check)."""
        if self.check is None:
            return None
        with self.path(sha256).open("rb") as handle:
            return self.check(handle.read(HEAD_BYTES))

    def _accept(self, head: bytes) -> None:
        if self.check is not None and self.check(head[:HEAD_BYTES]) is None:
            raise BlobRefused("this kind of file is not accepted")

    def put(self, sha256: str, data: bytes) -> bool:
        """Store a whole file. Returns False when it was already present (uploading twice is harmless)."""
        if self.exists(sha256):
            return False
        if len(data) > self.max_bytes:
            raise BlobError(f"files are limited to {self.max_bytes} bytes")
        if hashlib.sha256(data).hexdigest() != sha256:
            raise BlobError("the bytes do not match the SHA-256 they were sent under")
        self._accept(data)
        self._write_atomically(sha256, data)
        return True

    def append(self, sha256: str, offset: int, data: bytes, owner: str = "") -> int:
        """Add a chunk of this uploader's resumable upload at ``offset``; returns the bytes received."""
        if self.exists(sha256):
            return self.size(sha256) or 0
        current = self.received(sha256, owner)
        if offset != current:
            raise BlobError(f"the upload continues at byte {current}")
        if current + len(data) > self.max_bytes:
            raise BlobError(f"files are limited to {self.max_bytes} bytes")
        if current < HEAD_BYTES and len(data) >= HEAD_BYTES - current:
            # Refuse a wrong kind of file at its first bytes, not after all of it has been sent.
            self._accept(self._head_with(sha256, owner, data))
        if self.pending_bytes(owner) + len(data) > self.max_pending:
            raise PendingLimit(self.max_pending)
        part = self._part(sha256, owner)
        part.parent.mkdir(parents=True, exist_ok=True)
        with part.open("ab") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        return current + len(data)

    def _head_with(self, sha256: str, owner: str, data: bytes) -> bytes:
        part = self._part(sha256, owner)
        before = part.read_bytes()[:HEAD_BYTES] if part.is_file() else b""
        return (before + data)[:HEAD_BYTES]

    def complete(self, sha256: str, owner: str = "") -> None:
        """Check this uploader's assembled upload against its hash and kind; only then is it present."""
        if self.exists(sha256):
            return
        part = self._part(sha256, owner)
        if not part.is_file():
            raise BlobError("nothing was uploaded for this file")
        digest = hashlib.sha256()
        with part.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
            digest.update(head)
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
        if digest.hexdigest() != sha256:
            part.unlink()
            raise BlobError("the bytes do not match the SHA-256 they were sent under; upload again")
        try:
            self._accept(head)
        except BlobRefused:
            part.unlink()
            raise
        self.path(sha256).parent.mkdir(parents=True, exist_ok=True)
        os.replace(part, self.path(sha256))

    def discard(self, sha256: str, owner: str = "") -> None:
        """Drop this uploader's unfinished upload of ``sha256``."""
        self._part(sha256, owner).unlink(missing_ok=True)

    def read(self, sha256: str) -> bytes:
        path = self.path(sha256)
        if not path.is_file():
            raise BlobError("no such file")
        return path.read_bytes()

    def _write_atomically(self, sha256: str, data: bytes) -> None:
        target = self.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(f".tmp{os.getpid()}")
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)


def missing(references: Iterable[str], store: FileBlobStore) -> list[str]:
    """The referenced files whose bytes have not arrived (what a manager sees as "photos pending")."""
    return sorted({ref for ref in references if SHA256.match(ref) and not store.exists(ref)})
