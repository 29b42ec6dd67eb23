"""ひと言ポスト: citizens' comments as list pages read them (kept in step with the synced records), and
the public form's rate limit."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class Feedback(Model):
    id = fields.UUIDField(primary_key=True)
    reference = fields.CharField(max_length=20, default="", db_default="")
    received_on = fields.DateField(null=True)
    channel = fields.CharField(max_length=12, default="box", db_default="box")
    text = fields.TextField(default="")
    place = fields.CharField(max_length=200, default="", db_default="")
    wants_answer = fields.BooleanField(default=False, db_default=False)
    contact = fields.CharField(max_length=200, default="", db_default="")
    category = fields.CharField(max_length=20, default="", db_default="")
    kind = fields.CharField(max_length=12, default="", db_default="")
    standard_code = fields.CharField(max_length=12, default="", db_default="")
    section_ids = fields.CharField(max_length=200, default="[]", db_default="[]")
    status = fields.CharField(max_length=12, default="received", db_default="received")
    answer = fields.TextField(default="")
    answered_on = fields.DateField(null=True)
    published_comment = fields.TextField(default="")
    published_answer = fields.TextField(default="")
    published_on = fields.DateField(null=True)
    action_ids = fields.TextField(default="[]")
    improved = fields.BooleanField(default=False, db_default=False)
    created_by = fields.CharField(max_length=64, default="", db_default="")
    deleted = fields.BooleanField(default=False, db_default=False)
    contested = fields.BooleanField(default=False, db_default=False)
    version = fields.IntField(default=0, db_default=0)

    class Meta:
        table = "feedback"
        indexes = [
            Index(fields=["received_on"], name="idx_feedback_received"),
            Index(fields=["status"], name="idx_feedback_status"),
            Index(fields=["reference"], name="idx_feedback_reference"),
            # Covers the dashboard's funnel and response times.
            Index(
                fields=["received_on", "deleted", "answered_on", "status", "improved"],
                name="idx_feedback_funnel",
            ),
        ]


class FeedbackSection(Model):
    """Which sections a comment concerns, one row each, so counts per section are plain queries."""

    id = fields.IntField(primary_key=True)
    feedback_id = fields.UUIDField()
    section_id = fields.IntField()

    class Meta:
        table = "feedback_section"
        indexes = [Index(fields=["section_id"], name="idx_feedback_section")]
