"""Plans: seeding the ward's first plan, copying a year's plan into the next, publishing."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from tortoise.transactions import in_transaction

from server.calendar_ja import era_year
from server.i18n import N_
from server.models import PlanItem, PlanPolicy, PlanStatus, ServicePlan, Team, TeamKind, User
from server.timekeeping import now

SEED_FILE = Path(__file__).resolve().parents[1] / "data" / "service_plan.json"
# 令和６年度 as the plan writes it: the era year in full-width digits.
_YEAR_IN_TEXT = re.compile(r"令和[0-9０-９元]+年度")
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


class PlanError(ValueError):
    """Why a plan cannot be changed this way; the message is a message id."""


def seed_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    return data


def year_in_words(year: int) -> str:
    """``2025`` → ``令和７年度``, in the plan's own style (full-width digits)."""
    name, era = era_year(date(year, 10, 1))
    return f"{name}{'元' if era == 1 else str(era).translate(_FULL_WIDTH)}年度"


async def seed_plan() -> bool:
    """The ward's plan the app starts with (令和６年度, word for word) and its teams; False when present."""
    data = seed_data()
    created = False
    if not await ServicePlan.exists(fiscal_year=data["fiscal_year"]):
        async with in_transaction():
            plan = await ServicePlan.create(
                fiscal_year=data["fiscal_year"],
                title=data["title"],
                purpose=data["purpose"],
                guidelines=data["guidelines"],
                policy_intro=data["policy_intro"],
                principles=data["principles"],
                basic_policies=data["basic_policies"],
                groups=data["groups"],
                city_required_note=data["city_required_note"],
                status=PlanStatus.PUBLISHED,
                published_at=now(),
                published_by="system",
            )
            for number, text in enumerate(data["policies"], start=1):
                await PlanPolicy.create(plan=plan, number=number, text=text)
            for order, item in enumerate(data["items"]):
                await PlanItem.create(
                    plan=plan,
                    code=item["code"],
                    group=item["group"],
                    title=item["title"],
                    points=item["points"],
                    city_required=item["city_required"],
                    sort_order=order,
                )
        created = True
    for order, team in enumerate(data["teams"]):
        await Team.get_or_create(
            code=team["code"],
            defaults={
                "name": team["name"],
                "kind": TeamKind(team["kind"]),
                "duties": team["duties"],
                "plan_items": team["items"],
                "sort_order": order * 10,
            },
        )
    return created


async def plan_for(year: int) -> ServicePlan | None:
    return await ServicePlan.get_or_none(fiscal_year=year).prefetch_related("policies", "items")


async def latest_published(up_to: int) -> ServicePlan | None:
    """The plan in force in ``up_to``: that year's, or the latest published before it."""
    plan = (
        await ServicePlan.filter(status=PlanStatus.PUBLISHED, fiscal_year__lte=up_to)
        .order_by("-fiscal_year")
        .first()
    )
    if plan is not None:
        await plan.fetch_related("policies", "items")
    return plan


async def copy_to_next(plan: ServicePlan) -> ServicePlan:
    """Next year's draft from this plan: every text copied, the year in the title and purpose moved on."""
    year = plan.fiscal_year + 1
    if await ServicePlan.exists(fiscal_year=year):
        raise PlanError(N_("That year already has a plan."))
    words = year_in_words(year)
    async with in_transaction():
        draft = await ServicePlan.create(
            fiscal_year=year,
            title=_YEAR_IN_TEXT.sub(words, plan.title),
            purpose=_YEAR_IN_TEXT.sub(words, plan.purpose),
            guidelines=plan.guidelines,
            policy_intro=plan.policy_intro,
            principles=plan.principles,
            basic_policies=plan.basic_policies,
            organisational_goals=plan.organisational_goals,
            groups=plan.groups,
            city_required_note=plan.city_required_note,
            status=PlanStatus.DRAFT,
        )
        for policy in await plan.policies.all():
            await PlanPolicy.create(plan=draft, number=policy.number, text=policy.text)
        for item in await plan.items.all():
            await PlanItem.create(
                plan=draft,
                code=item.code,
                group=item.group,
                title=item.title,
                points=item.points,
                city_required=item.city_required,
                sort_order=item.sort_order,
            )
    return draft


async def save_draft(plan: ServicePlan, edited: dict[str, Any]) -> None:
    """Write an edited draft (already checked by ``forms.parse_plan``). A published plan is the ward's
    record of that year and is not rewritten."""
    if plan.status is not PlanStatus.DRAFT:
        raise PlanError(N_("A published plan cannot be changed."))
    async with in_transaction():
        plan.title = edited["title"]
        plan.purpose = edited["purpose"]
        plan.organisational_goals = edited["organisational_goals"]
        await plan.save(update_fields=["title", "purpose", "organisational_goals"])
        await PlanPolicy.filter(plan=plan).delete()
        for number, text in enumerate(edited["policies"], start=1):
            await PlanPolicy.create(plan=plan, number=number, text=text)
        for item in await plan.items.all():
            if item.code in edited["items"]:
                item.points = edited["items"][item.code]["points"]
                item.city_required = edited["items"][item.code]["city_required"]
                await item.save(update_fields=["points", "city_required"])


async def publish(plan: ServicePlan, user: User) -> None:
    if plan.status is PlanStatus.PUBLISHED:
        raise PlanError(N_("This plan is already published."))
    if not await plan.policies.all().exists():
        raise PlanError(N_("A plan needs at least one service improvement policy before it is published."))
    plan.status = PlanStatus.PUBLISHED
    plan.published_at = now()
    plan.published_by = user.login
    await plan.save(update_fields=["status", "published_at", "published_by"])
