"""区役所サービス基準 and their self-checks: the versioned catalogue, periods, targets and answers."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from server.i18n import N_


class AppliesTo(StrEnum):
    """Who a standard is checked for: every member of staff, or only those at the counter or phone."""

    ALL = "all"
    COUNTER = "counter"
    PHONE = "phone"


class Result(StrEnum):
    COMPLIANT = "compliant"  # 遵守
    NONCOMPLIANT = "noncompliant"  # 未遵守
    NA = "na"  # 該当なし: not in the denominator


class CheckMode(StrEnum):
    INDIVIDUAL = "individual"  # each member of staff answers
    SECTION = "section"  # the section answers once, together


APPLIES_TO_LABELS = {
    AppliesTo.ALL: N_("All staff"),
    AppliesTo.COUNTER: N_("Counter staff"),
    AppliesTo.PHONE: N_("Telephone staff"),
}
RESULT_LABELS = {
    Result.COMPLIANT: N_("Kept"),
    Result.NONCOMPLIANT: N_("Not kept"),
    Result.NA: N_("Not applicable"),
}


class ServiceStandard(Model):
    """One standard as it reads now. Its code never changes, so rates stay comparable across rewordings."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=16, unique=True)
    group_key = fields.CharField(max_length=32)
    group_name = fields.CharField(max_length=100)
    group_name_en = fields.CharField(max_length=100, default="", db_default="")
    text = fields.CharField(max_length=300)
    # The English screen's wording of the current text. The Japanese text is the standard: changing only
    # the English does not make a new version.
    text_en = fields.CharField(max_length=300, default="", db_default="")
    applies_to = fields.CharEnumField(AppliesTo, max_length=16, default=AppliesTo.ALL)
    sort_order = fields.IntField(default=0, db_default=0)
    version = fields.IntField(default=1, db_default=1)
    active = fields.BooleanField(default=True, db_default=True)  # False once retired
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "service_standard"
        ordering = ["sort_order", "code"]

    def text_in(self, language: str) -> str:
        return self.text_en if language == "en" and self.text_en else self.text


class ServiceStandardVersion(Model):
    """Every wording a standard has had, and its retirement: what each past answer was given against."""

    id = fields.IntField(primary_key=True)
    standard: fields.ForeignKeyRelation[ServiceStandard] = fields.ForeignKeyField(
        "models.ServiceStandard", related_name="versions", on_delete=fields.CASCADE
    )
    version = fields.IntField()
    text = fields.CharField(max_length=300)
    applies_to = fields.CharEnumField(AppliesTo, max_length=16)
    group_key = fields.CharField(max_length=32)
    active = fields.BooleanField(default=True)
    changed_by = fields.CharField(max_length=64, default="", db_default="")
    changed_at = fields.DatetimeField(auto_now_add=True)

    standard_id: int

    class Meta:
        table = "service_standard_version"
        unique_together = (("standard", "version"),)
        ordering = ["standard_id", "version"]


class SelfCheckSchedule(Model):
    """How long a self-check period is in one fiscal year (monthly unless set otherwise)."""

    id = fields.IntField(primary_key=True)
    fiscal_year = fields.IntField(unique=True)
    months_per_period = fields.IntField(default=1)

    class Meta:
        table = "self_check_schedule"


class SelfCheckSetting(Model):
    """Whether a section answers person by person or once as a whole."""

    id = fields.IntField(primary_key=True)
    section_id = fields.IntField(unique=True)
    mode = fields.CharEnumField(CheckMode, max_length=16, default=CheckMode.INDIVIDUAL)

    class Meta:
        table = "self_check_setting"


class ComplianceTarget(Model):
    """The 遵守率 to reach in a fiscal year: ward-wide (section_id 0) or for one section."""

    id = fields.IntField(primary_key=True)
    fiscal_year = fields.IntField()
    section_id = fields.IntField(default=0)
    percent = fields.DecimalField(max_digits=5, decimal_places=1)
    set_by = fields.CharField(max_length=64, default="", db_default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "compliance_target"
        unique_together = (("fiscal_year", "section_id"),)


class SelfCheckConfirmation(Model):
    """The 課長 confirmed the self-check of the section for a period: its answers are locked from then on."""

    id = fields.IntField(primary_key=True)
    section_id = fields.IntField()
    period = fields.CharField(max_length=7)  # "2024-04": the period's first month
    confirmed_by = fields.CharField(max_length=64)
    confirmed_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "self_check_confirmation"
        unique_together = (("section_id", "period"),)


class SelfCheckReminder(Model):
    """A reminder from the 課長 to someone who has not answered yet, shown on their home page."""

    id = fields.IntField(primary_key=True)
    user_id = fields.IntField()
    section_id = fields.IntField()
    period = fields.CharField(max_length=7)
    sent_by = fields.CharField(max_length=64)
    sent_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "self_check_reminder"
        indexes = [Index(fields=["user_id", "period"], name="idx_self_check_reminder_user")]


class SelfCheckAnswer(Model):
    """One answer as reports read it: kept in step with the synced record on every change."""

    id = fields.UUIDField(primary_key=True)
    section_id = fields.IntField(null=True)
    period = fields.CharField(max_length=7, default="", db_default="")
    respondent = fields.CharField(max_length=32, default="", db_default="")  # "user:12" or "section:3"
    standard_code = fields.CharField(max_length=16, default="", db_default="")
    standard_version = fields.IntField(default=1, db_default=1)
    result = fields.CharField(max_length=16, null=True)
    note = fields.TextField(default="")
    status = fields.CharField(max_length=16, default="open", db_default="open")
    deleted = fields.BooleanField(default=False, db_default=False)
    contested = fields.BooleanField(default=False, db_default=False)
    version = fields.IntField(default=0, db_default=0)

    class Meta:
        table = "self_check_answer"
        indexes = [
            Index(fields=["section_id", "period"], name="idx_self_check_answer_section"),
            Index(fields=["period", "standard_code"], name="idx_self_check_answer_standard"),
            # Cover the dashboard's grouped counts, so a year's rates are read from the index alone.
            Index(fields=["period", "section_id", "deleted", "result"], name="idx_self_check_answer_rates"),
            Index(
                fields=["period", "standard_code", "deleted", "result"], name="idx_self_check_answer_missed"
            ),
        ]
