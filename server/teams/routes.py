"""``/teams``: the working teams and the 部会 for a fiscal year, their members with their 課, the 課 a
team still lacks, and what the plan gives each team; the 管理者 keeps the member lists."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from server.audit import record
from server.auth.guards import SIGNED_IN, roles
from server.calendar_ja import fiscal_year
from server.form_body import FormBody
from server.i18n import N_
from server.models import TEAM_ROLE_LABELS, Role, Team, TeamMembership, TeamRole, User
from server.plan import service as plan_service
from server.rendering import render
from server.teams import service
from server.timekeeping import today

MANAGERS = roles(Role.MANAGER)
YEARS = range(2000, 2101)


def _user(request: Request[Any, Any, Any]) -> User:
    user: User = request.scope["state"]["user"]
    return user


def _year(year: int | None) -> int:
    if year is None:
        return fiscal_year(today())
    if year not in YEARS:
        raise NotFoundException("No such fiscal year.")
    return year


async def _team(code: str) -> Team:
    team = await Team.get_or_none(code=code, active=True)
    if team is None:
        raise NotFoundException("No such team.")
    return team


@get("/teams", opt=SIGNED_IN)
async def list_teams(request: Request[Any, Any, Any], year: FromQuery[int | None] = None) -> Template:
    year = _year(year)
    return render(
        request,
        "teams/index.html",
        {"rosters": await service.rosters(year), "year": year, "team_role_labels": TEAM_ROLE_LABELS},
    )


async def _team_page(
    request: Request[Any, Any, Any], team: Team, year: int, error: str = "", status: int = 200
) -> Template:
    (roster,) = await service.rosters(year, [team])
    plan = await plan_service.latest_published(year)
    items = [i for i in plan.items if i.code in team.plan_items] if plan else []
    user = _user(request)
    staff = []
    if user.role is Role.MANAGER:
        present = {m.user_id for m in roster.members}
        staff = [
            u
            for u in await User.filter(active=True).exclude(role=Role.ADMIN).select_related("section")
            if u.id not in present
        ]
        staff.sort(key=lambda u: (u.section.sort_order if u.section else 0, u.display_name))
    return render(
        request,
        "teams/show.html",
        {
            "roster": roster,
            "team": team,
            "year": year,
            "plan": plan,
            "items": items,
            "staff": staff,
            "is_manager": user.role is Role.MANAGER,
            "team_role_labels": TEAM_ROLE_LABELS,
            "error": error,
        },
        status_code=status,
    )


@get("/teams/{code:str}", opt=SIGNED_IN)
async def show_team(
    request: Request[Any, Any, Any], code: FromPath[str], year: FromQuery[int | None] = None
) -> Template:
    return await _team_page(request, await _team(code), _year(year))


@post("/teams/{code:str}/members", opt=MANAGERS)
async def add_member(
    request: Request[Any, Any, Any], code: FromPath[str], data: FormBody
) -> Template | Redirect:
    team = await _team(code)
    try:
        year = _year(int(data.get("year", "")))
        user_id = int(data.get("user_id", ""))
    except ValueError:
        return await _team_page(request, team, fiscal_year(today()), N_("Choose a member of staff."), 422)
    role = TeamRole.LEADER if data.get("role") == TeamRole.LEADER else TeamRole.MEMBER
    try:
        membership = await service.add_member(team, user_id, year, role, _user(request))
    except service.MembershipError as refused:
        return await _team_page(request, team, year, str(refused), 422)
    detail = {"user_id": user_id, "year": year, "role": role.value, "membership": membership.id}
    await record(request, "team.member_added", target_type="team", target_id=team.id, detail=detail)
    return Redirect(f"/teams/{team.code}?year={year}")


@post("/teams/{code:str}/members/{membership_id:int}/remove", opt=MANAGERS)
async def remove_member(
    request: Request[Any, Any, Any], code: FromPath[str], membership_id: FromPath[int]
) -> Redirect:
    team = await _team(code)
    membership = await TeamMembership.get_or_none(id=membership_id, team=team)
    if membership is None:
        raise NotFoundException("No such member.")
    year = membership.fiscal_year
    await membership.delete()
    await record(
        request,
        "team.member_removed",
        target_type="team",
        target_id=team.id,
        detail={"user_id": membership.user_id, "year": year},
    )
    return Redirect(f"/teams/{team.code}?year={year}")


routes = [list_teams, show_team, add_member, remove_member]
