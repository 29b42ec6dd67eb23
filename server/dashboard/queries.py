"""The numbers behind the manager's dashboard: aggregate queries over the tallies of the projections
(``server.rollups``), per period, so a panel reads rows bounded by sections and days or months whatever
the number of answers behind them.

Rates are pooled (the sum of what passed over the sum of what applied), never averages of percentages.
Every figure comes with the count it rests on, so a page can say how much a number means.
A period is whole months (``period_of``), which is what lets the tallies kept per month answer it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from server.calendar_ja import fiscal_year, fiscal_year_bounds
from server.compliance import periods as compliance_periods
from server.dashboard import histograms, sql
from server.models import (
    Device,
    Section,
    SectionGoal,
    SyncConflict,
)
from server.rollups.tallies import NO_DUE_DATE, WARD
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
    def first_month(self) -> dt.date:
        """The first day of the period's first month: tallies kept per month are keyed by it."""
        return self.start.replace(day=1)

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
    """Actions open at the end of the period by age, overdue ones, and those closed within it.

    Open on a day means raised by then and not closed by then: the actions open now (a tally by section,
    day raised and day due) and, looking back to a past day, the few closed since (from the projection,
    by its index on the day closed; none when the day is today). Closed ones and the median of the days
    to close come from tallies per month closed."""
    as_of = min(period.end, today)
    section_filter, section_params = ("AND section_id = ?", [period.section]) if period.section else ("", [])
    columns = ["SUM(n) AS open_n", "SUM(CASE WHEN due_on < ? THEN n ELSE 0 END) AS overdue_n"]
    params: list[Any] = [as_of]
    for index, (low, high) in enumerate(AGE_BUCKETS):
        condition = "raised_on <= ?"
        params.append(as_of - dt.timedelta(days=low))
        if high is not None:
            condition += " AND raised_on >= ?"
            params.append(as_of - dt.timedelta(days=high))
        columns.append(f"SUM(CASE WHEN {condition} THEN n ELSE 0 END) AS age_{index}")
    open_rows = (
        "SELECT section_id, raised_on, due_on, actions AS n FROM action_open_tally "  # noqa: S608 - fragments
        f"WHERE raised_on <= ? {section_filter} "
        f"UNION ALL SELECT COALESCE(section_id, {WARD}) AS section_id, raised_on, "
        "COALESCE(due_on, ?) AS due_on, 1 AS n FROM corrective_action "
        f"WHERE closed_on > ? AND deleted = ? AND raised_on <= ? {section_filter}"
    )
    params += [as_of, *section_params, NO_DUE_DATE, as_of, False, as_of, *section_params]
    per_section: dict[int, dict[str, int]] = {}
    stats = ActionStats()
    ages = [0] * len(AGE_BUCKETS)
    for row in await sql.rows(
        f"SELECT section_id, {', '.join(columns)} FROM ({open_rows}) AS o GROUP BY section_id",  # noqa: S608
        params,
    ):
        for index in range(len(AGE_BUCKETS)):
            ages[index] += int(row[f"age_{index}"] or 0)
        counts = per_section.setdefault(int(row["section_id"]), {})
        counts["open"], counts["overdue"] = int(row["open_n"] or 0), int(row["overdue_n"] or 0)
    months = [period.first_month, period.end]
    for row in await sql.rows(
        "SELECT section_id, SUM(closed) AS closed_n, SUM(on_time) AS on_time_n "  # noqa: S608 - fragments
        f"FROM action_closed_tally WHERE month >= ? AND month <= ? {section_filter} GROUP BY section_id",
        [*months, *section_params],
    ):
        counts = per_section.setdefault(int(row["section_id"]), {})
        counts["closed"], counts["closed_on_time"] = int(row["closed_n"] or 0), int(row["on_time_n"] or 0)
    for section_id, counts in sorted(per_section.items()):
        section = SectionActions(section_id=section_id, **counts)
        stats.open += section.open
        stats.overdue += section.overdue
        stats.closed += section.closed
        stats.closed_on_time += section.closed_on_time
        if section_id != WARD and (section.open or section.closed):
            stats.sections.append(section)
    stats.by_age = list(zip(AGE_BUCKETS, ages, strict=True))
    stats.median_days_to_close = histograms.median(
        await _histogram("action_close_days", "actions", period.section or WARD, months)
    )
    return stats


