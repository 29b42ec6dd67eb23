"""``/admin/calendar``: the ward office's closed days of a fiscal year (national holidays and the New Year
break, which no one edits, and the ward's own closures, which the システム管理者 adds and removes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from tortoise.exceptions import IntegrityError

from server.audit import record
from server.auth.guards import roles
from server.calendar_ja import fiscal_year
from server.form_body import FormBody
from server.i18n import N_
from server.models import OfficeClosure, Role, User
from server.office_calendar import service
from server.rendering import render
from server.timekeeping import today

ADMIN = roles(Role.ADMIN)
YEARS = range(2000, 2101)


def _user(request: Request[Any, Any, Any]) -> User:
    user: User = request.scope["state"]["user"]
    return user


async def _page(
    request: Request[Any, Any, Any],
    year: int,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> Template:
    return render(
        request,
        "admin/calendar.html",
        {"year": year, "closed": await service.year_closures(_user(request).ward, year),
         "errors": errors or {}, "typed": typed or {}},
        status_code=422 if errors else 200,
    )  # fmt: skip


@get("/admin/calendar", opt=ADMIN)
async def calendar_page(request: Request[Any, Any, Any], year: FromQuery[int | None] = None) -> Template:
    if year is not None and year not in YEARS:
        raise NotFoundException("No such fiscal year.")
    return await _page(request, year or fiscal_year(today()))


@post("/admin/calendar/closures", opt=ADMIN)
async def add_closure(request: Request[Any, Any, Any], data: FormBody) -> Template | Redirect:
    user = _user(request)
    typed = {"day": data.get("day", "").strip(), "reason": data.get("reason", "").strip()}
    errors: dict[str, str] = {}
    try:
        day = dt.date.fromisoformat(typed["day"])
    except ValueError:
        errors["day"] = N_("This is not a real date (year-month-day).")
        day = today()
    if not typed["reason"]:
        errors["reason"] = N_("Say why the office is closed.")
    elif len(typed["reason"]) > 100:
        errors["reason"] = N_("Keep this under 100 characters.")
    if not errors and service.fixed_closure(day):
        errors["day"] = N_("The office is already closed on this day.")
    if not errors:
        try:
            await OfficeClosure.create(ward=user.ward, day=day, reason=typed["reason"], created_by=user.login)
        except IntegrityError:
            errors["day"] = N_("The office is already closed on this day.")
    if errors:
        return await _page(request, fiscal_year(day), errors, typed)
    await record(request, "office_closure_added", target_type="office_closure", target_id=day.isoformat(),
                 detail={"reason": typed["reason"]})  # fmt: skip
    return Redirect(f"/admin/calendar?year={fiscal_year(day)}")


@post("/admin/calendar/closures/{day:date}/remove", opt=ADMIN)
async def remove_closure(request: Request[Any, Any, Any], day: FromPath[dt.date]) -> Redirect:
    removed = await OfficeClosure.filter(ward=_user(request).ward, day=day).delete()
    if not removed:
        raise NotFoundException("No such closure.")
    await record(request, "office_closure_removed", target_type="office_closure", target_id=day.isoformat())
    return Redirect(f"/admin/calendar?year={fiscal_year(day)}")


routes = [calendar_page, add_closure, remove_closure]
