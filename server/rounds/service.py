"""How each section's inspection rounds stand in a fiscal year: pure functions over plain values.

A round every N months divides the fiscal year (April–March) into periods of N months starting in April.
A period is done when an inspection of the round's template was submitted inside it, late when the only
inspection came after it ended but within the following period, missed when it is over without one, due
while it is running, upcoming before it starts. An inspection carries no "meant for" period, so a late one
also counts for the period it falls in: the schedule shows when the section was inspected, not a plan.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from server.calendar_ja import fiscal_year_bounds
from server.i18n import N_

EVERY_MONTHS = (1, 2, 3, 4, 6, 12)
EVERY_LABELS = {
    1: N_("Monthly"),
    2: N_("Every two months"),
    3: N_("Quarterly"),
    4: N_("Every four months"),
    6: N_("Half-yearly"),
    12: N_("Yearly"),
}
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class PeriodStatus(StrEnum):
    DONE = "done"
    LATE = "late"
    MISSED = "missed"
    DUE = "due"
    UPCOMING = "upcoming"


STATUS_LABELS = {
    PeriodStatus.DONE: N_("Done"),
    PeriodStatus.LATE: N_("Done late"),
    PeriodStatus.MISSED: N_("Missed"),
    PeriodStatus.DUE: N_("Due now"),
    PeriodStatus.UPCOMING: N_("Upcoming"),
}


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    status: PeriodStatus
    done_on: date | None = None  # the first inspection inside the period, or for a late one after it


@dataclass(frozen=True)
class RoundPlan:
    section_id: int
    family: str
    every_months: int
    round_id: int = 0


@dataclass
class RoundRow:
    plan: RoundPlan
    name: str
    periods: list[Period]


@dataclass
class SectionSchedule:
    section_id: int
    name: str
    rows: list[RoundRow] = field(default_factory=list)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, for the first of a month (all periods start on one)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, day.day)


def period_bounds(year: int, every_months: int) -> list[tuple[date, date]]:
    """The periods of a fiscal year; when N does not divide twelve the last one ends with March."""
    if every_months < 1:
        raise ValueError("a round is at least one month long")
    first, last = fiscal_year_bounds(year)
    bounds = []
    start = first
    while start <= last:
        following = add_months(start, every_months)
        bounds.append((start, min(following - timedelta(days=1), last)))
        start = following
    return bounds


def last_day_needed(year: int) -> date:
    """Inspections up to this day decide a year's statuses (a late one may fall in the next year)."""
    return add_months(fiscal_year_bounds(year)[0], 24) - timedelta(days=1)


def _first_between(days: list[date], low: date, high: date) -> date | None:
    index = bisect_left(days, low)
    return days[index] if index < len(days) and days[index] <= high else None


def period_statuses(year: int, every_months: int, submitted: Iterable[date], today: date) -> list[Period]:
    """Each period of the year with its status, given the days inspections were submitted."""
    days = sorted(d for d in submitted if d <= today)
    periods = []
    for start, end in period_bounds(year, every_months):
        inside = _first_between(days, start, end)
        if inside is not None:
            periods.append(Period(start, end, PeriodStatus.DONE, inside))
        elif today < start:
            periods.append(Period(start, end, PeriodStatus.UPCOMING))
        elif today <= end:
            periods.append(Period(start, end, PeriodStatus.DUE))
        else:
            after = end + timedelta(days=1)
            late = _first_between(days, after, add_months(after, every_months) - timedelta(days=1))
            status = PeriodStatus.LATE if late else PeriodStatus.MISSED
            periods.append(Period(start, end, status, late))
    return periods


def schedules(
    year: int,
    today: date,
    sections: Iterable[tuple[int, str]],
    plans: Iterable[RoundPlan],
    names: dict[str, str],
    submissions: Iterable[tuple[int, str, date]],
) -> list[SectionSchedule]:
    """Every section (in the order given, also those without rounds) with the periods of each round.

    ``submissions`` are (section id, template family, submitted on) of the submitted inspections.
    """
    by_round: dict[tuple[int, str], list[date]] = defaultdict(list)
    for section_id, family, day in submissions:
        by_round[(section_id, family)].append(day)
    result = [SectionSchedule(section_id, name) for section_id, name in sections]
    index = {s.section_id: s for s in result}
    ordered = sorted(plans, key=lambda p: (names.get(p.family, p.family), p.family))
    for plan in ordered:
        schedule = index.get(plan.section_id)
        if schedule is None:
            continue
        periods = period_statuses(year, plan.every_months, by_round[(plan.section_id, plan.family)], today)
        schedule.rows.append(RoundRow(plan, names.get(plan.family, plan.family), periods))
    return result


def period_label(period: Period, language: str) -> str:
    """``4月`` or ``4–6月``; ``Apr`` or ``Apr–Jun`` in English."""
    first, last = period.start.month, period.end.month
    if language == "ja":
        return f"{first}月" if first == last else f"{first}–{last}月"
    if first == last:
        return MONTHS_EN[first - 1]
    return f"{MONTHS_EN[first - 1]}–{MONTHS_EN[last - 1]}"
