"""Reference data every installation starts with (the ward's sections) and the demo accounts."""

from __future__ import annotations

import json
import secrets
import string
from dataclasses import dataclass
from pathlib import Path

from server.auth import service as auth_service
from server.inspections.templates import seed_rounds, seed_templates
from server.models import Role, Section, User
from server.samples import service as samples

DATA_DIR = Path(__file__).parent / "data"

DEMO_ACCOUNTS = (
    ("demo-staff", "デモ 係員", Role.STAFF, "kumin"),
    ("demo-okuyami", "デモ おくやみ担当", Role.OKUYAMI, "kumin"),
    ("demo-chief", "デモ 課長", Role.CHIEF, "kumin"),
    ("demo-manager", "デモ 管理者", Role.MANAGER, "somu"),
    ("demo-admin", "デモ システム管理者", Role.ADMIN, "somu"),
)


@dataclass(frozen=True)
class DemoLogin:
    login: str
    role: Role
    password: str


def _readable_password(length: int = 12) -> str:
    # Letters and digits only: easy to read aloud and never mistaken for a command-line option.
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


async def seed_sections() -> int:
    """Create the sections listed in ``data/sections.json`` that do not exist yet; returns how many."""
    created = 0
    rows = json.loads((DATA_DIR / "sections.json").read_text(encoding="utf-8"))
    for order, row in enumerate(rows, start=1):
        _, was_created = await Section.get_or_create(
            code=row["code"],
            defaults={"name": row["name"], "name_en": row["name_en"], "sort_order": order * 10},
        )
        created += int(was_created)
    return created


async def seed_demo(password: str | None = None) -> list[DemoLogin]:
    """Sections, the service-standard catalogue, plus one account per role. Existing demo accounts get
    the new password."""
    from server.compliance.service import seed_standards
    from server.plan.service import seed_plan

    await seed_sections()
    # What Madoguchi seeds as examples is marked as such until the ward adopts or replaces it.
    for family in await seed_templates():
        await samples.mark(samples.template_key(family))
    await seed_rounds()
    if await seed_standards():
        await samples.mark(samples.STANDARDS)
    await seed_plan()
    logins = []
    for login, name, role, section_code in DEMO_ACCOUNTS:
        section = await Section.get(code=section_code)
        secret = password or _readable_password()
        user = await User.get_or_none(login=login)
        if user is None:
            user = await auth_service.create_user(
                login=login, display_name=name, password=secret, role=role, section=section
            )
            if role is Role.STAFF:
                # The demo 係員 works at the counter and on the phone, so every standard applies.
                user.counter_duty = user.phone_duty = True
                await user.save()
        else:
            user.role, user.active, user.section_id = role, True, section.id
            user.counter_duty = user.phone_duty = role is Role.STAFF
            await user.save()
            await auth_service.set_password(user, secret)
        logins.append(DemoLogin(login=login, role=role, password=secret))
    return logins
