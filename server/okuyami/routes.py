"""おくやみコーナー pages: the purpose notice, the questionnaire (offline on the desk tablet), the family's
guide on screen, in print and as a PDF, case progress, and anonymous statistics for managers.

Only おくやみ担当 see cases, and only their own ward's: every case, booking and figure is read through the
person's ward, so another ward's case is a 404. Every page that shows a case's personal data writes an
audit event.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from server import audit
from server.auth.guards import PUBLIC, roles
from server.form_body import FormBody
from server.i18n import N_
from server.models import OkuyamiAppointment, OkuyamiCase, Role, User
from server.office_calendar import service as office_calendar
from server.okuyami import engine_data, service, sheets
from server.okuyami.catalogue import default_catalogue
from server.okuyami.engine_data import CATALOGUE_PATH, INTAKE_PATH
from server.okuyami.forms import BookingForm, parse_booking, parse_progress
from server.okuyami.intake import IntakeError
from server.okuyami.pdf import render_guide_pdf, render_sheet_pdf
from server.okuyami.questions import COUNT_CHOICES, GROUPS, QUESTIONS
from server.okuyami.records import OKUYAMI_CASES, PROCEDURE_STATE_LABELS, PROCEDURE_STATES
from server.rendering import render, request_language
from server.state import AppState
from server.timekeeping import now, today
from sync import Kind

DESK = roles(Role.OKUYAMI)
STATISTICS = roles(Role.OKUYAMI, Role.MANAGER)
TABLE = OKUYAMI_CASES.name
PDF_LANGUAGE = "ja"  # the printed guide goes home with the family


def _user(request: Request[Any, Any, Any]) -> User:
    user: User = request.scope["state"]["user"]
    return user


def _state(request: Request[Any, Any, Any]) -> AppState:
    state: AppState = request.app.state.madoguchi
    return state


def gettext_of(request: Request[Any, Any, Any]) -> Callable[[str], str]:
    return _state(request).catalogs.gettext(request_language(request))


def _questionnaire(values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    return {"groups": GROUPS, "values": values, "errors": errors, "count_choices": COUNT_CHOICES}


@get("/okuyami", opt=DESK)
async def desk(request: Request[Any, Any, Any]) -> Template:
    """Today's and recent cases of the desk, newest first."""
    ward = _user(request).ward
    cases = (
        await OkuyamiCase.filter(ward=ward, deleted=False, purged=False).order_by("-visit_date").limit(100)
    )
    await audit.record(
        request, "okuyami.cases_listed", target_type="okuyami_case", detail={"count": len(cases)}
    )
    return render(
        request,
        "okuyami/index.html",
        {"cases": cases, "where": {c.id: service.whereabouts(c) for c in cases}},
        personal_data=True,  # the families' names: never kept in the browser's or the tablet's cache
    )


@get("/okuyami/new", opt=DESK)
async def notice(request: Request[Any, Any, Any], appointment: FromQuery[int | None] = None) -> Template:
    """The purpose notice (利用目的の明示), shown before anything about the family is typed."""
    booked = (
        await OkuyamiAppointment.get_or_none(id=appointment, ward=_user(request).ward, cancelled=False)
        if appointment and 0 < appointment < 2**31
        else None
    )
    if booked is not None:
        # The caller's name and telephone number are shown: a view of personal data like any other.
        await audit.record(
            request, "okuyami.appointment_viewed", target_type="okuyami_appointment", target_id=booked.id
        )
    # With a booking the notice names the caller; without one it is the page the tablet keeps for offline use.
    return render(
        request,
        "okuyami/notice.html",
        {"today": today().isoformat(), "appointment": booked},
        personal_data=booked is not None,
    )


@post("/okuyami/new", opt=DESK)
async def notice_shown(request: Request[Any, Any, Any], data: FormBody) -> Template | Redirect:
    """Without JavaScript: the notice was explained, so the case starts and the questionnaire opens."""
    case_id = str(uuid.uuid4())
    moment = now().isoformat()
    fields: dict[str, Any] = {
        "ward": _user(request).ward,
        "visit_date": today().isoformat(),
        "notice_shown_at": moment,
        "status": "open",
        "started_at": moment,
    }
    appointment = data.get("appointment_id", "")
    if appointment.isdigit() and await OkuyamiAppointment.exists(
        id=int(appointment), ward=_user(request).ward
    ):
        fields["appointment_id"] = int(appointment)
    result = await _state(request).sync.web_write(_user(request), TABLE, case_id, Kind.CREATE, fields, None)
    if result["status"] == "rejected":
        context = {"today": today().isoformat(), "error": True, "appointment": None}
        return render(request, "okuyami/notice.html", context, status_code=409)
    return Redirect(f"/okuyami/cases/{case_id}/intake")


