"""The numbers behind the manager's dashboard: aggregate queries over the projections, per period.

Rates are pooled (the sum of what passed over the sum of what applied), never averages of percentages.
Every figure comes with the count it rests on, so a page can say how much a number means.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tortoise.expressions import F, Q
from tortoise.functions import Count, Sum

from server.calendar_ja import fiscal_year, fiscal_year_bounds
from server.feedback.service import median, percentile
from server.models import CorrectiveAction, Device, Feedback, FeedbackSection, Inspection, SyncConflict

AGE_BUCKETS = ((0, 30), (31, 60), (61, 90), (91, None))  # days an action has been open


@dataclass(frozen=True)
class Period:
    """A fiscal year, or some of its months, and optionally one section."""

    year: int
    start: dt.date
    end: dt.date
    section: int | None = None

    @property
    def months(self) -> list[dt.date]:
        out, month = [], self.start.replace(day=1)
        while month <= self.end:
            out.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        return out


def month_start(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(f"{text}-01") if text else None
    except ValueError:
        return None


def period_of(
    year: int | None, month_from: str | None, month_to: str | None, section: int | None, today: dt.date
) -> Period:
    """The period a dashboard URL asks for, clamped to one fiscal year (April 1 – March 31)."""
    year = year if year and 2000 <= year <= 2100 else fiscal_year(today)
    first, last = fiscal_year_bounds(year)
    start = month_start(month_from) or first
    end_month = month_start(month_to)
    end = ((end_month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)) if end_month else last
    start, end = max(first, min(start, last)), min(last, max(end, first))
    if start > end:
        start, end = end.replace(day=1), end
    return Period(year, start, end, section)


@dataclass(frozen=True)
class SectionActions:
    section_id: int
    open: int = 0
    overdue: int = 0
    closed: int = 0
    closed_on_time: int = 0


@dataclass
class ActionStats:
    by_age: list[tuple[tuple[int, int | None], int]] = field(default_factory=list)
    open: int = 0
    overdue: int = 0
    closed: int = 0
    closed_on_time: int = 0
    median_days_to_close: float | None = None
    sections: list[SectionActions] = field(default_factory=list)

    @property
    def on_time_rate(self) -> float | None:
        return None if self.closed == 0 else 100 * self.closed_on_time / self.closed


async def action_stats(period: Period, today: dt.date) -> ActionStats:
    """Actions open at the end of the period by age, overdue ones, and those closed within it."""
    as_of = min(period.end, today)
    base = CorrectiveAction.filter(deleted=False)
    if period.section:
        base = base.filter(section_id=period.section)
    # Not closed by then: a NULL closing date never compares, so it is asked for explicitly.
    open_at_end = base.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=as_of), raised_on__lte=as_of)
    stats = ActionStats()
    for low, high in AGE_BUCKETS:
        bucket = open_at_end.filter(raised_on__lte=as_of - dt.timedelta(days=low))
        if high is not None:
            bucket = bucket.filter(raised_on__gte=as_of - dt.timedelta(days=high))
        stats.by_age.append(((low, high), await bucket.count()))
    stats.open = sum(n for _, n in stats.by_age)
    stats.overdue = await open_at_end.filter(due_on__lt=as_of).count()
    closed = base.filter(closed_on__gte=period.start, closed_on__lte=period.end)
    stats.closed = await closed.count()
    stats.closed_on_time = await closed.filter(closed_on__lte=F("due_on")).count() if stats.closed else 0
    durations = [
        (c - r).days
        for r, c in await closed.values_list("raised_on", "closed_on")
        if r is not None and c is not None
    ]
    stats.median_days_to_close = median(durations)
    per_open = dict(
        await open_at_end.annotate(n=Count("id")).group_by("section_id").values_list("section_id", "n")
    )
    per_overdue = dict(
        await open_at_end.filter(due_on__lt=as_of)
        .annotate(n=Count("id"))
        .group_by("section_id")
        .values_list("section_id", "n")
    )
    per_closed = dict(
        await closed.annotate(n=Count("id")).group_by("section_id").values_list("section_id", "n")
    )
    per_on_time = dict(
        await closed.filter(closed_on__lte=F("due_on"))
        .annotate(n=Count("id"))
        .group_by("section_id")
        .values_list("section_id", "n")
    )
    for section in sorted({*per_open, *per_overdue, *per_closed} - {None}):
        stats.sections.append(
            SectionActions(
                section_id=int(section),
                open=int(per_open.get(section, 0)),
                overdue=int(per_overdue.get(section, 0)),
                closed=int(per_closed.get(section, 0)),
                closed_on_time=int(per_on_time.get(section, 0)),
            )
        )
    return stats


@dataclass(frozen=True)
class Funnel:
    received: int
    answered: int
    published: int
    improved: int
    median_days: float | None
    p90_days: float | None


async def feedback_funnel(period: Period) -> Funnel:
    """Comments received in the period and how far they got: answered, published, improved."""
    base = Feedback.filter(deleted=False, received_on__gte=period.start, received_on__lte=period.end)
    if period.section:
        ids = await FeedbackSection.filter(section_id=period.section).values_list("feedback_id", flat=True)
        base = base.filter(id__in=list(ids))
    answered = base.filter(answered_on__isnull=False)
    days = [(a - r).days for r, a in await answered.values_list("received_on", "answered_on") if r and a]
    return Funnel(
        received=await base.count(),
        answered=len(days),
        published=await base.filter(status="published").count(),
        improved=await base.filter(improved=True).count(),
        median_days=median(days),
        p90_days=percentile(days, 0.9),
    )


@dataclass(frozen=True)
class SectionInspections:
    section_id: int
    inspections: int
    passed: int
    failed: int

    @property
    def score(self) -> float | None:
        applicable = self.passed + self.failed
        return None if applicable == 0 else 100 * self.passed / applicable


async def inspection_stats(period: Period) -> list[SectionInspections]:
    """Submitted inspections per section in the period, with the pooled score (適 ÷ applicable)."""
    query = Inspection.filter(
        deleted=False, status="submitted", submitted_on__gte=period.start, submitted_on__lte=period.end
    )
    if period.section:
        query = query.filter(section_id=period.section)
    rows = (
        await query.annotate(n=Count("id"), p=Sum("passed"), f=Sum("failed"))
        .group_by("section_id")
        .values("section_id", "n", "p", "f")
    )
    return sorted(
        (
            SectionInspections(int(r["section_id"]), int(r["n"]), int(r["p"] or 0), int(r["f"] or 0))
            for r in rows
            if r["section_id"] is not None
        ),
        key=lambda s: s.section_id,
    )


@dataclass(frozen=True)
class DeviceHealth:
    label: str
    login: str
    last_sync_at: dt.datetime | None
    unsent: int
    revoked: bool


async def sync_health() -> tuple[list[DeviceHealth], int]:
    devices = await Device.all().select_related("user").order_by("-last_sync_at")
    rows = [
        DeviceHealth(d.label, d.user.login, d.last_sync_at, d.unsent_reported, d.revoked) for d in devices
    ]
    return rows, await SyncConflict.filter(status="open").count()
