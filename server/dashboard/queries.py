"""The numbers behind the manager's dashboard: aggregate queries over the projections, per period.

Rates are pooled (the sum of what passed over the sum of what applied), never averages of percentages.
Every figure comes with the count it rests on, so a page can say how much a number means.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from tortoise.functions import Count, Sum

from server.calendar_ja import fiscal_year, fiscal_year_bounds
from server.compliance import periods as compliance_periods
from server.dashboard import sql
from server.models import (
    ComplianceTarget,
    Device,
    Inspection,
    Section,
    SectionGoal,
    SelfCheckSchedule,
    SyncConflict,
)
from server.rounds import queries as round_queries
from server.rounds.service import PeriodStatus, RoundPlan, period_statuses

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
    """Actions open at the end of the period by age, overdue ones, and those closed within it: one
    aggregate query grouped by section, and the median of days to close read from the database."""
    as_of = min(period.end, today)
    conn = sql.connection()
    open_case = "raised_on <= ? AND (closed_on IS NULL OR closed_on > ?)"
    columns = [f"SUM(CASE WHEN {open_case} THEN 1 ELSE 0 END) AS open_n"]
    params: list[Any] = [as_of, as_of]
    columns.append(f"SUM(CASE WHEN {open_case} AND due_on < ? THEN 1 ELSE 0 END) AS overdue_n")
    params += [as_of, as_of, as_of]
    for index, (low, high) in enumerate(AGE_BUCKETS):
        condition = f"{open_case} AND raised_on <= ?"
        params += [as_of, as_of, as_of - dt.timedelta(days=low)]
        if high is not None:
            condition += " AND raised_on >= ?"
            params.append(as_of - dt.timedelta(days=high))
        columns.append(f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS age_{index}")
    closed_case = "closed_on >= ? AND closed_on <= ?"
    columns.append(f"SUM(CASE WHEN {closed_case} THEN 1 ELSE 0 END) AS closed_n")
    columns.append(f"SUM(CASE WHEN {closed_case} AND closed_on <= due_on THEN 1 ELSE 0 END) AS on_time_n")
    params += [period.start, period.end, period.start, period.end]
    where, where_params = "deleted = ? AND raised_on <= ?", [False, max(as_of, period.end)]
    if period.section:
        where += " AND section_id = ?"
        where_params.append(period.section)
    found = await sql.rows(
        # Built from the constant fragments above; every value is a parameter.
        f"SELECT section_id, {', '.join(columns)} FROM corrective_action WHERE {where} GROUP BY section_id",  # noqa: S608
        params + where_params,
    )
    stats = ActionStats()
    ages = [0] * len(AGE_BUCKETS)
    for row in found:
        for index in range(len(AGE_BUCKETS)):
            ages[index] += int(row[f"age_{index}"] or 0)
        section = SectionActions(
            section_id=int(row["section_id"]) if row["section_id"] is not None else 0,
            open=int(row["open_n"] or 0),
            overdue=int(row["overdue_n"] or 0),
            closed=int(row["closed_n"] or 0),
            closed_on_time=int(row["on_time_n"] or 0),
        )
        stats.open += section.open
        stats.overdue += section.overdue
        stats.closed += section.closed
        stats.closed_on_time += section.closed_on_time
        if row["section_id"] is not None and (section.open or section.closed):
            stats.sections.append(section)
    stats.sections.sort(key=lambda s: s.section_id)
    stats.by_age = list(zip(AGE_BUCKETS, ages, strict=True))
    days = (
        f"SELECT {sql.days_between('raised_on', 'closed_on', conn)} AS v FROM corrective_action "  # noqa: S608
        f"WHERE {where.replace('raised_on <= ?', 'closed_on >= ? AND closed_on <= ?')}"
    )
    days_params = [False, period.start, period.end, *where_params[2:]]
    stats.median_days_to_close = await sql.median_of(days, days_params, stats.closed)
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
    """Comments received in the period and how far they got: answered, published, improved; the days
    from receipt to answer as median and 90th percentile, read from the database."""
    conn = sql.connection()
    where, params = (
        "f.deleted = ? AND f.received_on >= ? AND f.received_on <= ?",
        [False, period.start, period.end],
    )
    source = "feedback f"
    if period.section:
        source += " JOIN feedback_section s ON s.feedback_id = f.id AND s.section_id = ?"
        params = [period.section, *params]
    found = await sql.rows(
        "SELECT COUNT(*) AS received, "  # noqa: S608 - constant fragments, values are parameters
        "SUM(CASE WHEN f.answered_on IS NOT NULL THEN 1 ELSE 0 END) AS answered, "
        "SUM(CASE WHEN f.status = 'published' THEN 1 ELSE 0 END) AS published, "
        "SUM(CASE WHEN f.improved THEN 1 ELSE 0 END) AS improved "
        f"FROM {source} WHERE {where}",
        params,
    )
    row = found[0] if found else {}
    answered = int(row.get("answered") or 0)
    days = (
        f"SELECT {sql.days_between('f.received_on', 'f.answered_on', conn)} AS v FROM {source} "  # noqa: S608
        f"WHERE {where} AND f.answered_on IS NOT NULL"
    )
    return Funnel(
        received=int(row.get("received") or 0),
        answered=answered,
        published=int(row.get("published") or 0),
        improved=int(row.get("improved") or 0),
        median_days=await sql.median_of(days, params, answered),
        p90_days=await sql.percentile_of(days, params, answered, 0.9),
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
    conflicts: int = 0  # open conflicts with an edit from this device among the candidates


async def sync_health() -> tuple[list[DeviceHealth], int]:
    """Each device's last sync, what it last said it had unsent, and the open conflicts it is part of.
    Open conflicts are few (each is decided and closed), so reading their candidates stays cheap."""
    per_device: dict[str, int] = {}
    open_conflicts = await SyncConflict.filter(status="open").values_list("candidates", flat=True)
    for candidates in open_conflicts:
        try:
            clients = {str(c.get("client_id")) for c in json.loads(str(candidates)) if isinstance(c, dict)}
        except (json.JSONDecodeError, TypeError):
            continue
        for client in clients:
            per_device[client] = per_device.get(client, 0) + 1
    devices = await Device.all().select_related("user").order_by("-last_sync_at")
    rows = [
        DeviceHealth(
            d.label,
            d.user.login,
            d.last_sync_at,
            d.unsent_reported,
            d.revoked,
            per_device.get(str(d.client_id), 0),
        )
        for d in devices
    ]
    return rows, len(open_conflicts)


@dataclass(frozen=True)
class SectionFeedback:
    section_id: int
    received: int
    answered: int
    improved: int


async def feedback_by_section(period: Period) -> dict[int, SectionFeedback]:
    """Comments received in the period per responsible section, and how many were answered and improved."""
    where = "f.deleted = ? AND f.received_on >= ? AND f.received_on <= ?"
    params: list[Any] = [False, period.start, period.end]
    if period.section:
        where += " AND s.section_id = ?"
        params.append(period.section)
    found = await sql.rows(
        "SELECT s.section_id AS section_id, COUNT(*) AS received, "  # noqa: S608 - constant fragments
        "SUM(CASE WHEN f.answered_on IS NOT NULL THEN 1 ELSE 0 END) AS answered, "
        "SUM(CASE WHEN f.improved THEN 1 ELSE 0 END) AS improved "
        "FROM feedback f JOIN feedback_section s ON s.feedback_id = f.id "
        f"WHERE {where} GROUP BY s.section_id",
        params,
    )
    return {
        int(r["section_id"]): SectionFeedback(
            int(r["section_id"]), int(r["received"] or 0), int(r["answered"] or 0), int(r["improved"] or 0)
        )
        for r in found
    }


@dataclass(frozen=True)
class SectionRounds:
    section_id: int
    done: int
    late: int
    missed: int
    due: int


async def round_stats(period: Period, today: dt.date) -> list[SectionRounds]:
    """Per section, the scheduled inspection periods that started within the period: done, done late,
    missed, or due now (upcoming ones are not counted)."""
    plans: list[RoundPlan] = await round_queries.active_plans(
        [s.id for s in await Section.all()] if not period.section else [period.section]
    )
    if not plans:
        return []
    submitted = await round_queries.submissions(
        period.year, sorted({p.section_id for p in plans}), sorted({p.family for p in plans})
    )
    days: dict[tuple[int, str], list[dt.date]] = {}
    for section_id, family, day in submitted:
        days.setdefault((section_id, family), []).append(day)
    counts: dict[int, dict[PeriodStatus, int]] = {}
    for plan in plans:
        for p in period_statuses(
            period.year, plan.every_months, days.get((plan.section_id, plan.family), []), today
        ):
            if period.start <= p.start <= period.end:
                tally = counts.setdefault(plan.section_id, {})
                tally[p.status] = tally.get(p.status, 0) + 1
    return [
        SectionRounds(
            section_id,
            t.get(PeriodStatus.DONE, 0),
            t.get(PeriodStatus.LATE, 0),
            t.get(PeriodStatus.MISSED, 0),
            t.get(PeriodStatus.DUE, 0),
        )
        for section_id, t in sorted(counts.items())
    ]


@dataclass(frozen=True)
class ComplianceCell:
    compliant: int
    applicable: int

    @property
    def percent(self) -> float | None:
        return None if self.applicable == 0 else 100 * self.compliant / self.applicable


@dataclass
class ComplianceStats:
    periods: list[str]
    cells: dict[tuple[int, str], ComplianceCell]
    targets: dict[int, float]  # 0: the ward's target
    missed: list[tuple[str, int, int]]  # standard code, times not kept, applicable answers

    def section_total(self, section_id: int) -> ComplianceCell:
        cells = [c for (s, _), c in self.cells.items() if s == section_id]
        return ComplianceCell(sum(c.compliant for c in cells), sum(c.applicable for c in cells))

    def period_total(self, period: str) -> ComplianceCell:
        cells = [c for (_, p), c in self.cells.items() if p == period]
        return ComplianceCell(sum(c.compliant for c in cells), sum(c.applicable for c in cells))

    def target(self, section_id: int) -> float | None:
        return self.targets.get(section_id, self.targets.get(0))


async def compliance_stats(period: Period) -> ComplianceStats:
    """遵守率 per section and self-check period, pooled (compliant ÷ applicable, 該当なし left out),
    with the year's targets and the most-missed standards: grouped queries, no rows loaded."""
    schedule = await SelfCheckSchedule.get_or_none(fiscal_year=period.year)
    months = schedule.months_per_period if schedule else 1
    keys = [
        key
        for key in compliance_periods.periods_of(period.year, months)
        if period.start.replace(day=1) <= (compliance_periods.parse(key) or period.start) <= period.end
    ]
    where = "deleted = ? AND result IS NOT NULL AND period IN ({})".format(", ".join("?" * len(keys)))
    params: list[Any] = [False, *keys]
    if period.section:
        where += " AND section_id = ?"
        params.append(period.section)
    cells: dict[tuple[int, str], ComplianceCell] = {}
    missed: list[tuple[str, int, int]] = []
    if keys:
        for row in await sql.rows(
            "SELECT section_id, period, "  # noqa: S608 - constant fragments, values are parameters
            "SUM(CASE WHEN result = 'compliant' THEN 1 ELSE 0 END) AS kept, "
            "SUM(CASE WHEN result IN ('compliant', 'noncompliant') THEN 1 ELSE 0 END) AS applicable "
            f"FROM self_check_answer WHERE {where} GROUP BY section_id, period",
            params,
        ):
            if row["section_id"] is not None:
                cells[(int(row["section_id"]), str(row["period"]))] = ComplianceCell(
                    int(row["kept"] or 0), int(row["applicable"] or 0)
                )
        for row in await sql.rows(
            "SELECT standard_code, "  # noqa: S608 - constant fragments, values are parameters
            "SUM(CASE WHEN result = 'noncompliant' THEN 1 ELSE 0 END) AS missed, "
            "SUM(CASE WHEN result IN ('compliant', 'noncompliant') THEN 1 ELSE 0 END) AS applicable "
            f"FROM self_check_answer WHERE {where} GROUP BY standard_code "
            "ORDER BY missed DESC, standard_code LIMIT 10",
            params,
        ):
            if int(row["missed"] or 0):
                missed.append((str(row["standard_code"]), int(row["missed"]), int(row["applicable"] or 0)))
    targets = {t.section_id: float(t.percent) for t in await ComplianceTarget.filter(fiscal_year=period.year)}
    return ComplianceStats(keys, cells, targets, missed)


