"""The manager's dashboard: the plan's results per section and month, each panel loaded on its own so a
slow one never holds the page; the filters live in the address so a view can be bookmarked and shared.

/dashboard/report shows every panel in one page: printable, and kept for reading offline."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from markupsafe import Markup

from server.auth.guards import roles
from server.charts import svg, table
from server.compliance.service import FEW_ANSWERS
from server.csv_export import csv_response
from server.dashboard import queries
from server.form_body import query_id
from server.goals.forms import FILING_LANGUAGE, STATUS_LABELS, status_wording
from server.i18n import N_
from server.models import Role, Section, ServiceStandard, User
from server.rendering import render, request_language
from server.state import AppState
from server.timekeeping import today

DASHBOARD_USERS = roles(Role.CHIEF, Role.MANAGER)
PANELS = ("compliance", "rounds", "inspections", "actions", "feedback", "goals", "okuyami", "sync")
# The desk's figures are the ward's, not a section's: a manager's (the cases themselves are the desk's only).
MANAGER_PANELS = frozenset({"okuyami"})
PANEL_TITLES = {
    "compliance": N_("Compliance rate (遵守率) against target"),
    "rounds": N_("Inspection rounds: done, late, missed"),
    "inspections": N_("Inspections and their scores"),
    "actions": N_("Corrective actions"),
    "feedback": N_("Citizen comments: from receipt to improvement"),
    "goals": N_("Section goals and their progress"),
    "okuyami": N_("Bereavement desk: visits and handling time"),
    "sync": N_("Sync health per device"),
}


def panels_for(user: User) -> tuple[str, ...]:
    return tuple(name for name in PANELS if name not in MANAGER_PANELS or user.role is Role.MANAGER)


def _panel_allowed(request: Request[Any, Any, Any], name: str) -> None:
    """An unknown panel is not found; a known one outside the user's role is refused."""
    if name not in PANELS:
        raise NotFoundException()
    if name not in panels_for(request.scope["state"]["user"]):
        raise PermissionDeniedException()


def _period(
    request: Request[Any, Any, Any],
    year: int | None,
    month_from: str | None,
    month_to: str | None,
    section: int | None,
) -> queries.Period:
    user: User = request.scope["state"]["user"]
    if user.role is Role.CHIEF:
        section = user.section_id  # a 課長 sees their own section
    return queries.period_of(year, month_from, month_to, section, today())


def _gettext(request: Request[Any, Any, Any]) -> Callable[[str], str]:
    state: AppState = request.app.state.madoguchi
    return state.catalogs.gettext(request_language(request))


def _query(period: queries.Period, month_from: str | None, month_to: str | None) -> str:
    params: dict[str, Any] = {"year": period.year}
    if month_from:
        params["month_from"] = month_from[:7]
    if month_to:
        params["month_to"] = month_to[:7]
    if period.section:
        params["section"] = period.section
    return urlencode(params)


def _section_name(sections: dict[int, Section], section_id: int) -> str:
    return sections[section_id].name if section_id in sections else str(section_id)


def _month_label(key: str, language: str) -> str:
    """A heat-map column: ``4月`` in Japanese, ``Apr`` in English."""
    month = int(key[5:7])
    return f"{month}月" if language == "ja" else calendar.month_abbr[month]


def _compliance_table(
    compliance: queries.ComplianceStats,
    shown: list[Section],
    labels: list[str],
    gettext: Callable[[str], str],
) -> Markup:
    """The heat map's numbers: each section's rate and count per month, its year so far and its target."""

    def figure(cell: queries.ComplianceCell | None, digits: int) -> table.Figure | None:
        if cell is None or not cell.applicable or cell.percent is None:
            return None
        return table.Figure(f"{cell.percent:.{digits}f}%", f"{cell.compliant}/{cell.applicable}")

    totals = compliance.section_totals()
    rows = []
    for s in shown:
        cells: list[table.Cell] = [figure(compliance.cells.get((s.id, key)), 0) for key in compliance.periods]
        cells.append(figure(totals.get(s.id), 1))
        target = compliance.target(s.id)
        cells.append(None if target is None else f"{target:g}%")
        rows.append((s.name, cells))
    head = [gettext("Section"), *labels, gettext("Fiscal year so far"), gettext("Target rate")]
    return table.data_table(head, rows)


