"""Self-checks: each person's sheet for the period (offline on a tablet), and the 課長's view of who has
answered, reminders and confirming the period."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from server.audit import record
from server.auth.guards import roles
from server.calendar_ja import fiscal_year
from server.compliance import periods, service
from server.compliance.forms import AnswerForm, parse_answer
from server.compliance.rules import (
    CLOSED_PERIOD,
    NO_STANDARD,
    NOT_APPLICABLE,
    RETIRED,
    answer_id,
    applies,
    mode_of,
    months_per_period,
    period_problem,
    respondent_for,
)
from server.compliance.synced import SELF_CHECK_ANSWERS
from server.flash import flash
from server.form_body import FormBody
from server.i18n import N_
from server.models import (
    RESULT_LABELS,
    CheckMode,
    Result,
    Role,
    SelfCheckConfirmation,
    SelfCheckReminder,
    SelfCheckSetting,
    ServiceStandard,
    User,
)
from server.rendering import render
from server.state import AppState
from server.timekeeping import today
from sync import Kind

ANSWERERS = roles(Role.STAFF, Role.CHIEF)
CHIEF = roles(Role.CHIEF)
KEPT_FOR_REVIEW = N_(
    "The section chief has already confirmed this period. Your answer was kept and waits for the section "
    "chief's review."
)
NO_SECTION = N_("Your account belongs to no section. Ask the system administrator to set one.")


def _user(request: Request[Any, Any, Any]) -> User:
    user: User = request.scope["state"]["user"]
    return user


async def _period_choice(period: str | None) -> tuple[str, list[str], int, str | None]:
    """The period asked for (or the current one), the year's periods so far, their length, a problem."""
    current = await service.current_period(today())
    problem = await period_problem(period) if period else None
    chosen = current if not period or problem else period
    first = periods.parse(chosen)
    assert first is not None
    year = fiscal_year(first)
    months = await months_per_period(year)
    so_far = [p for p in periods.periods_of(year, months) if p <= current]
    return chosen, so_far, months, problem


async def _neighbours(chosen: str) -> dict[str, str | None]:
    """The last period of the previous fiscal year, and the current period when looking at a past year."""
    first = periods.parse(chosen)
    assert first is not None
    year = fiscal_year(first)
    current = await service.current_period(today())
    before = periods.periods_of(year - 1, await months_per_period(year - 1))[-1]
    return {
        "earlier": before,
        "later": current if fiscal_year(periods.parse(current) or first) > year else None,
    }


async def _sheet_page(
    request: Request[Any, Any, Any],
    period: str | None,
    *,
    failed: AnswerForm | None = None,
    status_code: int = 200,
) -> Template:
    user = _user(request)
    chosen, so_far, months, problem = await _period_choice(period)
    if failed is not None and not problem:
        chosen = failed.period if periods.parse(failed.period) else chosen
    context: dict[str, Any] = {
        "period": chosen,
        "periods": so_far,
        **(await _neighbours(chosen)),
        "months": months,
        "period_label": periods.label,
        "problem": problem,
        "failed": failed,
        "result_labels": RESULT_LABELS,
        "results": [r.value for r in Result],
        "no_section": user.section_id is None,
    }
    if user.section_id is not None:
        respondent = await respondent_for(user)
        groups = await service.sheet(user, chosen, respondent)
        rows = [row for g in groups for row in g.rows]
        context.update(
            {
                "respondent": respondent,
                "groups": groups,
                "answered": sum(1 for r in rows if r.result),
                "total": len(rows),
                "rate": service.pooled(r.result for r in rows),
                "confirmation": await SelfCheckConfirmation.get_or_none(
                    section_id=user.section_id, period=chosen
                ),
                "section_mode": respondent.startswith("section:"),
            }
        )
    return render(request, "compliance/sheet.html", context, status_code=status_code)


@get("/self-check", opt=ANSWERERS)
async def self_check(request: Request[Any, Any, Any], period: FromQuery[str | None] = None) -> Template:
    """This period's self-check: one tap per standard, offline on a tablet."""
    return await _sheet_page(
        request, period, status_code=422 if period and await period_problem(period) else 200
    )


