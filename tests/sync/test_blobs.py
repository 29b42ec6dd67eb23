from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from sync import BlobError, FileBlobStore, missing

PHOTO = bytes(range(256)) * 40
SHA = hashlib.sha256(PHOTO).hexdigest()


def test_a_whole_upload_is_verified_and_idempotent(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path)
    assert store.put(SHA, PHOTO) is True
    assert store.put(SHA, PHOTO) is False
    assert store.read(SHA) == PHOTO and store.size(SHA) == len(PHOTO)
    with pytest.raises(BlobError, match="do not match"):
        store.put(hashlib.sha256(b"other").hexdigest(), PHOTO)
    with pytest.raises(BlobError, match="SHA-256"):
        store.put("../../etc/passwd", PHOTO)


def test_an_interrupted_upload_resumes_where_it_stopped(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path)
    assert store.append(SHA, 0, PHOTO[:4000]) == 4000
    assert FileBlobStore(tmp_path).received(SHA) == 4000  # survives a restart
    with pytest.raises(BlobError, match="continues at byte 4000"):
        store.append(SHA, 0, PHOTO[:100])
    assert store.append(SHA, 4000, PHOTO[4000:]) == len(PHOTO)
    assert not store.exists(SHA)
    store.complete(SHA)
    assert store.read(SHA) == PHOTO


def test_a_corrupted_upload_is_discarded_not_kept(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path)
    store.append(SHA, 0, PHOTO[:-1] + b"\x00")
    with pytest.raises(BlobError, match="upload again"):
        store.complete(SHA)
    assert store.received(SHA) == 0 and not store.exists(SHA)


def test_size_limit_and_missing_list(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path, max_bytes=100)
    with pytest.raises(BlobError, match="limited"):
        store.put(SHA, PHOTO)
    other = hashlib.sha256(b"x").hexdigest()
    FileBlobStore(tmp_path).put(other, b"x")
    assert missing([SHA, other, "not-a-hash"], store) == [SHA]