@get("/okuyami/intake", opt=DESK)
async def intake_on_tablet(request: Request[Any, Any, Any]) -> Template:
    """The questionnaire as the tablet keeps it for offline use: it holds no answers; the case id is in
    the address's fragment and the answers come from the tablet's own copy."""
    return render(request, "okuyami/intake.html", {**_questionnaire({}, {}), "case": None})


@get("/okuyami/cases/{case_id:uuid}/intake", opt=DESK)
async def edit_intake(request: Request[Any, Any, Any], case_id: FromPath[uuid.UUID]) -> Template:
    case = await service.open_case(case_id, _user(request).ward)
    await audit.record(request, "okuyami.intake_viewed", target_type="okuyami_case", target_id=str(case.id))
    return render(
        request,
        "okuyami/intake.html",
        {**_questionnaire(service.form_answers(case), {}), "case": case},
        personal_data=True,
    )


@post("/okuyami/cases/{case_id:uuid}/intake", opt=DESK)
async def save_intake(
    request: Request[Any, Any, Any], case_id: FromPath[uuid.UUID], data: FormBody
) -> Template | Redirect:
    """Without JavaScript (or online): check the answers first; a bad one comes back at its field."""
    case = await service.open_case(case_id, _user(request).ward)
    # Only the questionnaire's own fields are kept; anything else posted is not personal data we collect.
    form = {k: v for k, v in data.items() if k in QUESTIONS}
    try:
        service.intake_of(form, today())
    except IntakeError as exc:
        context = {**_questionnaire(form, exc.errors), "case": case}
        return render(request, "okuyami/intake.html", context, status_code=422, personal_data=True)
    result = await _state(request).sync.web_write(
        _user(request), TABLE, str(case.id), Kind.PATCH, {"answers": form}, case.version
    )
    if result["status"] == "rejected":
        context = {**_questionnaire(form, {}), "case": case, "rejected": True}
        return render(request, "okuyami/intake.html", context, status_code=409, personal_data=True)
    return Redirect(f"/okuyami/cases/{case.id}")


@get("/okuyami/guide", opt=DESK)
async def guide_on_tablet(request: Request[Any, Any, Any]) -> Template:
    """The family's guide as the tablet builds it from its own copy of the case, with no network: the page
    holds no answers (the case id is in the address's fragment, or the address is the case's own when the
    service worker stands it in for a case page it cannot fetch). Opening it is audited through the
    tablet's outbox (docs/okuyami.md)."""
    return render(
        request,
        "okuyami/guide_local.html",
        {
            "rule_mode": _state(request).settings.okuyami_household_head_mode,
            "procedure_states": PROCEDURE_STATES,
            "state_labels": PROCEDURE_STATE_LABELS,
            "catalogue_url": f"{CATALOGUE_PATH}?v={_state(request).asset_version}",
            "intake_url": f"{INTAKE_PATH}?v={_state(request).asset_version}",
        },
    )


def _engine_document(content: bytes) -> Response[bytes]:
    # Versioned by the release fingerprint in the address, like a static file; no personal data.
    return Response(
        content,
        media_type="application/json; charset=utf-8",
        headers={"Cache-Control": "no-cache"},
    )


@get(CATALOGUE_PATH, opt=PUBLIC, include_in_schema=False)
async def engine_catalogue() -> Response[bytes]:
    """The procedure catalogue for the tablet's engine. Public like the ward's printed guidebook: the
    service worker stores it when it installs, before anyone has signed in."""
    return _engine_document(engine_data.catalogue_bytes())


@get(INTAKE_PATH, opt=PUBLIC, include_in_schema=False)
async def engine_intake() -> Response[bytes]:
    """The intake's fields, defaults and checks for the tablet's engine, generated from intake.py."""
    return _engine_document(engine_data.intake_bytes())


