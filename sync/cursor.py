"""Pull cursors: opaque to clients, signed so a tampered one is refused, one position per scope."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field

from sync.errors import CursorError


@dataclass
class Cursor:
    epoch: int = 0
    positions: dict[str, int] = field(default_factory=dict)


def encode(cursor: Cursor, secret: bytes) -> str:
    body = json.dumps(
        {"e": cursor.epoch, "p": cursor.positions}, sort_keys=True, separators=(",", ":")
    ).encode()
    mac = hmac.new(secret, body, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(body + mac).decode().rstrip("=")


def decode(token: str, secret: bytes) -> Cursor:
    """The cursor of a token; an empty token is the start (nothing pulled yet)."""
    if not token:
        return Cursor()
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError):
        raise CursorError("the cursor is not valid") from None
    body, mac = raw[:-16], raw[-16:]
    if len(raw) < 17 or not hmac.compare_digest(mac, hmac.new(secret, body, hashlib.sha256).digest()[:16]):
        raise CursorError("the cursor is not valid")
    data = json.loads(body)
    return Cursor(epoch=int(data["e"]), positions={str(k): int(v) for k, v in data["p"].items()})