@post("/self-check/answer", opt=ANSWERERS)
async def save_answer(request: Request[Any, Any, Any], data: FormBody) -> Template | Redirect:
    """One answer from a browser without script: through the same engine and rules as a tablet's."""
    user = _user(request)
    form = parse_answer(data)
    standard = await ServiceStandard.get_or_none(code=form.standard_code)
    if user.section_id is None:
        form.errors["result"] = NO_SECTION
    elif problem := await period_problem(form.period):
        form.errors["result"] = problem
    elif standard is None:
        form.errors["result"] = NO_STANDARD
    if form.errors or standard is None or user.section_id is None:
        return await _sheet_page(request, form.period, failed=form, status_code=422)
    respondent = await respondent_for(user)
    record_id = answer_id(form.period, respondent, standard.code)
    state: AppState = request.app.state.madoguchi
    existing = (await state.sync.store.get_records([("self_check_answers", record_id)])).get(
        ("self_check_answers", record_id)
    )
    person = None if respondent.startswith("section:") else user
    if existing is None:
        if await SelfCheckConfirmation.exists(section_id=user.section_id, period=form.period):
            form.errors["result"] = CLOSED_PERIOD
        elif not standard.active:
            form.errors["result"] = RETIRED
        elif not applies(standard.applies_to, person):
            form.errors["result"] = NOT_APPLICABLE
        if form.errors:
            return await _sheet_page(request, form.period, failed=form, status_code=422)
        fields: dict[str, Any] = {
            "section_id": user.section_id,
            "period": form.period,
            "respondent": respondent,
            "standard_code": standard.code,
            "standard_version": standard.version,
            "result": form.result,
        }
        if form.note:
            fields["note"] = form.note
        result = await state.sync.web_write(user, "self_check_answers", record_id, Kind.CREATE, fields, None)
    else:
        base = data.get("base_version", "")
        version = int(base) if base.isdigit() else existing.version
        current = existing.values(SELF_CHECK_ANSWERS)
        # Only what changed: an unchanged note must not reopen a confirmed answer.
        changes = {
            k: v for k, v in {"result": form.result, "note": form.note}.items() if v != (current[k] or "")
        }
        if not changes:
            return Redirect(f"/self-check?period={form.period}#std-{standard.code}")
        result = await state.sync.web_write(
            user, "self_check_answers", record_id, Kind.PATCH, changes, version
        )
    if result["status"] == "rejected":
        form.errors["result"] = str(result["error"])
        return await _sheet_page(request, form.period, failed=form, status_code=422)
    if result["status"] == "conflict" and await SelfCheckConfirmation.exists(
        section_id=user.section_id, period=form.period
    ):
        form.errors["result"] = KEPT_FOR_REVIEW
        return await _sheet_page(request, form.period, failed=form, status_code=422)
    flash(request, N_("Answer saved."))
    return Redirect(f"/self-check?period={form.period}#std-{standard.code}")


# ---- the 課長's view ----------------------------------------------------------------------------


@get("/self-check/section", opt=CHIEF)
async def section_period(request: Request[Any, Any, Any], period: FromQuery[str | None] = None) -> Template:
    """Who has answered the period's self-check, the section's 遵守率 so far, reminders, confirming."""
    return await _section_page(request, period)


async def _section_page(request: Request[Any, Any, Any], period: str | None) -> Template:
    user = _user(request)
    chosen, so_far, months, problem = await _period_choice(period)
    context: dict[str, Any] = {
        "period": chosen,
        "periods": so_far,
        **(await _neighbours(chosen)),
        "months": months,
        "period_label": periods.label,
        "problem": problem,
        "no_section": user.section_id is None,
    }
    if user.section_id is not None:
        found = await service.rates(so_far, user.section_id)
        confirmed = {
            c.period: c
            for c in await SelfCheckConfirmation.filter(section_id=user.section_id, period__in=so_far)
        }
        year_targets = await service.targets(fiscal_year(periods.parse(chosen) or today()))
        context.update(
            {
                "progress": await service.progress(user.section_id, chosen),
                "rate": service.total(found, period=chosen),
                "by_period": [(p, service.total(found, period=p)) for p in so_far],
                "confirmed": confirmed,
                "names": {
                    u.login: u.display_name
                    for u in await User.filter(login__in=[c.confirmed_by for c in confirmed.values()])
                },
                "target": service.target_of(year_targets, user.section_id),
                "mode": (await mode_of(user.section_id)).value,
            }
        )
    return render(request, "compliance/section.html", context, status_code=422 if problem else 200)


@post("/self-check/section/remind", opt=CHIEF)
async def remind(request: Request[Any, Any, Any], data: FormBody) -> Redirect:
    """Remind someone who has not finished: the reminder waits on their home page."""
    user = _user(request)
    period = data.get("period", "")
    person_id = data.get("user_id", "")
    if user.section_id is not None and not await period_problem(period) and person_id.isdigit():
        person = await User.get_or_none(id=int(person_id), section_id=user.section_id, active=True)
        if person is not None:
            await SelfCheckReminder.create(
                user_id=person.id, section_id=user.section_id, period=period, sent_by=user.login
            )
    flash(request, N_("Reminder sent."))
    return Redirect(
        f"/self-check/section?period={period}" if periods.parse(period) else "/self-check/section"
    )


@post("/self-check/section/confirm", opt=CHIEF)
async def confirm(request: Request[Any, Any, Any], data: FormBody) -> Template | Redirect:
    """Confirm the section's check for the period; its answers are locked from then on."""
    user = _user(request)
    period = data.get("period", "")
    if user.section_id is None or await period_problem(period):
        return await _section_page(request, period)
    state: AppState = request.app.state.madoguchi
    await service.confirm(state, user, period)
    await record(request, "self_check_confirmed", target_type="section", target_id=user.section_id,
                 detail={"period": period})  # fmt: skip
    flash(request, N_("Period confirmed: the answers are locked."))
    return Redirect(f"/self-check/section?period={period}")


@post("/self-check/section/mode", opt=CHIEF)
async def set_mode(request: Request[Any, Any, Any], data: FormBody) -> Redirect:
    """Answer person by person, or once as the whole section."""
    user = _user(request)
    mode = data.get("mode", "")
    if user.section_id is not None and mode in {m.value for m in CheckMode}:
        await SelfCheckSetting.update_or_create(
            section_id=user.section_id, defaults={"mode": CheckMode(mode)}
        )
    flash(request, N_("Saved."))
    return Redirect("/self-check/section")


routes = [self_check, save_answer, section_period, remind, confirm, set_mode]