async def _panel_context(
    request: Request[Any, Any, Any], name: str, period: queries.Period
) -> dict[str, Any]:
    language = request_language(request)
    gettext = _gettext(request)
    sections = {s.id: s for s in await Section.all().order_by("sort_order")}
    context: dict[str, Any] = {
        "panel": name,
        "title": PANEL_TITLES[name],
        "sections": sections,
        "period": period,
    }
    if name == "compliance":
        compliance = await queries.compliance_stats(period)
        shown = [s for s in sections.values() if not period.section or s.id == period.section]
        labels = [_month_label(key, language) for key in compliance.periods]
        cells = {
            (r, c): svg.Cell(cell.percent, cell.applicable, few=cell.applicable < FEW_ANSWERS)
            for r, section in enumerate(shown)
            for c, key in enumerate(compliance.periods)
            if (cell := compliance.cells.get((section.id, key))) is not None and cell.applicable
        }
        context["compliance"] = compliance
        context["shown_sections"] = shown
        context["period_labels"] = labels
        targets = {r: compliance.target(s.id) for r, s in enumerate(shown)}
        untargeted = [s.name for r, s in enumerate(shown) if targets[r] is None]
        legend = gettext(
            "Green at or above the section's target, red below it, grey without answers; "
            "n is the number of applicable answers, hatched when there are few."
        )
        if untargeted:
            legend += " " + gettext(
                "No target is set for %(sections)s: their rates are drawn in shades of blue (darker is "
                "higher), neither good nor bad."
            ) % {"sections": "、".join(untargeted)}
        context["heat_map"] = svg.heat_map(
            "chart-compliance",
            gettext("Compliance rate per section and month"),
            legend,
            [s.name for s in shown],
            labels,
            cells,
            targets,
        )
        context["heat_map_legend"] = legend
        context["numbers"] = _compliance_table(compliance, shown, labels, gettext)
        by_period = compliance.period_totals()
        ward = [by_period[key].percent if key in by_period else None for key in compliance.periods]
        target = compliance.target(0)
        series = [svg.Series(gettext("Ward"), ward)]
        if target is not None:
            series.append(svg.Series(gettext("Target rate"), [target] * len(labels), colour=svg.MUTED))
        context["trend"] = svg.line_chart(
            "chart-compliance-trend",
            gettext("Compliance rate over the fiscal year"),
            gettext("The ward's pooled rate per month, with the target."),
            labels,
            series,
        )
        codes = [code for code, _, _ in compliance.missed]
        context["standards"] = {s.code: s for s in await ServiceStandard.filter(code__in=codes)}
    elif name == "rounds":
        context["round_rows"] = await queries.round_stats(period, today())
    elif name == "inspections":
        rows = await queries.inspection_stats(period)
        context["rows"] = rows
        context["bars"] = [
            svg.Bar(_section_name(sections, r.section_id), round(r.score or 0), note=f"n={r.inspections}")
            for r in rows
        ]
    elif name == "actions":
        stats = await queries.action_stats(period, today())
        context["stats"] = stats
        context["bars"] = [
            svg.Bar(
                gettext("%(low)s–%(high)s days") % {"low": low, "high": high}
                if high is not None
                else gettext("over %(low)s days") % {"low": low - 1},
                count,
            )
            for (low, high), count in stats.by_age
        ]
    elif name == "feedback":
        funnel = await queries.feedback_funnel(period)
        context["funnel"] = funnel
        context["bars"] = [
            svg.Bar(gettext("Comments received"), funnel.received),
            svg.Bar(gettext("Answered"), funnel.answered),
            svg.Bar(gettext("Published"), funnel.published),
            svg.Bar(gettext("Improved"), funnel.improved),
        ]
    elif name == "goals":
        goals = await queries.goal_progress(period)
        context["goals"] = goals
        context["status_labels"] = STATUS_LABELS
        context["status_ja"] = status_wording(request.app.state.madoguchi.catalogs.gettext(FILING_LANGUAGE))
        context["bars"] = [
            svg.Bar(gettext(label), goals.by_status[status])
            for status, label in STATUS_LABELS.items()
            if goals.by_status.get(status)
        ]
    elif name == "okuyami":
        desk = await queries.desk_volume(period, request.scope["state"]["user"].ward)
        context["desk"] = desk
        context["bars"] = [svg.Bar(_month_label(key, language), visits) for key, visits, _ in desk.months]
    elif name == "sync":
        context["devices"], context["conflicts"] = await queries.sync_health()
    return context


