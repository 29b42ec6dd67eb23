"""課のサービス向上目標: each section's service goals for the fiscal year, editable offline on a tablet."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from server.auth.guards import roles
from server.calendar_ja import fiscal_year
from server.conflicts.service import FIELD_LABELS
from server.form_body import FormBody
from server.goals.forms import GoalForm, parse_goal
from server.models import Role, Section, SectionGoal, User
from server.rendering import render
from server.state import AppState
from server.sync_api.registry import SECTION_GOALS
from server.timekeeping import today
from sync import Kind

GOAL_USERS = roles(Role.STAFF, Role.CHIEF, Role.MANAGER)


def _user(request: Request[Any, Any, Any]) -> User:
    user: User = request.scope["state"]["user"]
    return user


@get("/goals", opt=GOAL_USERS)
async def list_goals(request: Request[Any, Any, Any], year: FromQuery[int | None] = None) -> Template:
    """The fiscal year's goals: one's own section, or every section for a manager."""
    user = _user(request)
    year = year or fiscal_year(today())
    query = SectionGoal.filter(fiscal_year=year, deleted=False)
    if user.role is not Role.MANAGER:
        query = query.filter(section_id=user.section_id)
    goals = await query.order_by("section_id", "title")
    sections = {s.id: s for s in await Section.all()}
    return render(
        request,
        "goals/index.html",
        {"goals": goals, "sections": sections, "year": year, "new_id": str(uuid.uuid4())},
    )


async def _goal(request: Request[Any, Any, Any], goal_id: uuid.UUID) -> tuple[dict[str, Any], int, list[str]]:
    state: AppState = request.app.state.madoguchi
    record = (await state.sync.store.get_records([("section_goals", str(goal_id))])).get(
        ("section_goals", str(goal_id))
    )
    if record is None or record.deleted:
        raise NotFoundException()
    values = record.values(SECTION_GOALS)
    user = _user(request)
    if user.role is not Role.MANAGER and values["section_id"] != user.section_id:
        raise PermissionDeniedException()
    return values, record.version, record.contested_fields()


@get("/goals/{goal_id:uuid}", opt=GOAL_USERS)
async def edit_goal(request: Request[Any, Any, Any], goal_id: FromPath[uuid.UUID]) -> Template:
    """One goal: its indicator, target and progress through the year."""
    values, version, contested = await _goal(request, goal_id)
    form = parse_goal({k: str(values[k] or "") for k in ("title", "indicator", "target", "progress")})
    form.errors.clear()
    return render(
        request,
        "goals/edit.html",
        {
            "form": form,
            "goal_id": str(goal_id),
            "version": version,
            "contested": contested,
            "field_labels": FIELD_LABELS,
        },
    )


@post("/goals/{goal_id:uuid}", opt=GOAL_USERS)
async def save_goal(
    request: Request[Any, Any, Any], goal_id: FromPath[uuid.UUID], data: FormBody
) -> Template | Redirect:
    """Save from a browser without script: the change goes through the same sync pipeline as a tablet's."""
    values, version, contested = await _goal(request, goal_id)
    form = parse_goal(data)
    if form.errors:
        context = {
            "form": form,
            "goal_id": str(goal_id),
            "version": version,
            "contested": contested,
            "field_labels": FIELD_LABELS,
        }
        return render(request, "goals/edit.html", context, status_code=422)
    base = int(data.get("base_version", version) or version)
    changed = {k: v for k, v in form.values().items() if v != (values[k] or "")}
    if changed:
        state: AppState = request.app.state.madoguchi
        await state.sync.web_write(_user(request), "section_goals", str(goal_id), Kind.PATCH, changed, base)
    return Redirect(f"/goals/{goal_id}")


@post("/goals/new", opt=GOAL_USERS)
async def create_goal(request: Request[Any, Any, Any], data: FormBody) -> Template | Redirect:
    """A new goal for one's own section in the current fiscal year."""
    form = parse_goal(data)
    user = _user(request)
    if form.errors:
        context = {
            "form": form,
            "new_id": data.get("id") or str(uuid.uuid4()),
            "today_fiscal_year": fiscal_year(today()),
        }
        return render(request, "goals/new.html", context, status_code=422)
    goal_id = data.get("id") or str(uuid.uuid4())
    state: AppState = request.app.state.madoguchi
    fields = {**form.values(), "section_id": user.section_id, "fiscal_year": fiscal_year(today())}
    await state.sync.web_write(user, "section_goals", str(uuid.UUID(goal_id)), Kind.CREATE, fields, None)
    return Redirect("/goals")


@get("/goals/new", opt=GOAL_USERS)
async def new_goal(request: Request[Any, Any, Any]) -> Template:
    """Form for a new goal."""
    context = {"form": GoalForm(), "new_id": str(uuid.uuid4()), "today_fiscal_year": fiscal_year(today())}
    return render(request, "goals/new.html", context)


routes = [list_goals, new_goal, create_goal, edit_goal, save_goal]
