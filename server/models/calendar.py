"""Days the ward office is closed besides weekends, national holidays and the New Year break."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class OfficeClosure(Model):
    """A day the ward's office is closed for its own reason (an election count, building work)."""

    id = fields.IntField(primary_key=True)
    ward = fields.CharField(max_length=8)
    day = fields.DateField()
    reason = fields.CharField(max_length=100)
    created_by = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "office_closure"
        unique_together = (("ward", "day"),)
        table_description = "Days a ward office is closed for its own reasons"