async def _histogram(table: str, count: str, scope: int, months: list[dt.date]) -> list[tuple[int, int]]:
    """A tally of days (``table``: scope, month, days, ``count``) summed over the months, by days."""
    found = await sql.rows(
        f"SELECT days, SUM({count}) AS n FROM {table} "  # noqa: S608 - declared names, values are parameters
        "WHERE scope = ? AND month >= ? AND month <= ? GROUP BY days ORDER BY days",
        [scope, *months],
    )
    return [(int(r["days"]), int(r["n"] or 0)) for r in found]


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
    from receipt to answer as median and 90th percentile, from the tally of those days."""
    scope, months = period.section or WARD, [period.first_month, period.end]
    found = await sql.rows(
        "SELECT SUM(received) AS received, SUM(answered) AS answered, SUM(published) AS published, "
        "SUM(improved) AS improved FROM feedback_tally WHERE scope = ? AND month >= ? AND month <= ?",
        [scope, *months],
    )
    row = found[0] if found else {}
    days = await _histogram("feedback_answer_days", "comments", scope, months)
    return Funnel(
        received=int(row.get("received") or 0),
        answered=int(row.get("answered") or 0),
        published=int(row.get("published") or 0),
        improved=int(row.get("improved") or 0),
        median_days=histograms.median(days),
        p90_days=histograms.percentile(days, 0.9),
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
    where, params = "day >= ? AND day <= ? AND section_id <> ?", [period.start, period.end, WARD]
    if period.section:
        where += " AND section_id = ?"
        params.append(period.section)
    rows = await sql.rows(
        "SELECT section_id, SUM(inspections) AS n, SUM(passed) AS p, SUM(failed) AS f "  # noqa: S608
        f"FROM inspection_tally WHERE {where} GROUP BY section_id HAVING SUM(inspections) > 0",
        params,
    )
    return sorted(
        (
            SectionInspections(int(r["section_id"]), int(r["n"]), int(r["p"] or 0), int(r["f"] or 0))
            for r in rows
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
    where, params = "scope <> ? AND month >= ? AND month <= ?", [WARD, period.first_month, period.end]
    if period.section:
        where += " AND scope = ?"
        params.append(period.section)
    found = await sql.rows(
        "SELECT scope, SUM(received) AS received, SUM(answered) AS answered, "  # noqa: S608 - fragments
        f"SUM(improved) AS improved FROM feedback_tally WHERE {where} "
        "GROUP BY scope HAVING SUM(received) > 0",
        params,
    )
    return {
        int(r["scope"]): SectionFeedback(
            int(r["scope"]), int(r["received"] or 0), int(r["answered"] or 0), int(r["improved"] or 0)
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


Key = TypeVar("Key")


def _pooled(cells: Iterable[tuple[Key, ComplianceCell]]) -> dict[Key, ComplianceCell]:
    sums: dict[Key, tuple[int, int]] = {}
    for key, cell in cells:
        kept, applicable = sums.get(key, (0, 0))
        sums[key] = (kept + cell.compliant, applicable + cell.applicable)
    return {key: ComplianceCell(kept, applicable) for key, (kept, applicable) in sums.items()}


@dataclass
class ComplianceStats:
    periods: list[str]
    cells: dict[tuple[int, str], ComplianceCell]
    targets: dict[int, float]  # 0: the ward's target
    missed: list[tuple[str, int, int]]  # standard code, times not kept, applicable answers
    _section_totals: dict[int, ComplianceCell] | None = field(default=None, init=False, repr=False)

    def section_total(self, section_id: int) -> ComplianceCell:
        return self.section_totals().get(section_id, ComplianceCell(0, 0))

    def section_totals(self) -> dict[int, ComplianceCell]:
        """Every section's pooled total, in one pass over the cells; kept, as the cells do not change once
        read and callers ask section by section."""
        if self._section_totals is None:
            self._section_totals = _pooled((section, cell) for (section, _), cell in self.cells.items())
        return self._section_totals

    def period_totals(self) -> dict[str, ComplianceCell]:
        return _pooled((period, cell) for (_, period), cell in self.cells.items())

    def target(self, section_id: int) -> float | None:
        return self.targets.get(section_id, self.targets.get(0))


async def compliance_stats(period: Period) -> ComplianceStats:
    """遵守率 per section and self-check period, pooled (compliant ÷ applicable, 該当なし left out),
    with the year's targets and the most-missed standards: grouped queries over the tallies."""
    # Plain statements rather than the ORM here: building an ORM query costs more than running these.
    schedule = await sql.rows(
        "SELECT months_per_period FROM self_check_schedule WHERE fiscal_year = ?", [period.year]
    )
    months = int(schedule[0]["months_per_period"]) if schedule else 1
    keys = [
        key
        for key in compliance_periods.periods_of(period.year, months)
        if period.start.replace(day=1) <= (compliance_periods.parse(key) or period.start) <= period.end
    ]
    where = "period IN ({})".format(", ".join("?" * len(keys)))
    params: list[Any] = [*keys]
    if period.section:
        where += " AND section_id = ?"
        params.append(period.section)
    cells: dict[tuple[int, str], ComplianceCell] = {}
    missed: list[tuple[str, int, int]] = []
    if keys:
        for row in await sql.rows(
            f"SELECT section_id, period, kept, applicable FROM compliance_section_tally WHERE {where} "  # noqa: S608
            "AND answers > 0",
            params,
        ):
            if int(row["section_id"]) != WARD:
                cells[(int(row["section_id"]), str(row["period"]))] = ComplianceCell(
                    int(row["kept"] or 0), int(row["applicable"] or 0)
                )
        # The ward's list reads the tally per standard; one section's, the tally per section and standard.
        source = "compliance_tally" if period.section else "compliance_standard_tally"
        for row in await sql.rows(
            "SELECT standard_code, SUM(missed) AS missed, SUM(applicable) AS applicable "  # noqa: S608
            f"FROM {source} WHERE {where} GROUP BY standard_code "
            "ORDER BY missed DESC, standard_code LIMIT 10",
            params,
        ):
            if int(row["missed"] or 0):
                missed.append((str(row["standard_code"]), int(row["missed"]), int(row["applicable"] or 0)))
    targets = {
        int(t["section_id"]): float(t["percent"])
        for t in await sql.rows(
            "SELECT section_id, percent FROM compliance_target WHERE fiscal_year = ?", [period.year]
        )
    }
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
    month = sql.month_of("visit_date", conn)
    where = "ward = ? AND deleted = ? AND visit_date >= ? AND visit_date <= ?"
    params: list[Any] = [ward, False, period.start, period.end]
    found = await sql.rows(
        f"SELECT {month} AS month, COUNT(*) AS visits, "  # noqa: S608 - constant fragments, values are parameters
        "SUM(CASE WHEN status = 'closed' OR purged THEN 1 ELSE 0 END) AS closed, "
        "SUM(handling_minutes) AS minutes, COUNT(handling_minutes) AS timed "
        f"FROM okuyami_case WHERE {where} GROUP BY {month} ORDER BY month",
        params,
    )
    # The first day of the month, a date or its ISO text by backend: shown as "YYYY-MM".
    months = [(str(r["month"])[:7], int(r["visits"]), int(r["closed"] or 0)) for r in found]
    timed = sum(int(r["timed"] or 0) for r in found)
    minutes = sum(int(r["minutes"] or 0) for r in found)
    spread = await sql.rows(
        "SELECT handling_minutes AS v, COUNT(*) AS n FROM okuyami_case "  # noqa: S608 - constant fragments
        f"WHERE {where} AND handling_minutes IS NOT NULL GROUP BY handling_minutes ORDER BY handling_minutes",
        params,
    )
    median = histograms.median([(int(r["v"]), int(r["n"])) for r in spread])
    return DeskVolume(
        months=months,
        visits=sum(v for _, v, _ in months),
        closed=sum(c for _, _, c in months),
        timed=timed,
        mean_minutes=minutes / timed if timed else None,
        median_minutes=median,
    )
