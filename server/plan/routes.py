"""``/plan``: the year's plan for every member of staff (kept for offline reading like any page they
open); the 管理者 drafts next year's from this year's, edits and publishes it. ``/voice/plan``: the
published plan for residents."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server.audit import record
from server.auth.guards import PUBLIC, SIGNED_IN, roles
from server.calendar_ja import fiscal_year
from server.form_body import FormBody
from server.models import PlanStatus, Role, ServicePlan, Team, User
from server.plan import service
from server.plan.forms import MAX_POLICIES, PlanForm, parse_plan
from server.rendering import render
from server.timekeeping import today

MANAGERS = roles(Role.MANAGER)
YEARS = range(2000, 2101)


def _user(request: Request[Any, Any, Any]) -> User:
    user: User = request.scope["state"]["user"]
    return user


async def _plan(year: int, user: User | None) -> ServicePlan:
    """The year's plan as this person may see it: drafts are the 管理者's until published."""
    plan = await service.plan_for(year) if year in YEARS else None
    if plan is None or (plan.status is PlanStatus.DRAFT and (user is None or user.role is not Role.MANAGER)):
        raise NotFoundException("No plan for this year.")
    return plan


async def _page(request: Request[Any, Any, Any], plan: ServicePlan, **extra: Any) -> Template:
    user = _user(request)
    teams = await Team.filter(active=True)
    current = fiscal_year(today())
    return render(
        request,
        "plan/show.html",
        {
            "plan": plan,
            "policies": list(plan.policies),
            "items": list(plan.items),
            "teams_by_item": {
                item.code: [t for t in teams if item.code in t.plan_items] for item in plan.items
            },
            "is_manager": user.role is Role.MANAGER,
            "next_exists": await ServicePlan.exists(fiscal_year=plan.fiscal_year + 1),
            "current_year": current,
            **extra,
        },
    )


@get("/plan", opt=SIGNED_IN)
async def current_plan(request: Request[Any, Any, Any]) -> Template:
    """This fiscal year's plan, or the latest one published before it (the page says which)."""
    year = fiscal_year(today())
    plan = await service.latest_published(year)
    if plan is None:
        return render(
            request, "plan/none.html", {"year": year, "is_manager": _user(request).role is Role.MANAGER}
        )
    return await _page(request, plan, showing_older=plan.fiscal_year != year)


@get("/plan/{year:int}", opt=SIGNED_IN)
async def plan_of_year(request: Request[Any, Any, Any], year: FromPath[int]) -> Template:
    return await _page(request, await _plan(year, _user(request)), showing_older=False)


def _editor(
    request: Request[Any, Any, Any], plan: ServicePlan, form: PlanForm, status: int = 200
) -> Template:
    policies = form.values.get("policies") or [p.text for p in plan.policies]
    boxes = [*policies, *[""] * (MAX_POLICIES - len(policies))][: max(len(policies) + 1, 4)]
    items = form.values.get("items") or {
        i.code: {"points": i.points, "city_required": i.city_required} for i in plan.items
    }
    return render(
        request,
        "plan/edit.html",
        {"plan": plan, "form": form, "policy_boxes": boxes, "items": list(plan.items), "item_values": items},
        status_code=status,
    )


@get("/plan/{year:int}/edit", opt=MANAGERS)
async def edit_plan(request: Request[Any, Any, Any], year: FromPath[int]) -> Template | Redirect:
    plan = await _plan(year, _user(request))
    if plan.status is not PlanStatus.DRAFT:
        return Redirect(f"/plan/{year}")
    return _editor(request, plan, PlanForm())


@post("/plan/{year:int}/edit", opt=MANAGERS)
async def save_plan(
    request: Request[Any, Any, Any], year: FromPath[int], data: FormBody
) -> Template | Redirect:
    plan = await _plan(year, _user(request))
    if plan.status is not PlanStatus.DRAFT:
        return Redirect(f"/plan/{year}")
    form = parse_plan(data, [i.code for i in plan.items])
    if form.errors:
        return _editor(request, plan, form, status=422)
    await service.save_draft(plan, form.values)
    await record(request, "plan.draft_saved", target_type="service_plan", target_id=plan.id)
    return Redirect(f"/plan/{year}/edit?saved=1")


@post("/plan/{year:int}/copy", opt=MANAGERS)
async def copy_plan(request: Request[Any, Any, Any], year: FromPath[int]) -> Redirect:
    """Next year's draft starts as a copy of this plan."""
    plan = await _plan(year, _user(request))
    try:
        draft = await service.copy_to_next(plan)
    except service.PlanError:
        return Redirect(f"/plan/{year + 1}/edit")
    await record(
        request,
        "plan.drafted",
        target_type="service_plan",
        target_id=draft.id,
        detail={"from_year": year, "year": draft.fiscal_year},
    )
    return Redirect(f"/plan/{draft.fiscal_year}/edit")


@post("/plan/{year:int}/publish", opt=MANAGERS)
async def publish_plan(request: Request[Any, Any, Any], year: FromPath[int]) -> Template | Redirect:
    user = _user(request)
    plan = await _plan(year, user)
    try:
        await service.publish(plan, user)
    except service.PlanError as refused:
        return await _page(request, plan, showing_older=False, error=str(refused))
    await record(
        request, "plan.published", target_type="service_plan", target_id=plan.id, detail={"year": year}
    )
    return Redirect(f"/plan/{year}")


@get("/voice/plan", opt=PUBLIC)
async def public_plan(request: Request[Any, Any, Any]) -> Template:
    """The plan in force, for residents: the same texts, nothing internal."""
    plan = await service.latest_published(fiscal_year(today()))
    if plan is None:
        raise NotFoundException("No plan has been published yet.")
    return render(
        request,
        "plan/public.html",
        {"plan": plan, "policies": list(plan.policies), "items": list(plan.items)},
    )


routes = [current_plan, plan_of_year, edit_plan, save_plan, copy_plan, publish_plan, public_plan]
