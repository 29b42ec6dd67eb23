"""The reads behind the rounds page: one query for the days a year's inspections were submitted on (from
their tally, so bounded by sections, families and days), grouped in Python afterwards."""

from __future__ import annotations

from datetime import date

from server.calendar_ja import fiscal_year_bounds
from server.models import InspectionRound, InspectionTally, InspectionTemplate, TemplateStatus
from server.rounds.service import RoundPlan, last_day_needed


async def submissions(year: int, section_ids: list[int], families: list[str]) -> list[tuple[int, str, date]]:
    """(section, family, submitted on) of every submitted inspection that decides this year's statuses."""
    if not section_ids or not families:
        return []
    rows = await InspectionTally.filter(
        inspections__gt=0,
        section_id__in=section_ids,
        family__in=families,
        day__gte=fiscal_year_bounds(year)[0],
        day__lte=last_day_needed(year),
    ).values_list("section_id", "family", "day")  # one row per day: bounded by the calendar
    return [(int(s), str(f), d) for s, f, d in rows if isinstance(d, date)]


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