@get("/dashboard", opt=DASHBOARD_USERS)
async def dashboard(
    request: Request[Any, Any, Any],
    year: FromQuery[int | None] = None,
    month_from: FromQuery[str | None] = None,
    month_to: FromQuery[str | None] = None,
    section: FromQuery[str | None] = None,
) -> Template:
    """The ward's results at a glance; each panel arrives on its own."""
    period = _period(request, year, month_from, month_to, query_id(section))
    context = {
        "period": period,
        "query": _query(period, month_from, month_to),
        "filters": {"month_from": (month_from or "")[:7], "month_to": (month_to or "")[:7]},
        "sections": await Section.all().order_by("sort_order"),
        "panels": panels_for(request.scope["state"]["user"]),
        "panel_titles": PANEL_TITLES,
    }
    return render(request, "dashboard/index.html", context)


@get("/dashboard/panels/{name:str}", opt=DASHBOARD_USERS)
async def panel(
    request: Request[Any, Any, Any],
    name: FromPath[str],
    year: FromQuery[int | None] = None,
    month_from: FromQuery[str | None] = None,
    month_to: FromQuery[str | None] = None,
    section: FromQuery[str | None] = None,
) -> Template:
    """One panel: its chart, the numbers behind it in a table, the period and counts."""
    _panel_allowed(request, name)
    period = _period(request, year, month_from, month_to, query_id(section))
    context = await _panel_context(request, name, period)
    return render(request, "dashboard/panel.html", context, fragment="dashboard/_panel.html")


@get("/dashboard/report", opt=DASHBOARD_USERS)
async def report(
    request: Request[Any, Any, Any],
    year: FromQuery[int | None] = None,
    month_from: FromQuery[str | None] = None,
    month_to: FromQuery[str | None] = None,
    section: FromQuery[str | None] = None,
) -> Template:
    """Every panel in one page, for printing and for reading offline."""
    period = _period(request, year, month_from, month_to, query_id(section))
    names = panels_for(request.scope["state"]["user"])
    panels = [await _panel_context(request, name, period) for name in names]
    return render(request, "dashboard/report.html", {"period": period, "panels": panels})


def _rate_cells(cell: queries.ComplianceCell | None) -> list[Any]:
    """A compliance rate as three numbers a spreadsheet can use: the percentage, kept, applicable."""
    if cell is None or not cell.applicable:
        return ["", "", ""]
    return [round(cell.percent or 0.0, 1), cell.compliant, cell.applicable]


def _number(value: float | None) -> float | str:
    return "" if value is None else value


