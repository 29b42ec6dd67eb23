"""Server-side sessions and the attempt counters of sign-in and the public form, kept in the database
so several app instances share them."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class WebSession(Model):
    key = fields.CharField(max_length=128, primary_key=True)
    data = fields.BinaryField()
    expires_at = fields.DatetimeField(null=True)

    class Meta:
        table = "web_session"
        indexes = [Index(fields=["expires_at"], name="idx_session_expires")]


class RateLimit(Model):
    """Attempts per key (a login name, an address, a hashed address of the public form) in the current
    window. ``server.throttle`` counts and decides in one statement, so parallel requests cannot slip past."""

    bucket = fields.CharField(max_length=160, primary_key=True)
    window_start_ms = fields.BigIntField()
    attempts = fields.IntField()

    class Meta:
        table = "rate_limit"
