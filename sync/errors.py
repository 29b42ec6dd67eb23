"""Errors the engine reports to its caller (the HTTP layer turns them into status codes)."""

from __future__ import annotations


class SyncError(Exception):
    """Base class of every error raised by the sync package."""


class ValidationError(SyncError):
    """A payload that cannot be accepted; ``errors`` lists ``(path, message)`` for every bad field."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{path or '(body)'}: {message}" for path, message in errors))
        self.errors = errors


class GapError(SyncError):
    """The batch starts after a missing operation; the client must resend from ``expected_seq``."""

    def __init__(self, expected_seq: int) -> None:
        super().__init__(f"expected client_seq {expected_seq}")
        self.expected_seq = expected_seq


class CursorError(SyncError):
    """A pull cursor that was not issued by this server (tampered, or signed with another key)."""


class BlobError(SyncError):
    """An uploaded file that does not match its declared hash or size."""


class BlobRefused(BlobError):
    """Bytes the store does not take: not a kind of file it accepts (its content check said no)."""


class PendingLimit(BlobError):
    """An uploader's unfinished uploads would exceed what the store keeps for one uploader."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"unfinished uploads are limited to {limit} bytes per uploader")
        self.limit = limit
