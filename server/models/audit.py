"""The audit log: who looked at or changed what, kept for accountability (personal data above all)."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class AuditEvent(Model):
    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True)
    # The login is copied so the entry stays readable after the account is renamed or removed.
    user_id = fields.IntField(null=True)
    login = fields.CharField(max_length=64, default="", db_default="")
    action = fields.CharField(max_length=64)
    target_type = fields.CharField(max_length=64, default="", db_default="")
    target_id = fields.CharField(max_length=64, default="", db_default="")
    detail: dict[str, object] = fields.JSONField(default=dict)
    ip = fields.CharField(max_length=64, default="", db_default="")

    class Meta:
        table = "audit_event"
        ordering = ["-at", "-id"]
        indexes = [
            Index(fields=["at"], name="idx_audit_at"),
            Index(fields=["target_type", "target_id"], name="idx_audit_target"),
        ]
