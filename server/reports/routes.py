"""Monthly section reports and the fiscal-year report of the Service Improvement Plan: A4 pages that
print, and the same as a PDF."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromQuery
from litestar.response import Template

from server import audit
from server.auth.guards import roles
from server.calendar_ja import fiscal_year
from server.dashboard import queries
from server.form_body import query_id
from server.goals.forms import FILING_LANGUAGE, STATUS_LABELS, status_wording
from server.models import Role, Section, User
from server.rendering import render
from server.reports import pdf, service
from server.state import AppState
from server.timekeeping import today

REPORT_USERS = roles(Role.CHIEF, Role.MANAGER)


def _period(
    request: Request[Any, Any, Any], year: int | None, month: str | None, section: int | None
) -> tuple[queries.Period, bool]:
    user: User = request.scope["state"]["user"]
    if user.role is Role.CHIEF:
        section = user.section_id
    start = queries.month_start(month)
    if start is not None:
        return queries.period_of(fiscal_year(start), month, month, section, today()), True
    return queries.period_of(year, None, None, section, today()), False


@get("/reports", opt=REPORT_USERS)
async def report_page(
    request: Request[Any, Any, Any],
    year: FromQuery[int | None] = None,
    month: FromQuery[str | None] = None,
    section: FromQuery[str | None] = None,
) -> Template:
    """The fiscal-year report, or with ``month`` a month's report; ``section`` narrows it to one."""
    period, monthly = _period(request, year, month, query_id(section))
    report = await service.build(period, today(), monthly=monthly)
    context = {
        "report": report,
        "month": period.start.strftime("%Y-%m") if monthly else "",
        "sections": await Section.all().order_by("sort_order"),
        "query": request.url.query,
        "status_labels": STATUS_LABELS,
    }
    return render(request, "reports/report.html", context)


@get("/reports/report.pdf", opt=REPORT_USERS)
async def report_pdf(
    request: Request[Any, Any, Any],
    year: FromQuery[int | None] = None,
    month: FromQuery[str | None] = None,
    section: FromQuery[str | None] = None,
) -> Response[bytes]:
    period, monthly = _period(request, year, month, query_id(section))
    report = await service.build(period, today(), monthly=monthly)
    state: AppState = request.app.state.madoguchi
    goal_status = status_wording(state.catalogs.gettext(FILING_LANGUAGE))
    content = pdf.render_pdf(report, state.settings.ward_name, goal_status)
    await audit.record(request, "report.pdf", target_type="report", target_id=f"{period.start}:{period.end}")
    name = f"report-{period.start:%Y%m}-{period.end:%Y%m}.pdf"
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "private, no-store"},
    )


routes = [report_page, report_pdf]