def _csv_rows(name: str, context: dict[str, Any]) -> list[list[Any]]:
    """The table behind a panel, as rows for a spreadsheet (headers in Japanese, as staff file them)."""
    sections = context["sections"]

    def section_name(section_id: int) -> str:
        return sections[section_id].name if section_id in sections else str(section_id)

    if name == "compliance":
        stats = context["compliance"]
        header: list[Any] = ["課"]
        for label in [*stats.periods, "年度計"]:
            header += [f"{label} 遵守率(%)", f"{label} 遵守", f"{label} 該当"]
        out: list[list[Any]] = [[*header, "目標(%)"]]
        for s in context["shown_sections"]:
            row: list[Any] = [s.name]
            for key in stats.periods:
                row += _rate_cells(stats.cells.get((s.id, key)))
            row += _rate_cells(stats.section_total(s.id))
            target = stats.target(s.id)
            row.append("" if target is None else int(target) if float(target).is_integer() else target)
            out.append(row)
        return out
    if name == "rounds":
        out = [["課", "実施済", "遅れて実施", "未実施", "実施時期"]]
        for r in context["round_rows"]:
            out.append([section_name(r.section_id), r.done, r.late, r.missed, r.due])
        return out
    if name == "inspections":
        out = [["課", "点検数", "適", "不適", "点数(%)"]]
        for r in context["rows"]:
            score = "" if r.score is None else round(r.score, 1)
            out.append([section_name(r.section_id), r.inspections, r.passed, r.failed, score])
        return out
    if name == "actions":
        out = [["課", "未完了", "期限切れ", "期間中の完了", "期限内の完了"]]
        for a in context["stats"].sections:
            out.append([section_name(a.section_id), a.open, a.overdue, a.closed, a.closed_on_time])
        return out
    if name == "feedback":
        f = context["funnel"]
        return [
            ["受付", "回答", "公開", "改善", "回答までの日数(中央値)", "回答までの日数(90パーセンタイル)"],
            [f.received, f.answered, f.published, f.improved, _number(f.median_days), _number(f.p90_days)],
        ]
    if name == "goals":
        out = [["課", "目標", "指標", "目標値", "状況"]]
        labels = context["status_ja"]
        for g in context["goals"].goals:
            status = labels.get(g.status, g.status)
            out.append([section_name(g.section_id), g.title, g.indicator, g.target, status])
        return out
    if name == "okuyami":
        desk = context["desk"]
        out = [["月", "来庁件数", "完了件数"]]
        out += [[key, visits, closed] for key, visits, closed in desk.months]
        mean = "" if desk.mean_minutes is None else round(desk.mean_minutes, 1)
        median = _number(desk.median_minutes)
        out.append(["計", desk.visits, desk.closed])
        out.append(["平均対応時間(分)", mean, f"記録 {desk.timed} 件"])
        out.append(["対応時間の中央値(分)", median, ""])
        return out
    out = [["端末", "利用者", "最終同期", "未送信(報告値)", "未解決の競合", "停止"]]
    for d in context["devices"]:
        synced = d.last_sync_at.isoformat() if d.last_sync_at else ""
        out.append([d.label, d.login, synced, d.unsent, d.conflicts, "はい" if d.revoked else ""])
    return out


@get("/dashboard/export/{name:str}", opt=DASHBOARD_USERS)
async def export_csv(
    request: Request[Any, Any, Any],
    name: FromPath[str],
    year: FromQuery[int | None] = None,
    month_from: FromQuery[str | None] = None,
    month_to: FromQuery[str | None] = None,
    section: FromQuery[str | None] = None,
) -> Response[bytes]:
    """A panel's table as CSV, UTF-8 with a byte-order mark so Excel reads the Japanese correctly."""
    name = name.removesuffix(".csv")
    _panel_allowed(request, name)
    period = _period(request, year, month_from, month_to, query_id(section))
    context = await _panel_context(request, name, period)
    rows = [[f"期間 {period.start.isoformat()}〜{period.end.isoformat()}"], *_csv_rows(name, context)]
    return csv_response(rows, f"{name}-{period.start:%Y%m}-{period.end:%Y%m}.csv")


routes = [dashboard, panel, report, export_csv]
