"""The year's service improvement plan (サービス向上計画), its 方針 and items, and the teams that run it."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from server.i18n import N_
from server.models.accounts import User


class PlanStatus(StrEnum):
    DRAFT = "draft"  # 作成中: only 管理者 see it
    PUBLISHED = "published"  # 公開: every member of staff and the public page


class ServicePlan(Model):
    """One fiscal year's plan. Its texts are the ward's own words, kept as written."""

    id = fields.IntField(primary_key=True)
    fiscal_year = fields.IntField(unique=True)
    title = fields.CharField(max_length=200)
    purpose = fields.TextField()
    guidelines: list[dict[str, str]] = fields.JSONField(default=list)  # [{"name", "revised"}]
    policy_intro = fields.TextField(default="")
    principles: list[dict[str, str]] = fields.JSONField(
        default=list
    )  # 区役所サービスの理念 [{"name", "text"}]
    basic_policies: list[str] = fields.JSONField(default=list)  # 5つの基本方針
    organisational_goals = fields.TextField(default="")  # 組織目標, when the ward writes them into the plan
    groups: list[dict[str, str]] = fields.JSONField(
        default=list
    )  # 取組内容 (1)(2)(3) [{"code","title","text"}]
    city_required_note = fields.TextField(default="")
    status = fields.CharEnumField(PlanStatus, max_length=12, default=PlanStatus.DRAFT)
    published_at = fields.DatetimeField(null=True)
    published_by = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    policies: fields.ReverseRelation[PlanPolicy]
    items: fields.ReverseRelation[PlanItem]

    class Meta:
        table = "service_plan"
        table_description = "One fiscal year of the service improvement plan (サービス向上計画)"


class PlanPolicy(Model):
    """One of the year's サービス向上方針 (①–④). Section goals name the 方針 they are based on."""

    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyRelation[ServicePlan] = fields.ForeignKeyField(
        "models.ServicePlan", related_name="policies", on_delete=fields.CASCADE
    )
    number = fields.IntField()
    text = fields.TextField()

    class Meta:
        table = "plan_policy"
        table_description = "One of the years サービス向上方針, which section goals name"
        unique_together = (("plan", "number"),)
        ordering = ["number"]


class PlanItem(Model):
    """One item of the plan's 取組内容, with a code that stays the same from year to year."""

    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyRelation[ServicePlan] = fields.ForeignKeyField(
        "models.ServicePlan", related_name="items", on_delete=fields.CASCADE
    )
    code = fields.CharField(max_length=16)
    group = fields.CharField(max_length=16)
    title = fields.CharField(max_length=200)
    points: list[str] = fields.JSONField(default=list)
    city_required = fields.BooleanField(default=False)  # (※): required by the city's 指針
    sort_order = fields.IntField(default=0)

    class Meta:
        table = "plan_item"
        table_description = "One item of the plans 取組内容 with a code kept from year to year"
        unique_together = (("plan", "code"),)
        ordering = ["sort_order", "code"]


class TeamKind(StrEnum):
    WORKING = "working"  # ワーキングチーム
    COUNCIL = "council"  # サービス推進部会


TEAM_KIND_LABELS = {TeamKind.WORKING: N_("Working team"), TeamKind.COUNCIL: N_("Council")}


class Team(Model):
    """A working team of the 区役所サービス推進チーム, or the サービス推進部会 itself."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=100)
    kind = fields.CharEnumField(TeamKind, max_length=12, default=TeamKind.WORKING)
    duties: list[str] = fields.JSONField(default=list)  # what the plan gives the team to do
    plan_items: list[str] = fields.JSONField(default=list)  # codes of the plan items it is responsible for
    sort_order = fields.IntField(default=0)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "team"
        table_description = "A working team of the 区役所サービス推進チーム or the サービス推進部会"
        ordering = ["sort_order", "id"]


class TeamRole(StrEnum):
    MEMBER = "member"
    LEADER = "leader"


TEAM_ROLE_LABELS = {TeamRole.MEMBER: N_("Member"), TeamRole.LEADER: N_("Leader")}


class TeamMembership(Model):
    """A person in a team for one fiscal year; they keep their own section and role."""

    id = fields.IntField(primary_key=True)
    team: fields.ForeignKeyRelation[Team] = fields.ForeignKeyField(
        "models.Team", related_name="memberships", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="team_memberships", on_delete=fields.CASCADE
    )
    team_id: int
    user_id: int
    fiscal_year = fields.IntField()
    role = fields.CharEnumField(TeamRole, max_length=12, default=TeamRole.MEMBER)
    added_by = fields.CharField(max_length=64, default="")
    added_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "team_membership"
        table_description = "A person in a team for one fiscal year, keeping their own section and role"
        unique_together = (("team", "user", "fiscal_year"),)