async def _guide_context(request: Request[Any, Any, Any], case: OkuyamiCase) -> dict[str, Any]:
    intake = service.intake_of(service.form_answers(case), today())
    guide = service.guide_for(intake, _state(request).settings.okuyami_household_head_mode)
    listed = json.dumps(guide.procedure_ids)
    if case.procedures != listed:
        # The anonymous list the statistics count; it survives the purge.
        await OkuyamiCase.filter(id=case.id).update(procedures=listed)
    language = request_language(request)
    return {
        "case": case,
        "intake": intake,
        "guide": guide,
        "deadline_label": lambda item: item.deadline.label(
            _state(request).catalogs.gettext(language), language
        ),
        "progress": json.loads(case.progress or "{}"),
        "procedure_states": PROCEDURE_STATES,
        "state_labels": PROCEDURE_STATE_LABELS,
        "large": request.query_params.get("large") == "1",
    }


@get("/okuyami/cases/{case_id:uuid}", opt=DESK)
async def show_guide(request: Request[Any, Any, Any], case_id: FromPath[uuid.UUID]) -> Template:
    """The family's guide. Answers that cannot be used (typed offline) come back as the questionnaire
    with the message at each field and everything typed kept."""
    case = await service.open_case(case_id, _user(request).ward)
    try:
        context = await _guide_context(request, case)
    except IntakeError as exc:
        await audit.record(
            request, "okuyami.intake_viewed", target_type="okuyami_case", target_id=str(case.id)
        )
        context = {**_questionnaire(service.form_answers(case), exc.errors), "case": case}
        return render(request, "okuyami/intake.html", context, status_code=422, personal_data=True)
    await audit.record(request, "okuyami.guide_viewed", target_type="okuyami_case", target_id=str(case.id))
    return render(request, "okuyami/guide.html", context, personal_data=True)


@post("/okuyami/cases/{case_id:uuid}/printed", opt=DESK)
async def guide_printed(request: Request[Any, Any, Any], case_id: FromPath[uuid.UUID]) -> Response[None]:
    """The browser tells the server the guide went to the printer, for the audit log."""
    case = await service.open_case(case_id, _user(request).ward)
    await audit.record(request, "okuyami.guide_printed", target_type="okuyami_case", target_id=str(case.id))
    return Response(None, status_code=204)


