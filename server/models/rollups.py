"""Running totals (tallies) of the projections, so the dashboard reads a number of rows bounded by sections
and days or months, not by the number of answers, inspections or comments behind them.

Each tally is kept in step with its projection in the same transaction as the projection's change
(``server.rollups.tracking``) and can be rebuilt from the projections at any time
(``server.rollups.rebuild``).
A section of 0 stands for an answer or action without one, and for the whole ward where a tally has a scope.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class ComplianceTally(Model):
    """Self-check answers with a result per period, section and standard: how many, and of them kept,
    applicable (kept or not, so 該当なし is left out) and missed."""

    id = fields.IntField(primary_key=True)
    period = fields.CharField(max_length=7)
    section_id = fields.IntField()
    standard_code = fields.CharField(max_length=16)
    answers = fields.IntField(default=0)
    kept = fields.IntField(default=0)
    applicable = fields.IntField(default=0)
    missed = fields.IntField(default=0)

    class Meta:
        table = "compliance_tally"
        unique_together = (("period", "section_id", "standard_code"),)


class ComplianceSectionTally(Model):
    """The same per period and section only: the heat map reads sections × periods rows."""

    id = fields.IntField(primary_key=True)
    period = fields.CharField(max_length=7)
    section_id = fields.IntField()
    answers = fields.IntField(default=0)
    kept = fields.IntField(default=0)
    applicable = fields.IntField(default=0)

    class Meta:
        table = "compliance_section_tally"
        unique_together = (("period", "section_id"),)


class ComplianceStandardTally(Model):
    """The same per period and standard only: the ward's most-missed standards read standards × periods
    rows (one section's are read from ``compliance_tally``)."""

    id = fields.IntField(primary_key=True)
    period = fields.CharField(max_length=7)
    standard_code = fields.CharField(max_length=16)
    applicable = fields.IntField(default=0)
    missed = fields.IntField(default=0)

    class Meta:
        table = "compliance_standard_tally"
        unique_together = (("period", "standard_code"),)


class InspectionTally(Model):
    """Submitted inspections per day, section and template family, with their 適 and 不適 answers."""

    id = fields.IntField(primary_key=True)
    day = fields.DateField()
    section_id = fields.IntField()
    family = fields.CharField(max_length=40)
    inspections = fields.IntField(default=0)
    passed = fields.IntField(default=0)
    failed = fields.IntField(default=0)

    class Meta:
        table = "inspection_tally"
        unique_together = (("day", "section_id", "family"),)


class ActionOpenTally(Model):
    """Corrective actions not closed yet, per section, day raised and day due (9999-12-31 for none)."""

    id = fields.IntField(primary_key=True)
    section_id = fields.IntField()
    raised_on = fields.DateField()
    due_on = fields.DateField()
    actions = fields.IntField(default=0)

    class Meta:
        table = "action_open_tally"
        unique_together = (("section_id", "raised_on", "due_on"),)


class ActionClosedTally(Model):
    """Corrective actions closed per month (its first day) and section, and how many by their due date."""

    id = fields.IntField(primary_key=True)
    month = fields.DateField()
    section_id = fields.IntField()
    closed = fields.IntField(default=0)
    on_time = fields.IntField(default=0)

    class Meta:
        table = "action_closed_tally"
        unique_together = (("month", "section_id"),)


class ActionCloseDays(Model):
    """How many actions closed in a month took so many days: the histogram medians are read from.
    Scope 0 is the whole ward, any other the section."""

    id = fields.IntField(primary_key=True)
    scope = fields.IntField()
    month = fields.DateField()
    days = fields.IntField()
    actions = fields.IntField(default=0)

    class Meta:
        table = "action_close_days"
        unique_together = (("scope", "month", "days"),)


class FeedbackTally(Model):
    """Citizens' comments received per month and scope (0 the ward, else a section they concern), and how
    many of them were answered, published and led to an improvement."""

    id = fields.IntField(primary_key=True)
    scope = fields.IntField()
    month = fields.DateField()
    received = fields.IntField(default=0)
    answered = fields.IntField(default=0)
    published = fields.IntField(default=0)
    improved = fields.IntField(default=0)

    class Meta:
        table = "feedback_tally"
        unique_together = (("scope", "month"),)


class FeedbackAnswerDays(Model):
    """How many comments received in a month were answered after so many days, per scope as above."""

    id = fields.IntField(primary_key=True)
    scope = fields.IntField()
    month = fields.DateField()
    days = fields.IntField()
    comments = fields.IntField(default=0)

    class Meta:
        table = "feedback_answer_days"
        unique_together = (("scope", "month", "days"),)
