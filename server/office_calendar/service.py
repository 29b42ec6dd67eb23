"""Open and closed days. National holidays come from ``jpholiday`` (kept up to date by its maintainers as
the law changes, substitute holidays included), the New Year break is 12/29–1/3 as the city's offices
keep it, and each ward adds its own closures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import jpholiday

from server.models import OfficeClosure

NEW_YEAR_BREAK = "年末年始"
SATURDAY, SUNDAY = "土曜日", "日曜日"


@dataclass(frozen=True)
class Closed:
    day: dt.date
    reason: str  # 元日, 成人の日, 年末年始, 土曜日, or the ward's own reason
    ward_closure: bool = False


def fixed_closure(day: dt.date) -> str | None:
    """Why every office is closed on ``day`` (weekend, national holiday, New Year break), or None."""
    if (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3):
        return NEW_YEAR_BREAK
    holiday = jpholiday.is_holiday_name(day)
    if holiday:
        return str(holiday)
    if day.weekday() == 5:
        return SATURDAY
    if day.weekday() == 6:
        return SUNDAY
    return None


class OfficeCalendar:
    """The ward's closed days over a span, read once: ask it as often as needed."""

    def __init__(self, closures: dict[dt.date, str]) -> None:
        self._closures = closures

    @classmethod
    async def load(cls, ward: str, start: dt.date, end: dt.date) -> OfficeCalendar:
        rows = await OfficeClosure.filter(ward=ward, day__gte=start, day__lte=end)
        return cls({row.day: row.reason for row in rows})

    def closed(self, day: dt.date) -> str | None:
        return fixed_closure(day) or self._closures.get(day)

    def is_open(self, day: dt.date) -> bool:
        return self.closed(day) is None

    def next_open(self, day: dt.date) -> dt.date:
        """``day`` itself when open, else the next open day (a due date falling on a holiday moves on)."""
        while not self.is_open(day):
            day += dt.timedelta(days=1)
        return day


async def closed_reason(ward: str, day: dt.date) -> str | None:
    return (await OfficeCalendar.load(ward, day, day)).closed(day)


async def year_closures(ward: str, year: int) -> list[Closed]:
    """Every closed weekday of a fiscal year: holidays, the New Year break and the ward's own closures."""
    start, end = dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
    calendar = await OfficeCalendar.load(ward, start, end)
    own = {row.day for row in await OfficeClosure.filter(ward=ward, day__gte=start, day__lte=end)}
    result = []
    day = start
    while day <= end:
        reason = calendar.closed(day)
        if reason and reason not in (SATURDAY, SUNDAY):
            result.append(Closed(day, reason, ward_closure=day in own and fixed_closure(day) is None))
        day += dt.timedelta(days=1)
    return result