@get("/okuyami/cases/{case_id:uuid}/guide.pdf", opt=DESK)
async def guide_pdf(
    request: Request[Any, Any, Any], case_id: FromPath[uuid.UUID]
) -> Response[bytes] | Template:
    case = await service.open_case(case_id, _user(request).ward)
    try:
        context = await _guide_context(request, case)
    except IntakeError as exc:
        context = {**_questionnaire(service.form_answers(case), exc.errors), "case": case}
        return render(request, "okuyami/intake.html", context, status_code=422, personal_data=True)
    state = _state(request)
    content = render_guide_pdf(
        context["guide"], context["intake"], state.settings.ward_name, state.catalogs.gettext(PDF_LANGUAGE)
    )
    await audit.record(request, "okuyami.guide_pdf", target_type="okuyami_case", target_id=str(case.id))
    return Response(
        content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": 'inline; filename="okuyami-guide.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


async def _sheet(case: OkuyamiCase, procedure_id: str, request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The sheet's context, for a prefillable procedure the family's guide lists (or has to confirm)."""
    context = await _guide_context(request, case)
    guide = context["guide"]
    listed = [i for stop in guide.stops for i in stop.items] + list(guide.to_confirm)
    item = next((i for i in listed if i.procedure.id == procedure_id and i.procedure.prefillable), None)
    if item is None:
        raise NotFoundException("This procedure has no application sheet for this case.")
    return {
        **context,
        "item": item,
        "lines": sheets.lines_for(item.procedure, context["intake"]),
        "pays": sheets.pays_money(item.procedure),
        "account_type_options": [
            (key, gettext_of(request)(label)) for key, label in sheets.ACCOUNT_TYPES.items()
        ],
    }


@get("/okuyami/cases/{case_id:uuid}/sheets/{procedure_id:str}", opt=DESK)
async def show_sheet(
    request: Request[Any, Any, Any], case_id: FromPath[uuid.UUID], procedure_id: FromPath[str]
) -> Template:
    """A pre-filled application sheet to print, with the deceased's and the visitor's data in place."""
    case = await service.open_case(case_id, _user(request).ward)
    try:
        context = await _sheet(case, procedure_id, request)
    except IntakeError as exc:
        context = {**_questionnaire(service.form_answers(case), exc.errors), "case": case}
        return render(request, "okuyami/intake.html", context, status_code=422, personal_data=True)
    await audit.record(
        request,
        "okuyami.sheet_viewed",
        target_type="okuyami_case",
        target_id=str(case.id),
        detail={"procedure": procedure_id},
    )
    return render(request, "okuyami/sheet.html", {**context, "bank": sheets.BankForm()}, personal_data=True)


@post("/okuyami/cases/{case_id:uuid}/sheets/{procedure_id:str}/pdf", opt=DESK)
async def sheet_pdf(
    request: Request[Any, Any, Any], case_id: FromPath[uuid.UUID], procedure_id: FromPath[str], data: FormBody
) -> Response[bytes] | Template:
    """The sheet as a PDF. A bank account typed here goes onto this PDF only and is not stored."""
    case = await service.open_case(case_id, _user(request).ward)
    try:
        context = await _sheet(case, procedure_id, request)
    except IntakeError as exc:
        context = {**_questionnaire(service.form_answers(case), exc.errors), "case": case}
        return render(request, "okuyami/intake.html", context, status_code=422, personal_data=True)
    bank = sheets.parse_bank(dict(data))
    if bank.errors:
        return render(
            request, "okuyami/sheet.html", {**context, "bank": bank}, status_code=422, personal_data=True
        )
    gettext = _state(request).catalogs.gettext(PDF_LANGUAGE)
    procedure = context["item"].procedure
    bank_lines = []
    if bank.given:
        labels = {
            "bank_name": N_("Bank"),
            "bank_branch": N_("Branch"),
            "account_type": N_("Account type"),
            "account_number": N_("Account number"),
            "account_holder": N_("Account holder"),
        }
        for name in sheets.BANK_FIELDS:
            value = bank[name]
            if name == "account_type" and value:
                value = gettext(sheets.ACCOUNT_TYPES[value])
            bank_lines.append((gettext(labels[name]), value))
    content = render_sheet_pdf(
        procedure.name_ja,
        procedure.counter.name_ja + (f"({procedure.counter.window})" if procedure.counter.window else ""),
        [(gettext(line.label), line.value) for line in context["lines"]],
        bank_lines,
        gettext,
    )
    await audit.record(
        request,
        "okuyami.sheet_pdf",
        target_type="okuyami_case",
        target_id=str(case.id),
        detail={"procedure": procedure_id, "bank_printed": bank.given},
    )
    return Response(
        content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": 'inline; filename="okuyami-sheet.pdf"',
            "Cache-Control": "private, no-store",
        },
        status_code=200,
    )


@post("/okuyami/cases/{case_id:uuid}/progress", opt=DESK)
async def save_progress(
    request: Request[Any, Any, Any], case_id: FromPath[uuid.UUID], data: FormBody
) -> Template | Redirect:
    """Where the family is: each procedure 案内済 / 窓口で受付済 / 完了 / 不要; closing ends the visit."""
    case = await service.open_case(case_id, _user(request).ward)
    known = {p.id for p in default_catalogue().procedures}
    form = parse_progress(dict(data), known)
    if form.errors:
        context = await _guide_context(request, case)
        return render(
            request,
            "okuyami/guide.html",
            {**context, "progress_errors": form.errors},
            status_code=422,
            personal_data=True,
        )
    fields: dict[str, Any] = {"progress": form.progress}
    if form.close and case.status == "open":
        fields.update({"status": "closed", "finished_at": now().isoformat()})
    result = await _state(request).sync.web_write(
        _user(request), TABLE, str(case.id), Kind.PATCH, fields, case.version
    )
    if result["status"] == "rejected":
        context = await _guide_context(request, case)
        return render(
            request, "okuyami/guide.html", {**context, "rejected": True}, status_code=409, personal_data=True
        )
    await audit.record(request, "okuyami.progress_saved", target_type="okuyami_case", target_id=str(case.id))
    return Redirect(f"/okuyami/cases/{case.id}")


async def _appointments_page(
    request: Request[Any, Any, Any], day: dt.date, form: BookingForm, status_code: int = 200, closed: str = ""
) -> Template:
    slots = _state(request).settings.okuyami_slots_per_day
    ward = _user(request).ward
    booked = await OkuyamiAppointment.filter(ward=ward, day=day, cancelled=False).order_by("slot")
    await audit.record(
        request, "okuyami.appointments_viewed", target_type="okuyami_appointment", target_id=day.isoformat()
    )
    context = {
        "day": day,
        "days": await service.week_of_slots(
            ward, max(today(), day - dt.timedelta(days=day.weekday())), slots
        ),
        "by_slot": {a.slot: a for a in booked},
        "slots": range(1, slots + 1),
        "slot_options": [(str(n), str(n)) for n in range(1, slots + 1)],
        "form": form,
        "closed_reason": closed or await office_calendar.closed_reason(ward, day),
    }
    # Callers' names and numbers: never kept in a cache (bookings need the network anyway).
    return render(request, "okuyami/appointments.html", context, status_code=status_code, personal_data=True)


@get("/okuyami/appointments", opt=DESK)
async def appointments(request: Request[Any, Any, Any], day: FromQuery[dt.date | None] = None) -> Template:
    """Desk bookings: the free slots of the coming working days and who booked the chosen day."""
    chosen = day or today()
    return await _appointments_page(request, chosen, BookingForm(day=chosen.isoformat()))


@post("/okuyami/appointments", opt=DESK)
async def book(request: Request[Any, Any, Any], data: FormBody) -> Template | Redirect:
    """Book a slot for a caller; a taken slot or a bad field comes back with everything typed kept."""
    settings = _state(request).settings
    form = parse_booking(dict(data), today(), settings.okuyami_slots_per_day)
    booking = None
    closed = ""
    if not form.errors:
        try:
            booking = await service.book_slot(
                _user(request).ward,
                form.parsed_day,
                int(form.slot),
                form.caller_name,
                form.caller_phone,
                _user(request).login,
            )
        except service.DeskClosed as refused:
            form.errors["day"] = N_("The office is closed on this day. Choose an open day.")
            closed = refused.reason
        else:
            if booking is None:
                form.errors["slot"] = N_("This slot is already booked.")
    if form.errors or booking is None:
        day = form.parsed_day if "day" not in form.errors or closed else today()
        return await _appointments_page(request, day, form, status_code=422, closed=closed)
    await audit.record(
        request, "okuyami.appointment_booked", target_type="okuyami_appointment", target_id=booking.id
    )
    return Redirect(f"/okuyami/appointments?day={form.day}")


@post("/okuyami/appointments/{appointment_id:int}/cancel", opt=DESK)
async def cancel_booking(request: Request[Any, Any, Any], appointment_id: FromPath[int]) -> Redirect:
    booking = await OkuyamiAppointment.get_or_none(id=appointment_id, ward=_user(request).ward)
    if booking is None:
        raise NotFoundException("No such booking.")
    await OkuyamiAppointment.filter(id=appointment_id).update(cancelled=True)
    await audit.record(
        request, "okuyami.appointment_cancelled", target_type="okuyami_appointment", target_id=appointment_id
    )
    return Redirect(f"/okuyami/appointments?day={booking.day.isoformat()}")


@get("/okuyami/statistics", opt=STATISTICS)
async def statistics(request: Request[Any, Any, Any]) -> Template:
    """Counts and handling times without names: what a manager may see."""
    catalogue = default_catalogue()
    names = {
        p.id: (p.name_ja if request_language(request) == "ja" else p.name_en) for p in catalogue.procedures
    }
    ward = _user(request).ward
    context = {"stats": await service.statistics(ward), "names": names, "ward": ward}
    return render(request, "okuyami/statistics.html", context)


routes = [
    desk,
    notice,
    notice_shown,
    intake_on_tablet,
    edit_intake,
    save_intake,
    guide_on_tablet,
    engine_catalogue,
    engine_intake,
    show_guide,
    guide_printed,
    guide_pdf,
    save_progress,
    show_sheet,
    sheet_pdf,
    appointments,
    book,
    cancel_booking,
    statistics,
]
