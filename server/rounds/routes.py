"""点検の実施状況: each section's inspection rounds through the fiscal year, and their schedules (admin)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from tortoise.exceptions import IntegrityError

from server.audit import record
from server.auth.guards import roles
from server.calendar_ja import fiscal_year
from server.flash import flash
from server.form_body import FormBody
from server.i18n import N_
from server.inspections.templates import published
from server.models import InspectionRound, Role, Section, User
from server.rendering import render, request_language
from server.rounds import queries
from server.rounds.forms import RoundForm, parse_round
from server.rounds.service import EVERY_LABELS, STATUS_LABELS, period_label, schedules
from server.state import AppState
from server.timekeeping import today

ROUND_VIEWERS = roles(Role.STAFF, Role.CHIEF, Role.MANAGER, Role.ADMIN)
ADMIN = roles(Role.ADMIN)
FIRST_YEAR = 2000


def _user(request: Request[Any, Any, Any]) -> User:
    user: User = request.scope["state"]["user"]
    return user


def _section_name(section: Section, language: str) -> str:
    return section.name_en if language != "ja" and section.name_en else section.name


@get("/inspections/rounds", opt=ROUND_VIEWERS)
async def rounds_status(request: Request[Any, Any, Any], year: FromQuery[int | None] = None) -> Template:
    """This fiscal year's rounds: each period done, late, missed, due or upcoming, per section."""
    user = _user(request)
    language = request_language(request)
    current = fiscal_year(today())
    if year is None or not FIRST_YEAR <= year <= current + 1:
        year = current
    query = Section.filter(active=True).order_by("sort_order", "id")
    if user.role in {Role.STAFF, Role.CHIEF}:
        query = Section.filter(id=user.section_id or 0)
    sections = await query
    section_ids = [s.id for s in sections]
    plans = await queries.active_plans(section_ids)
    names = await queries.family_names(language)
    done = await queries.submissions(year, section_ids, sorted({p.family for p in plans}))
    rows = schedules(
        year, today(), [(s.id, _section_name(s, language)) for s in sections], plans, names, done
    )
    return render(
        request,
        "rounds/index.html",
        {
            "year": year,
            "current_year": current,
            "first_year": FIRST_YEAR,
            "schedules": rows,
            "status_labels": STATUS_LABELS,
            "every_labels": EVERY_LABELS,
            "period_label": period_label,
        },
    )


async def _manage_page(
    request: Request[Any, Any, Any],
    *,
    new: RoundForm | None = None,
    row_forms: dict[int, RoundForm] | None = None,
    status_code: int = 200,
) -> Template:
    language = request_language(request)
    state: AppState = request.app.state.madoguchi
    gettext = state.catalogs.gettext(language)
    sections = await Section.all().order_by("sort_order", "id")
    names = await queries.family_names(language)
    position = {s.id: n for n, s in enumerate(sections)}
    rounds = sorted(
        await InspectionRound.all(),
        key=lambda r: (position.get(r.section_id, len(position)), names.get(r.family, r.family)),
    )
    forms = {r.id: RoundForm(str(r.section_id), r.family, str(r.every_months), r.active) for r in rounds}
    forms.update(row_forms or {})
    return render(
        request,
        "rounds/manage.html",
        {
            "rounds": rounds,
            "forms": forms,
            "new": new or RoundForm(),
            "section_names": {s.id: _section_name(s, language) for s in sections},
            "family_names": names,
            "section_options": [("", gettext("Choose…"))]
            + [(str(s.id), _section_name(s, language)) for s in sections if s.active],
            "family_options": [("", gettext("Choose…"))]
            + [(t.family, names.get(t.family, t.name)) for t in await published()],
            "every_options": [(str(k), gettext(v)) for k, v in EVERY_LABELS.items()],
        },
        status_code=status_code,
    )


@get("/inspections/rounds/manage", opt=ADMIN)
async def manage_rounds(request: Request[Any, Any, Any]) -> Template:
    """Every round with its interval; add one, change it or stop it."""
    return await _manage_page(request)


async def _choices() -> tuple[set[int], set[str]]:
    section_ids = {s.id for s in await Section.filter(active=True).only("id")}
    return section_ids, {t.family for t in await published()}


@post("/inspections/rounds/new", opt=ADMIN)
async def add_round(request: Request[Any, Any, Any], data: FormBody) -> Template | Redirect:
    """Schedule a template for a section (a stopped round of the same pair is started again)."""
    section_ids, families = await _choices()
    form = parse_round(data, section_ids=section_ids, families=families, creating=True)
    if not form.errors:
        section_id, every = int(form.section_id), int(form.every_months)
        existing = await InspectionRound.get_or_none(section_id=section_id, family=form.family)
        if existing is not None and existing.active:
            form.errors["family"] = N_("This section already has this round. Change it in the list below.")
        else:
            try:
                if existing is None:
                    existing = await InspectionRound.create(
                        section_id=section_id, family=form.family, every_months=every
                    )
                else:
                    existing.every_months, existing.active = every, True
                    await existing.save(update_fields=["every_months", "active"])
            except IntegrityError:
                form.errors["family"] = N_(
                    "This section already has this round. Change it in the list below."
                )
            else:
                await _audit(request, existing)
                flash(request, N_("Round saved."))
                return Redirect("/inspections/rounds/manage")
    return await _manage_page(request, new=form, status_code=422)


@post("/inspections/rounds/{round_id:int}", opt=ADMIN)
async def save_round(
    request: Request[Any, Any, Any], round_id: FromPath[int], data: FormBody
) -> Template | Redirect:
    """Change how often a round comes, or stop it (its past inspections stay)."""
    found = await InspectionRound.get_or_none(id=round_id)
    if found is None:
        raise NotFoundException()
    form = parse_round(data, section_ids=set(), families=set(), creating=False)
    if form.errors:
        form.section_id, form.family = str(found.section_id), found.family
        return await _manage_page(request, row_forms={found.id: form}, status_code=422)
    found.every_months, found.active = int(form.every_months), form.active
    await found.save(update_fields=["every_months", "active"])
    await _audit(request, found)
    flash(request, N_("Round saved."))
    return Redirect(f"/inspections/rounds/manage#round-{found.id}")


async def _audit(request: Request[Any, Any, Any], saved: InspectionRound) -> None:
    detail = {
        "section_id": saved.section_id,
        "family": saved.family,
        "every_months": saved.every_months,
        "active": saved.active,
    }
    await record(
        request, "inspection_round_saved", target_type="inspection_round", target_id=saved.id, detail=detail
    )


routes = [rounds_status, manage_rounds, add_round, save_round]
