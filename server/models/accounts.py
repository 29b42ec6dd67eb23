"""Sections (課) of the ward office and the staff accounts that belong to them."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from server.config import DEFAULT_WARD
from server.i18n import N_


class Role(StrEnum):
    """What a person does in the plan; every route declares which of these may use it."""

    STAFF = "staff"  # 係員: inspections, self-checks, feedback entry
    OKUYAMI = "okuyami"  # おくやみ担当: the bereavement desk
    CHIEF = "chief"  # 課長: approves, sees the section
    MANAGER = "manager"  # 管理者: plan owner, sees everything
    ADMIN = "admin"  # システム管理者: users, sections, templates


class Section(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=100)
    name_en = fields.CharField(max_length=100, default="", db_default="")
    sort_order = fields.IntField(default=0, db_default=0)
    active = fields.BooleanField(default=True, db_default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    users: fields.ReverseRelation[User]

    class Meta:
        table = "section"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class User(Model):
    id = fields.IntField(primary_key=True)
    login = fields.CharField(max_length=64, unique=True)
    display_name = fields.CharField(max_length=100)
    password_hash = fields.CharField(max_length=255)
    role = fields.CharEnumField(Role, max_length=16)
    section: fields.ForeignKeyNullableRelation[Section] = fields.ForeignKeyField(
        "models.Section", related_name="users", null=True, on_delete=fields.RESTRICT
    )
    active = fields.BooleanField(default=True, db_default=True)
    language = fields.CharField(max_length=8, default="", db_default="")
    # The ward (区) the person works for: bereavement cases are seen only within it. Accounts created in
    # the app take the deployment's DEFAULT_WARD unless the administrator chooses another.
    ward = fields.CharField(max_length=8, default=DEFAULT_WARD, db_default=DEFAULT_WARD)
    # Which service standards apply to the person: some concern only counter or telephone work.
    counter_duty = fields.BooleanField(default=False, db_default=False)
    phone_duty = fields.BooleanField(default=False, db_default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_login_at = fields.DatetimeField(null=True)
    password_changed_at = fields.DatetimeField(null=True)

    section_id: int | None

    class Meta:
        table = "app_user"
        ordering = ["login"]
        indexes = [Index(fields=["section_id"], name="idx_user_section")]

    def __str__(self) -> str:
        return self.display_name


# The Japanese titles (係員, 課長, …) come from the catalog.
ROLE_LABELS = {
    Role.STAFF: N_("Staff"),
    Role.OKUYAMI: N_("Bereavement desk"),
    Role.CHIEF: N_("Section chief"),
    Role.MANAGER: N_("Manager"),
    Role.ADMIN: N_("System administrator"),
}

# Ward names as shown in English; the stored value is always the Japanese name (server.config.KAWASAKI_WARDS).
WARD_LABELS = {
    "川崎区": N_("Kawasaki Ward"),
    "幸区": N_("Saiwai Ward"),
    "中原区": N_("Nakahara Ward"),
    "高津区": N_("Takatsu Ward"),
    "宮前区": N_("Miyamae Ward"),
    "多摩区": N_("Tama Ward"),
    "麻生区": N_("Asao Ward"),
}
