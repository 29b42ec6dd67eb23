"""The office's clock: dates are Japan's, whatever the server's own time zone is."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

OFFICE_TZ = ZoneInfo("Asia/Tokyo")


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return datetime.now(OFFICE_TZ).date()


def local(moment: datetime) -> datetime:
    return moment.astimezone(OFFICE_TZ)
