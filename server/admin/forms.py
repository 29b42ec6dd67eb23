"""Validating the account and section forms; errors are message ids shown beside the field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from server.auth.password_policy import office_names, password_problem
from server.config import DEFAULT_WARD, KAWASAKI_WARDS
from server.i18n import N_
from server.models import Role

LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


@dataclass
class UserForm:
    login: str = ""
    display_name: str = ""
    role: str = Role.STAFF.value
    section_id: str = ""
    ward: str = ""
    active: bool = True
    counter_duty: bool = False
    phone_duty: bool = False
    password: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def parse_user(
    data: dict[str, str],
    *,
    creating: bool,
    section_ids: set[int],
    ward: str = DEFAULT_WARD,
    login: str | None = None,
    office_name: str = "",
) -> UserForm:
    """``ward``: what a form without the field keeps (the deployment's default, or the person's ward);
    ``login``: the existing account's (the edit form has no login field); ``office_name``: the configured
    name of the office, which a password must not contain."""
    form = UserForm(
        login=login if login is not None else data.get("login", "").strip().lower(),
        display_name=data.get("display_name", "").strip(),
        role=data.get("role", ""),
        section_id=data.get("section_id", ""),
        ward=data.get("ward", ward),
        active=data.get("active") == "on",
        counter_duty=data.get("counter_duty") == "on",
        phone_duty=data.get("phone_duty") == "on",
        password=data.get("password", ""),
    )
    if creating and not LOGIN_PATTERN.match(form.login):
        form.errors["login"] = N_("Use 2–64 lower-case letters, digits, dots, hyphens or underscores.")
    if not form.display_name:
        form.errors["display_name"] = N_("Enter the person's name.")
    elif len(form.display_name) > 100:
        form.errors["display_name"] = N_("The name is too long (100 characters at most).")
    if form.role not in {r.value for r in Role}:
        form.errors["role"] = N_("Choose a role.")
    if form.section_id:
        if not form.section_id.isdigit() or int(form.section_id) not in section_ids:
            form.errors["section_id"] = N_("Choose a section from the list.")
    elif form.role in {Role.STAFF.value, Role.CHIEF.value}:
        form.errors["section_id"] = N_("Staff and section chiefs belong to a section.")
    if form.ward not in KAWASAKI_WARDS:
        form.errors["ward"] = N_("Choose a ward from the list.")
    if creating or form.password:
        problem = password_problem(
            form.password, login=form.login, office_names=office_names(office_name, form.ward)
        )
        if problem:
            form.errors["password"] = problem
    return form


@dataclass
class SectionForm:
    code: str = ""
    name: str = ""
    name_en: str = ""
    sort_order: str = "0"
    active: bool = True
    errors: dict[str, str] = field(default_factory=dict)


def parse_section(data: dict[str, str]) -> SectionForm:
    form = SectionForm(
        code=data.get("code", "").strip().lower(),
        name=data.get("name", "").strip(),
        name_en=data.get("name_en", "").strip(),
        sort_order=data.get("sort_order", "0").strip() or "0",
        active=data.get("active") == "on",
    )
    if not CODE_PATTERN.match(form.code):
        form.errors["code"] = N_("Use up to 32 lower-case letters, digits, hyphens or underscores.")
    if not form.name or len(form.name) > 100:
        form.errors["name"] = N_("Enter the section's name (100 characters at most).")
    if len(form.name_en) > 100:
        form.errors["name_en"] = N_("The name is too long (100 characters at most).")
    if not re.fullmatch(r"-?\d{1,6}", form.sort_order):
        form.errors["sort_order"] = N_("Enter a whole number.")
    return form
