"""Content-addressed files (photos, signatures as images): stored under their SHA-256, uploaded apart from
record operations, resumable, and verified before they count as present.

Record sync never waits for bytes: a record refers to a file by hash; ``missing`` tells which referenced
files have not arrived yet.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path

from sync.errors import BlobError

SHA256 = re.compile(r"^[0-9a-f]{64}$")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def check_hash(sha256: str) -> str:
    if not isinstance(sha256, str) or not SHA256.match(sha256):
        raise BlobError("a file is named by its SHA-256 in lower-case hex")
    return sha256


class FileBlobStore:
    """Files on disk: ``root/ab/cd/<hash>``, unfinished uploads as ``<hash>.part`` beside them."""

    def __init__(self, root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = root
        self.max_bytes = max_bytes

    def path(self, sha256: str) -> Path:
        check_hash(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def _part(self, sha256: str) -> Path:
        return self.path(sha256).with_suffix(".part")

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def size(self, sha256: str) -> int | None:
        path = self.path(sha256)
        return path.stat().st_size if path.is_file() else None

    def received(self, sha256: str) -> int:
        """Bytes of an unfinished upload already here: where a resumed upload continues."""
        if self.exists(sha256):
            return self.size(sha256) or 0
        part = self._part(sha256)
        return part.stat().st_size if part.is_file() else 0

    def put(self, sha256: str, data: bytes) -> bool:
        """Store a whole file. Returns False when it was already present (uploading twice is harmless)."""
        if self.exists(sha256):
            return False
        if len(data) > self.max_bytes:
            raise BlobError(f"files are limited to {self.max_bytes} bytes")
        if hashlib.sha256(data).hexdigest() != sha256:
            raise BlobError("the bytes do not match the SHA-256 they were sent under")
        self._write_atomically(sha256, data)
        return True

    def append(self, sha256: str, offset: int, data: bytes) -> int:
        """Add a chunk of a resumable upload at ``offset``; returns the bytes received so far."""
        if self.exists(sha256):
            return self.size(sha256) or 0
        current = self.received(sha256)
        if offset != current:
            raise BlobError(f"the upload continues at byte {current}")
        if current + len(data) > self.max_bytes:
            raise BlobError(f"files are limited to {self.max_bytes} bytes")
        part = self._part(sha256)
        part.parent.mkdir(parents=True, exist_ok=True)
        with part.open("ab") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        return current + len(data)

    def complete(self, sha256: str) -> None:
        """Check the assembled upload against its hash; only then is the file present."""
        if self.exists(sha256):
            return
        part = self._part(sha256)
        if not part.is_file():
            raise BlobError("nothing was uploaded for this file")
        digest = hashlib.sha256()
        with part.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
        if digest.hexdigest() != sha256:
            part.unlink()
            raise BlobError("the bytes do not match the SHA-256 they were sent under; upload again")
        os.replace(part, self.path(sha256))

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