@dataclass(frozen=True)
class GoalLine:
    section_id: int
    title: str
    indicator: str
    target: str
    status: str


@dataclass
class GoalProgress:
    """The fiscal year's section goals (月 filters do not apply: a goal is set for the year)."""

    goals: list[GoalLine]
    by_status: dict[str, int]

    def of_section(self, section_id: int) -> list[GoalLine]:
        return [g for g in self.goals if g.section_id == section_id]

    def sections(self) -> list[int]:
        return sorted({g.section_id for g in self.goals})


async def goal_progress(period: Period) -> GoalProgress:
    """Each section's goals for the year with their status; a ward sets a few per section, so the list
    is short whatever the other data grows to."""
    query = SectionGoal.filter(fiscal_year=period.year, deleted=False)
    if period.section:
        query = query.filter(section_id=period.section)
    goals = [
        GoalLine(g.section_id, g.title, g.indicator, g.target, g.status)
        for g in await query.order_by("section_id", "title")
        if g.section_id is not None
    ]
    by_status: dict[str, int] = {}
    for goal in goals:
        by_status[goal.status] = by_status.get(goal.status, 0) + 1
    return GoalProgress(goals, by_status)


@dataclass(frozen=True)
class DeskVolume:
    """The bereavement desk's visits in the period: counts and handling time, never a name."""

    months: list[tuple[str, int, int]]  # "YYYY-MM", visits, visits closed
    visits: int
    closed: int
    timed: int  # visits whose handling time was recorded
    mean_minutes: float | None
    median_minutes: float | None


