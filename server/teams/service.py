"""Who is in which team in a fiscal year, and which 課 a team still lacks."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from server.i18n import N_
from server.models import Section, Team, TeamMembership, TeamRole, User


class MembershipError(ValueError):
    """Why a membership cannot be added; the message is a message id."""


@dataclass(frozen=True)
class Roster:
    team: Team
    members: list[TeamMembership]  # user and user.section fetched; leaders first
    missing: list[Section]  # active 課 without a member this year


async def rosters(year: int, teams: list[Team] | None = None) -> list[Roster]:
    teams = teams if teams is not None else await Team.filter(active=True)
    sections = await Section.filter(active=True)
    memberships = (
        await TeamMembership.filter(fiscal_year=year, team_id__in=[t.id for t in teams])
        .select_related("user", "user__section")
        .order_by("id")
    )
    result = []
    for team in teams:
        members = [m for m in memberships if m.team_id == team.id]
        members.sort(
            key=lambda m: (m.role is not TeamRole.LEADER, m.user.section.sort_order if m.user.section else 0)
        )
        covered = {m.user.section_id for m in members}
        result.append(Roster(team, members, [s for s in sections if s.id not in covered]))
    return result


async def add_member(team: Team, user_id: int, year: int, role: TeamRole, by: User) -> TeamMembership:
    person = await User.get_or_none(id=user_id, active=True)
    if person is None:
        raise MembershipError(N_("Choose a member of staff."))
    try:
        return await TeamMembership.create(
            team=team, user=person, fiscal_year=year, role=role, added_by=by.login
        )
    except IntegrityError:
        raise MembershipError(N_("This person is already in the team this year.")) from None


async def teams_of(user: User, year: int) -> list[TeamMembership]:
    """The teams a person is in this year (for their home page and, later, what the team may do)."""
    return (
        await TeamMembership.filter(user=user, fiscal_year=year)
        .select_related("team")
        .order_by("team__sort_order")
    )
