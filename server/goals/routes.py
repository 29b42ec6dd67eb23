"""課のサービス向上目標: each section's service goals for the fiscal year, editable offline on a tablet,
with the standards they work on, progress, a mid-year review and a year-end evaluation."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from server.audit import record
from server.auth.guards import roles
from server.calendar_ja import fiscal_year
from server.conflicts.service import FIELD_LABELS
from server.flash import flash
from server.form_body import FormBody
from server.goals.forms import STATUS_LABELS, GoalForm, parse_goal
from server.goals.synced import SECTION_GOALS
from server.i18n import N_
from server.models import Role, Section, SectionGoal, ServiceStandard, User
from server.rendering import render
from server.state import AppState
from server.timekeeping import today
from sync import Kind

GOAL_USERS = roles(Role.STAFF, Role.CHIEF, Role.MANAGER)
SUPERVISORS = roles(Role.CHIEF, Role.MANAGER)
_NEXT_YEAR = uuid.UUID("5d2b8f64-1c1e-4f0b-8a51-93e0c7a2d4b6")


def _user(request: Request[Any, Any, Any]) -> User:
    user: User = request.scope["state"]["user"]
    return user


async def _standards() -> list[ServiceStandard]:
    return await ServiceStandard.filter(active=True).order_by("sort_order", "code")


async def _posted(request: Request[Any, Any, Any]) -> tuple[dict[str, str], list[str]]:
    """The posted form: one value per field, and every ticked ``standards`` (several share the name)."""
    form = await request.form()
    single = {key: str(form.get(key)) for key in form}
    return single, [str(v) for v in form.getall("standards")] if "standards" in form else []


def _context(form: GoalForm, standards: list[ServiceStandard], **extra: Any) -> dict[str, Any]:
    return {"form": form, "standards": standards, "status_labels": STATUS_LABELS, **extra}


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
        {
            "goals": goals,
            "sections": sections,
            "year": year,
            "new_id": str(uuid.uuid4()),
            "status_labels": STATUS_LABELS,
            "can_copy": user.role in (Role.CHIEF, Role.MANAGER) and bool(goals),
            "copied": request.query_params.get("copied"),
        },
    )


@get("/goals/overview", opt=roles(Role.MANAGER))
async def overview(request: Request[Any, Any, Any], year: FromQuery[int | None] = None) -> Template:
    """Every section's goals and their status on one page, sections without goals included."""
    year = year or fiscal_year(today())
    goals = await SectionGoal.filter(fiscal_year=year, deleted=False).order_by("title")
    by_section: dict[int, list[SectionGoal]] = {}
    for goal in goals:
        by_section.setdefault(goal.section_id or 0, []).append(goal)
    sections = await Section.filter(active=True).order_by("sort_order")
    return render(
        request,
        "goals/overview.html",
        {"year": year, "sections": sections, "by_section": by_section, "status_labels": STATUS_LABELS},
    )


@post("/goals/copy-forward", opt=SUPERVISORS)
async def copy_forward(request: Request[Any, Any, Any], data: FormBody) -> Redirect:
    """Copy the year's goals into the next fiscal year (the section's, or every section's for a manager):
    the goal, indicator, target and linked standards; progress and reviews start empty. Copying twice
    creates nothing new: each copy has an id derived from its original."""
    user = _user(request)
    raw = data.get("year", "")
    year = int(raw) if raw.isdigit() else fiscal_year(today())
    query = SectionGoal.filter(fiscal_year=year, deleted=False)
    if user.role is not Role.MANAGER:
        query = query.filter(section_id=user.section_id)
    sources = await query
    copies = {str(uuid.uuid5(_NEXT_YEAR, str(g.id))): g for g in sources}
    existing = {str(i) for i in await SectionGoal.filter(id__in=list(copies)).values_list("id", flat=True)}
    changes: list[tuple[str, str, Kind, dict[str, Any], int | None]] = [
        (
            "section_goals",
            copy_id,
            Kind.CREATE,
            {
                "section_id": goal.section_id,
                "fiscal_year": year + 1,
                "title": goal.title,
                "indicator": goal.indicator,
                "target": goal.target,
                "standards": list(goal.standards or []),
                "status": "planned",
            },
            None,
        )
        for copy_id, goal in copies.items()
        if copy_id not in existing
    ]
    state: AppState = request.app.state.madoguchi
    await state.sync.web_write_many(user, changes)
    await record(request, "goals_copied_forward", target_type="fiscal_year", target_id=year,
                 detail={"copied": len(changes)})  # fmt: skip
    flash(request, N_("Goals copied into the next fiscal year."))
    return Redirect(f"/goals?year={year + 1}&copied={len(changes)}")


async def _goal(request: Request[Any, Any, Any], goal_id: uuid.UUID) -> tuple[dict[str, Any], int, list[str]]:
    state: AppState = request.app.state.madoguchi
    record_state = (await state.sync.store.get_records([("section_goals", str(goal_id))])).get(
        ("section_goals", str(goal_id))
    )
    if record_state is None or record_state.deleted:
        raise NotFoundException()
    values = record_state.values(SECTION_GOALS)
    user = _user(request)
    if user.role is not Role.MANAGER and values["section_id"] != user.section_id:
        raise PermissionDeniedException()
    return values, record_state.version, record_state.contested_fields()