async def desk_volume(period: Period, ward: str) -> DeskVolume:
    """One ward's visits per month by visit date, one grouped query; purged cases still count (the purge
    keeps the date and the handling time for exactly this)."""
    conn = sql.connection()
    month = sql.month_key("visit_date", conn)
    where = "ward = ? AND deleted = ? AND visit_date >= ? AND visit_date <= ?"
    params: list[Any] = [ward, False, period.start, period.end]
    found = await sql.rows(
        f"SELECT {month} AS month, COUNT(*) AS visits, "  # noqa: S608 - constant fragments, values are parameters
        "SUM(CASE WHEN status = 'closed' OR purged THEN 1 ELSE 0 END) AS closed, "
        "SUM(handling_minutes) AS minutes, COUNT(handling_minutes) AS timed "
        f"FROM okuyami_case WHERE {where} GROUP BY {month} ORDER BY month",
        params,
    )
    months = [(str(r["month"]), int(r["visits"]), int(r["closed"] or 0)) for r in found]
    timed = sum(int(r["timed"] or 0) for r in found)
    minutes = sum(int(r["minutes"] or 0) for r in found)
    median = await sql.median_of(
        f"SELECT handling_minutes AS v FROM okuyami_case WHERE {where} "  # noqa: S608
        "AND handling_minutes IS NOT NULL",
        params,
        timed,
    )
    return DeskVolume(
        months=months,
        visits=sum(v for _, v, _ in months),
        closed=sum(c for _, _, c in months),
        timed=timed,
        mean_minutes=minutes / timed if timed else None,
        median_minutes=median,
    )
