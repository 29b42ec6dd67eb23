"""Server-side sessions and failed-login records, kept in the database so several app instances share them."""

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


class LoginFailure(Model):
    id = fields.BigIntField(primary_key=True)
    login = fields.CharField(max_length=64)
    ip = fields.CharField(max_length=64)
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "login_failure"
        indexes = [
            Index(fields=["login", "at"], name="idx_login_failure_login"),
            Index(fields=["ip", "at"], name="idx_login_failure_ip"),
        ]
