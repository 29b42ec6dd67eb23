"""Self-check periods: a fiscal year (April–March) cut into periods of 1, 2, 3, 6 or 12 months.

A period is named by its first month, ``"2024-04"``; the fiscal year's schedule says how long it is.
"""

from __future__ import annotations

import re
from datetime import date

from server.calendar_ja import fiscal_year

PERIOD_LENGTHS = (1, 2, 3, 6, 12)
_KEY = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse(key: str) -> date | None:
    """The first day of a period key, or None when the key is not a month."""
    found = _KEY.match(key or "")
    return date(int(found.group(1)), int(found.group(2)), 1) if found else None


def key_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def periods_of(year: int, months: int) -> list[str]:
    """Every period of fiscal year ``year``, oldest first."""
    start = date(year, 4, 1)
    return [key_of(_add_months(start, i)) for i in range(0, 12, months)]


def period_containing(day: date, months: int) -> str:
    """The period a day falls in."""
    first = date(fiscal_year(day), 4, 1)
    elapsed = (day.year * 12 + day.month) - (first.year * 12 + first.month)
    return key_of(_add_months(first, elapsed - elapsed % months))


def is_start(key: str, months: int) -> bool:
    """Whether ``key`` begins a period of a fiscal year cut into ``months``-month periods."""
    first = parse(key)
    return first is not None and key in periods_of(fiscal_year(first), months)


def label(key: str, months: int, language: str) -> str:
    """``2024-04`` → ``2024年4月`` (or ``2024年4月〜6月`` for a longer period); English ``Apr 2024``."""
    first = parse(key)
    if first is None:
        return key
    last = _add_months(first, months - 1)
    if language == "ja":
        text = f"{first.year}年{first.month}月"
        if months > 1:
            text += f"〜{'' if last.year == first.year else f'{last.year}年'}{last.month}月"
        return text
    text = first.strftime("%b %Y")
    return text if months == 1 else f"{text} – {last.strftime('%b %Y')}"
