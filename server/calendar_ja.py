"""Japanese calendar conventions staff expect: 和暦 dates and the April–March fiscal year (年度)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# The office's zone (as in timekeeping, which this module must not import: timekeeping is the clock).
_OFFICE_TZ = ZoneInfo("Asia/Tokyo")

# (first day of the era, name); newest first. Dates before 明治 are not needed for living people.
_ERAS = (
    (date(2019, 5, 1), "令和", "Reiwa"),
    (date(1989, 1, 8), "平成", "Heisei"),
    (date(1926, 12, 25), "昭和", "Showa"),
    (date(1912, 7, 30), "大正", "Taisho"),
    (date(1868, 10, 23), "明治", "Meiji"),
)


def eras() -> list[tuple[str, str, str]]:
    """The eras as (first day in ISO, Japanese name, romanised name), newest first: what the tablet's
    calendar reads, so its 和暦 is the server's."""
    return [(start.isoformat(), name, romaji) for start, name, romaji in _ERAS]


def era_year(day: date) -> tuple[str, int]:
    """The era name and year of a date, e.g. (令和, 6)."""
    for start, name, _ in _ERAS:
        if day >= start:
            return name, day.year - start.year + 1
    raise ValueError(f"{day.isoformat()} is before the eras this application knows")


def _year_label(name: str, year: int) -> str:
    return f"{name}元年" if year == 1 else f"{name}{year}年"


def wareki(day: date | datetime) -> str:
    """``2024-11-05`` → ``令和6年11月5日``; the first year of an era is written 元年."""
    if isinstance(day, datetime):
        day = day.date()
    name, year = era_year(day)
    return f"{_year_label(name, year)}{day.month}月{day.day}日"


def fiscal_year(day: date | datetime) -> int:
    """The fiscal year (年度) a date belongs to, named by the calendar year it starts in (April–March)."""
    if isinstance(day, datetime):
        day = day.date()
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_label(year: int, language: str = "ja") -> str:
    """``2024`` → ``令和6年度`` (Japanese) or ``FY2024 (Apr 2024 – Mar 2025)`` (English)."""
    if language != "ja":
        return f"FY{year} (Apr {year} – Mar {year + 1})"
    # A fiscal year is named by the era covering most of it: FY2019 began in 平成 but is 令和元年度.
    name, era = era_year(date(year, 10, 1))
    return f"{name}{'元' if era == 1 else era}年度"


def fiscal_year_bounds(year: int) -> tuple[date, date]:
    """First and last day of a fiscal year."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def format_date(day: date | datetime | None, language: str = "ja") -> str:
    """A date as staff read it: 和暦 with the Western year beside it in Japanese, ISO in English."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.date()
    if language == "ja":
        return f"{wareki(day)}（{day.year}年）"
    return day.isoformat()


def format_moment(moment: datetime | str | None, language: str = "ja") -> str:
    """A moment (a stored timestamp, aware or UTC, or its ISO text) as staff read it, always in Japan
    time: ``令和8年12月3日（2026年） 10:02`` in Japanese, ``2026-12-03 10:02`` in English. Every date and
    time a page shows goes through this or ``format_date``, so nothing prints the stored UTC string."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return str(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(_OFFICE_TZ)
    return f"{format_date(local, language)} {local:%H:%M}"


def recent_fiscal_years(today: date, back: int = 6) -> list[int]:
    """The fiscal years a filter offers, newest first: next year (for planning), this one and ``back``
    before it."""
    this = fiscal_year(today)
    return list(range(this + 1, this - back - 1, -1))
