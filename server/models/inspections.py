"""職場点検: templates (versioned), rounds (schedules), and the typed tables list pages and reports read.

Inspections, their answers and corrective actions are synced records (``sync_record``); the tables here
are projections kept in step with them on every change, so lists, filters and reports are plain queries.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class TemplateStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class InspectionTemplate(Model):
    """One version of a template. Versions of one template share family, and items keep stable keys.

    The body is JSON: a list of parts, each with key, title, title_en and items (key, text, type, ...).
    """

    id = fields.IntField(primary_key=True)
    family = fields.CharField(max_length=40)
    version = fields.IntField()
    status = fields.CharEnumField(TemplateStatus, max_length=12, default=TemplateStatus.DRAFT)
    name = fields.CharField(max_length=200)
    name_en = fields.CharField(max_length=200, default="", db_default="")
    frequency_months = fields.IntField(default=1, db_default=1)
    body = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)
    published_at = fields.DatetimeField(null=True)
    published_by = fields.CharField(max_length=64, default="", db_default="")

    class Meta:
        table = "inspection_template"
        unique_together = (("family", "version"),)


class InspectionRound(Model):
    """A schedule: this section is inspected with this template family every so many months."""

    id = fields.IntField(primary_key=True)
    section_id = fields.IntField()
    family = fields.CharField(max_length=40)
    every_months = fields.IntField(default=1, db_default=1)
    active = fields.BooleanField(default=True, db_default=True)

    class Meta:
        table = "inspection_round"
        unique_together = (("section_id", "family"),)


class Inspection(Model):
    id = fields.UUIDField(primary_key=True)
    template_id = fields.IntField(null=True)
    family = fields.CharField(max_length=40, default="", db_default="")
    section_id = fields.IntField(null=True)
    place = fields.CharField(max_length=200, default="", db_default="")
    status = fields.CharField(max_length=20, default="draft", db_default="draft")
    inspector = fields.CharField(max_length=64, default="", db_default="")
    started_on = fields.DateField(null=True)
    submitted_on = fields.DateField(null=True)
    passed = fields.IntField(default=0, db_default=0)
    failed = fields.IntField(default=0, db_default=0)
    not_applicable = fields.IntField(default=0, db_default=0)
    answered = fields.IntField(default=0, db_default=0)
    deleted = fields.BooleanField(default=False, db_default=False)
    contested = fields.BooleanField(default=False, db_default=False)
    version = fields.IntField(default=0, db_default=0)

    class Meta:
        table = "inspection"
        indexes = [
            Index(fields=["section_id", "submitted_on"], name="idx_inspection_section_date"),
            Index(fields=["family", "section_id"], name="idx_inspection_family"),
            # Covers the dashboard's per-section score, read from the index alone.
            Index(
                fields=["submitted_on", "status", "deleted", "section_id", "passed", "failed"],
                name="idx_inspection_scores",
            ),
        ]


class InspectionAnswer(Model):
    id = fields.UUIDField(primary_key=True)
    inspection_id = fields.UUIDField()
    item_key = fields.CharField(max_length=60)
    result = fields.CharField(max_length=12, default="", db_default="")
    value = fields.TextField(default="")
    note = fields.TextField(default="")
    photos = fields.TextField(default="[]")
    repeat = fields.BooleanField(default=False, db_default=False)
    deleted = fields.BooleanField(default=False, db_default=False)
    contested = fields.BooleanField(default=False, db_default=False)

    class Meta:
        table = "inspection_answer"
        indexes = [
            Index(fields=["inspection_id"], name="idx_inspection_answer_insp"),
            Index(fields=["item_key", "result"], name="idx_inspection_answer_item"),
        ]


class CorrectiveAction(Model):
    id = fields.UUIDField(primary_key=True)
    section_id = fields.IntField(null=True)
    title = fields.CharField(max_length=200, default="", db_default="")
    description = fields.TextField(default="")
    status = fields.CharField(max_length=20, default="raised", db_default="raised")
    priority = fields.CharField(max_length=10, default="normal", db_default="normal")
    assignee = fields.CharField(max_length=64, default="", db_default="")
    due_on = fields.DateField(null=True)
    raised_by = fields.CharField(max_length=64, default="", db_default="")
    raised_on = fields.DateField(null=True)
    closed_on = fields.DateField(null=True)
    fiscal_year = fields.IntField(null=True)
    inspection_id = fields.UUIDField(null=True)
    answer_id = fields.UUIDField(null=True)
    item_key = fields.CharField(max_length=60, default="", db_default="")
    place = fields.CharField(max_length=200, default="", db_default="")
    report_note = fields.TextField(default="")
    deleted = fields.BooleanField(default=False, db_default=False)
    contested = fields.BooleanField(default=False, db_default=False)
    version = fields.IntField(default=0, db_default=0)

    class Meta:
        table = "corrective_action"
        indexes = [
            Index(fields=["section_id", "status"], name="idx_action_section_status"),
            Index(fields=["due_on"], name="idx_action_due"),
            # The dashboard counts actions closed after the day it looks back to as open on that day,
            # reading them from this index alone.
            Index(
                fields=["closed_on", "deleted", "raised_on", "section_id", "due_on"], name="idx_action_closed"
            ),
        ]
