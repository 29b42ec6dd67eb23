"""おくやみコーナー: bereavement cases as the desk's pages read them, kept in step with the synced records.

Personal data (the answers and the deceased's name) is emptied when the retention period ends; what stays
(visit date, the procedures listed, handling time) is anonymous and feeds the statistics.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from server.config import DEFAULT_WARD


class OkuyamiCase(Model):
    id = fields.UUIDField(primary_key=True)
    ward = fields.CharField(max_length=8, default=DEFAULT_WARD, db_default=DEFAULT_WARD)  # the creator's
    visit_date = fields.DateField(null=True)
    notice_shown_at = fields.CharField(max_length=40, default="", db_default="")
    deceased_name = fields.CharField(max_length=200, default="", db_default="")
    answers = fields.TextField(default="{}")
    procedures = fields.TextField(default="[]")  # ids listed in the guide; anonymous, kept after purge
    progress = fields.TextField(default="{}")  # procedure id → guided / received / done / not_needed
    status = fields.CharField(max_length=12, default="open", db_default="open")
    closed_on = fields.DateField(null=True)
    handling_minutes = fields.IntField(null=True)
    created_by = fields.CharField(max_length=64, default="", db_default="")
    deleted = fields.BooleanField(default=False, db_default=False)
    purged = fields.BooleanField(default=False, db_default=False)
    contested = fields.BooleanField(default=False, db_default=False)
    version = fields.IntField(default=0, db_default=0)

    class Meta:
        table = "okuyami_case"
        indexes = [
            Index(fields=["visit_date"], name="idx_okuyami_case_visit"),
            Index(fields=["status"], name="idx_okuyami_case_status"),
            Index(fields=["ward", "deleted", "visit_date"], name="idx_okuyami_case_ward"),
        ]


class OkuyamiAppointment(Model):
    """A desk booking taken by phone: a slot of a day, who called. Kept only as long as the case is."""

    id = fields.IntField(primary_key=True)
    ward = fields.CharField(max_length=8, default=DEFAULT_WARD, db_default=DEFAULT_WARD)  # the desk's ward
    day = fields.DateField()
    slot = fields.IntField()
    caller_name = fields.CharField(max_length=100, default="", db_default="")
    caller_phone = fields.CharField(max_length=20, default="", db_default="")
    case_id = fields.UUIDField(null=True)  # the visit it became
    cancelled = fields.BooleanField(default=False, db_default=False)
    created_by = fields.CharField(max_length=64, default="", db_default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "okuyami_appointment"
        indexes = [
            Index(fields=["day", "slot"], name="idx_okuyami_appointment_day"),
            Index(fields=["ward", "day"], name="idx_okuyami_appointment_ward"),
        ]
