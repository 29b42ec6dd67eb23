"""The plan's reports: a section's month and the ward's fiscal year (年度報告), built from the same
aggregate queries as the dashboard, one row per section."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from server.dashboard import queries
from server.models import Section, SectionGoal


@dataclass
class SectionReport:
    section: Section
    inspections: queries.SectionInspections | None = None
    actions: queries.SectionActions | None = None
    feedback: queries.SectionFeedback | None = None
    compliance: queries.ComplianceCell | None = None
    target: float | None = None
    goals: list[SectionGoal] = field(default_factory=list)


@dataclass
class Report:
    period: queries.Period
    monthly: bool
    sections: list[SectionReport]
    actions: queries.ActionStats
    funnel: queries.Funnel


async def build(period: queries.Period, today: dt.date, *, monthly: bool) -> Report:
    sections = await Section.all().order_by("sort_order")
    if period.section:
        sections = [s for s in sections if s.id == period.section]
    inspections = {r.section_id: r for r in await queries.inspection_stats(period)}
    actions = await queries.action_stats(period, today)
    per_action = {a.section_id: a for a in actions.sections}
    feedback = await queries.feedback_by_section(period)
    compliance = await queries.compliance_stats(period)
    goals: dict[int, list[SectionGoal]] = {}
    for goal in await SectionGoal.filter(fiscal_year=period.year, deleted=False).order_by("title"):
        goals.setdefault(goal.section_id or 0, []).append(goal)
    rows = [
        SectionReport(
            section=s,
            inspections=inspections.get(s.id),
            actions=per_action.get(s.id),
            feedback=feedback.get(s.id),
            compliance=compliance.section_total(s.id),
            target=compliance.target(s.id),
            goals=goals.get(s.id, []),
        )
        for s in sections
    ]
    return Report(period, monthly, rows, actions, await queries.feedback_funnel(period))
