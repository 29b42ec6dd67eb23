"""遵守率 against target: each section per period, the ward roll-up, the standards most often missed
(Pareto) and the trend over the fiscal year; targets and period length set by the 管理者."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from server.audit import record
from server.auth.guards import roles
from server.calendar_ja import fiscal_year
from server.compliance import periods, service
from server.compliance.forms import parse_percent
from server.compliance.rules import months_per_period
from server.flash import flash
from server.form_body import FormBody
from server.i18n import N_
from server.models import Role, Section, SelfCheckAnswer, SelfCheckSchedule, User
from server.rendering import render
from server.timekeeping import today

READERS = roles(Role.CHIEF, Role.MANAGER)
MANAGER = roles(Role.MANAGER)
LENGTH_LABELS = {
    1: N_("Every month"),
    2: N_("Every two months"),
    3: N_("Every three months"),
    6: N_("Every six months"),
    12: N_("Once a year"),
}
BAD_YEAR = N_("Choose a fiscal year between 2000 and 2100.")
BAD_LENGTH = N_("Choose one of the period lengths offered.")
LENGTH_FIXED = N_("Answers already exist for this fiscal year, so its period length can no longer change.")


def _user(request: Request[Any, Any, Any]) -> User:
    user: User = request.scope["state"]["user"]
    return user


def _year(raw: int | None) -> int:
    return raw if raw is not None and 2000 <= raw <= 2100 else fiscal_year(today())


@get("/compliance", opt=READERS)
async def rates_page(request: Request[Any, Any, Any], year: FromQuery[int | None] = None) -> Template:
    """Each section's 遵守率 per period against its target, the ward roll-up, Pareto and trend."""
    user = _user(request)
    chosen = _year(year)
    months = await months_per_period(chosen)
    current = await service.current_period(today())
    keys = [p for p in periods.periods_of(chosen, months) if p <= current]
    own = user.section_id if user.role is Role.CHIEF else None
    sections = (
        await Section.filter(id=own)
        if own is not None
        else await Section.filter(active=True).order_by("sort_order")
    )
    found = await service.rates(keys, own)
    inspected = await service.inspection_rates(chosen, own)
    year_targets = await service.targets(chosen)
    scope = own  # None: the whole ward
    trend = [(p, service.total(found, section_id=scope, period=p)) for p in keys]
    return render(
        request,
        "compliance/rates.html",
        {
            "year": chosen,
            "years": list(range(fiscal_year(today()), fiscal_year(today()) - 5, -1)),
            "months": months,
            "keys": keys,
            "period_label": periods.label,
            "sections": sections,
            "cell": lambda section_id, key: service.total(found, section_id=section_id, period=key),
            "year_rate": lambda section_id: service.total(found, section_id=section_id),
            "inspection_rate": lambda section_id: inspected.get(section_id, service.Rate()),
            "ward": lambda key: service.total(found, period=key),
            "ward_year": service.total(found),
            "target_of": lambda section_id: service.target_of(year_targets, section_id),
            "ward_target": year_targets.get(0),
            "trend": trend,
            "pareto": await service.pareto(keys, own),
            "is_manager": user.role is Role.MANAGER,
        },
    )


async def _targets_page(
    request: Request[Any, Any, Any],
    year: int,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    sections = await Section.filter(active=True).order_by("sort_order")
    found = await service.targets(year)
    if values is None:
        values = {"ward": str(found[0]) if 0 in found else ""}
        values.update({f"section_{s.id}": str(found[s.id]) if s.id in found else "" for s in sections})
        values["months_per_period"] = str(await months_per_period(year))
    return render(
        request,
        "compliance/targets.html",
        {
            "year": year,
            "sections": sections,
            "values": values,
            "errors": errors or {},
            "lengths": periods.PERIOD_LENGTHS,
            "length_labels": LENGTH_LABELS,
        },
        status_code=status_code,
    )


@get("/compliance/targets", opt=MANAGER)
async def targets_page(request: Request[Any, Any, Any], year: FromQuery[int | None] = None) -> Template:
    """The ward's target and each section's own target for a fiscal year, and its period length."""
    return await _targets_page(request, _year(year))


@post("/compliance/targets", opt=MANAGER)
async def save_targets(request: Request[Any, Any, Any], data: FormBody) -> Template | Redirect:
    """Save the targets; a value outside 0–100% is refused at its field and everything typed stays."""
    raw_year = data.get("year", "")
    year = int(raw_year) if raw_year.isdigit() else 0
    sections = await Section.filter(active=True).order_by("sort_order")
    values = {k: v for k, v in data.items() if k != "_csrf_token"}
    errors: dict[str, str] = {}
    if not 2000 <= year <= 2100:
        errors["year"] = BAD_YEAR
        year = fiscal_year(today())
    parsed: dict[int, Decimal | None] = {}
    for key, section_id in [("ward", 0), *((f"section_{s.id}", s.id) for s in sections)]:
        percent, problem = parse_percent(values.get(key, ""))
        if problem:
            errors[key] = problem
        parsed[section_id] = percent
    length = values.get("months_per_period", "1")
    if not length.isdigit() or int(length) not in periods.PERIOD_LENGTHS:
        errors["months_per_period"] = BAD_LENGTH
    elif int(length) != await months_per_period(year):
        first, last = periods.periods_of(year, 1)[0], periods.periods_of(year, 1)[-1]
        if await SelfCheckAnswer.filter(period__gte=first, period__lte=last).exists():
            errors["months_per_period"] = LENGTH_FIXED
    if errors:
        return await _targets_page(request, year, values, errors, status_code=422)
    login = _user(request).login
    for section_id, percent in parsed.items():
        await service.set_target(year, section_id, percent, login)
    await SelfCheckSchedule.update_or_create(fiscal_year=year, defaults={"months_per_period": int(length)})
    await record(
        request,
        "compliance_targets_saved",
        target_type="fiscal_year",
        target_id=year,
        detail={str(k): str(v) if v is not None else None for k, v in parsed.items()},
    )
    flash(request, N_("Targets saved."))
    return Redirect(f"/compliance?year={year}")


routes = [rates_page, targets_page, save_targets]
