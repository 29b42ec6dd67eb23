"""Tablets and browsers that sync: each is bound to the person who registered it and can be revoked."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from server.models.accounts import User


class Device(Model):
    # The client id the tablet generated for its IndexedDB database (one per installed app and person).
    client_id = fields.UUIDField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="devices", on_delete=fields.RESTRICT
    )
    label = fields.CharField(max_length=100, default="", db_default="")
    user_agent = fields.CharField(max_length=300, default="", db_default="")
    registered_at = fields.DatetimeField(auto_now_add=True)
    last_seen_at = fields.DatetimeField(null=True)
    last_sync_at = fields.DatetimeField(null=True)
    # What the tablet last said it still had to send: shown on the sync-health panel.
    unsent_reported = fields.IntField(default=0, db_default=0)
    revoked_at = fields.DatetimeField(null=True)
    revoked_by = fields.CharField(max_length=64, default="", db_default="")

    user_id: int

    class Meta:
        table = "sync_device"
        ordering = ["-last_seen_at"]
        indexes = [Index(fields=["user_id"], name="idx_device_user")]

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