def _form_of(values: dict[str, Any]) -> GoalForm:
    return GoalForm(
        title=values["title"] or "",
        indicator=values["indicator"] or "",
        target=values["target"] or "",
        progress=values["progress"] or "",
        midyear_review=values["midyear_review"] or "",
        year_end_evaluation=values["year_end_evaluation"] or "",
        status=values["status"] or "planned",
        standards=[c for c in values["standards"] or [] if isinstance(c, str)],
    )


@get("/goals/{goal_id:uuid}", opt=GOAL_USERS)
async def edit_goal(request: Request[Any, Any, Any], goal_id: FromPath[uuid.UUID]) -> Template:
    """One goal: its indicator, target, linked standards, progress, mid-year review and evaluation."""
    values, version, contested = await _goal(request, goal_id)
    context = _context(
        _form_of(values),
        await _standards(),
        goal_id=str(goal_id),
        version=version,
        contested=contested,
        field_labels=FIELD_LABELS,
        year=values["fiscal_year"],
    )
    return render(request, "goals/edit.html", context)


@post("/goals/{goal_id:uuid}", opt=GOAL_USERS)
async def save_goal(request: Request[Any, Any, Any], goal_id: FromPath[uuid.UUID]) -> Template | Redirect:
    """Save from a browser without script: the change goes through the same sync pipeline as a tablet's."""
    values, version, contested = await _goal(request, goal_id)
    standards = await _standards()
    data, ticked = await _posted(request)
    form = parse_goal(data, ticked, {s.code for s in standards} | set(values["standards"] or []))
    if form.errors:
        context = _context(
            form,
            standards,
            goal_id=str(goal_id),
            version=version,
            contested=contested,
            field_labels=FIELD_LABELS,
            year=values["fiscal_year"],
        )
        return render(request, "goals/edit.html", context, status_code=422)
    base = int(data.get("base_version", version) or version)
    before = _form_of(values).values()
    changed = {k: v for k, v in form.values().items() if v != before[k]}
    if changed:
        state: AppState = request.app.state.madoguchi
        await state.sync.web_write(_user(request), "section_goals", str(goal_id), Kind.PATCH, changed, base)
    flash(request, N_("Goal saved."))
    return Redirect(f"/goals/{goal_id}")


def _list_of(year: int) -> str:
    """The goals list of ``year``: the plain address for this fiscal year."""
    return "/goals" if year == fiscal_year(today()) else f"/goals?year={year}"


def _goal_year(raw: Any) -> int | None:
    """The fiscal year a new goal is for: the page it was opened from, this year, the next (drafted
    before April) or the last (written up late); anything else is refused rather than moved."""
    current = fiscal_year(today())
    try:
        year = int(raw) if raw not in (None, "") else current
    except (TypeError, ValueError):
        return None
    return year if current - 1 <= year <= current + 1 else None


@post("/goals/new", opt=GOAL_USERS)
async def create_goal(request: Request[Any, Any, Any]) -> Template | Redirect:
    """A new goal for one's own section, in the fiscal year the form was opened for."""
    standards = await _standards()
    data, ticked = await _posted(request)
    form = parse_goal(data, ticked, {s.code for s in standards})
    user = _user(request)
    year = _goal_year(data.get("fiscal_year"))
    if year is None:
        form.errors["form"] = N_("Goals can be added for last, this or next fiscal year only.")
    if form.errors:
        context = _context(
            form,
            standards,
            new_id=data.get("id") or str(uuid.uuid4()),
            today_fiscal_year=year or fiscal_year(today()),
            list_url=_list_of(year or fiscal_year(today())),
        )
        return render(request, "goals/new.html", context, status_code=422)
    assert year is not None
    goal_id = data.get("id") or str(uuid.uuid4())
    state: AppState = request.app.state.madoguchi
    fields = {**form.values(), "section_id": user.section_id, "fiscal_year": year}
    await state.sync.web_write(user, "section_goals", str(uuid.UUID(goal_id)), Kind.CREATE, fields, None)
    flash(request, N_("Goal saved."))
    return Redirect(_list_of(year))


@get("/goals/new", opt=GOAL_USERS)
async def new_goal(request: Request[Any, Any, Any], year: FromQuery[int | None] = None) -> Template:
    """Form for a new goal of the fiscal year the list was showing (next year's before April)."""
    form_year = _goal_year(year) or fiscal_year(today())
    context = _context(
        GoalForm(),
        await _standards(),
        new_id=str(uuid.uuid4()),
        today_fiscal_year=form_year,
        list_url=_list_of(form_year),
    )
    return render(request, "goals/new.html", context)


routes = [list_goals, overview, copy_forward, new_goal, create_goal, edit_goal, save_goal]
