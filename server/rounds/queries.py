"""The reads behind the rounds page: one query for when a year's inspections were submitted (from their
tally, and only the first day of each month: bounded by sections, families and months), grouped in
Python afterwards."""

from __future__ import annotations

from datetime import date

from server.calendar_ja import fiscal_year, fiscal_year_bounds
from server.dashboard import sql
from server.models import InspectionRound, InspectionTemplate, TemplateStatus
from server.rounds.service import PeriodStatus, RoundPlan, last_day_needed, schedules


async def submissions(year: int, section_ids: list[int], families: list[str]) -> list[tuple[int, str, date]]:
    """(section, family, submitted on) of the first submitted inspection of each month that decides this
    year's statuses. Every period and every window for a late inspection starts on the first of a month
    and ends on the last of one, so the first day inside it is always some month's first day: the other
    days change no status."""
    if not section_ids or not families:
        return []
    conn = sql.connection()
    sections, kinds = ", ".join("?" * len(section_ids)), ", ".join("?" * len(families))
    rows = await sql.rows(
        "SELECT section_id, family, MIN(day) AS day FROM inspection_tally "  # noqa: S608 - placeholders only
        "WHERE inspections > 0 AND day >= ? AND day <= ? "
        f"AND section_id IN ({sections}) AND family IN ({kinds}) "
        f"GROUP BY section_id, family, {sql.month_of('day', conn)}",
        [fiscal_year_bounds(year)[0], last_day_needed(year), *section_ids, *families],
    )
    return [(int(r["section_id"]), str(r["family"]), _date(r["day"])) for r in rows]


def _date(value: object) -> date:
    """SQLite answers an aggregate of dates as text, PostgreSQL as a date."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


async def active_plans(section_ids: list[int]) -> list[RoundPlan]:
    rounds = await InspectionRound.filter(active=True, section_id__in=section_ids)
    # A schedule edited outside the form with a zero interval still shows as monthly rather than failing.
    return [RoundPlan(r.section_id, r.family, max(1, r.every_months), r.id) for r in rounds]


async def family_names(language: str) -> dict[str, str]:
    """Each template family's name: the version in use, else the newest one."""
    names: dict[str, str] = {}
    rows = await InspectionTemplate.all().order_by("family", "-version")
    for row in rows:
        name = row.name_en if language != "ja" and row.name_en else row.name
        if row.status == TemplateStatus.PUBLISHED or row.family not in names:
            names[row.family] = name
    return names


async def due_family(section_id: int | None, today: date) -> str | None:
    """The template family whose round is due now for a section and not yet done (the period ending
    soonest first, then the more frequent round): what someone of that section most likely came to
    inspect."""
    if section_id is None:
        return None
    plans = await active_plans([section_id])
    if not plans:
        return None
    year = fiscal_year(today)
    done = await submissions(year, [section_id], sorted({p.family for p in plans}))
    due: list[tuple[date, int, str]] = []
    for schedule in schedules(year, today, [(section_id, "")], plans, {}, done):
        for row in schedule.rows:
            for period in row.periods:
                if period.status == PeriodStatus.DUE:
                    due.append((period.end, row.plan.every_months, row.plan.family))
    return min(due)[2] if due else None
