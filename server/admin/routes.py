"""System administration: accounts, sections and the audit log (システム管理者 only)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from tortoise.exceptions import IntegrityError

from server.admin import audit_log as audit_log_reads
from server.admin.forms import SectionForm, UserForm, parse_section, parse_user
from server.audit import record
from server.auth import service as auth_service
from server.auth.guards import begin_session, roles, session_stamp
from server.config import KAWASAKI_WARDS
from server.flash import flash
from server.form_body import FormBody
from server.i18n import N_
from server.models import Role, Section, User
from server.rendering import render
from server.state import AppState

ADMIN = roles(Role.ADMIN)
AUDIT_PAGE_SIZE = 100


async def _user_form_page(
    request: Request[Any, Any, Any], form: UserForm, editing: User | None, status_code: int = 200
) -> Template:
    sections = await Section.all()
    return render(
        request,
        "admin/user_form.html",
        {
            "form": form,
            "editing": editing,
            "sections": sections,
            "roles": list(Role),
            "wards": KAWASAKI_WARDS,
        },
        status_code=status_code,
    )


@get("/admin/users", opt=ADMIN)
async def list_users(request: Request[Any, Any, Any]) -> Template:
    """All accounts with their role and section."""
    users = await User.all().select_related("section").order_by("section__sort_order", "login")
    return render(request, "admin/users.html", {"users": users})


@get("/admin/users/new", opt=ADMIN)
async def new_user(request: Request[Any, Any, Any]) -> Template:
    """Form for a new account."""
    state: AppState = request.app.state.madoguchi
    return await _user_form_page(request, UserForm(ward=state.settings.default_ward), None)


@post("/admin/users/new", opt=ADMIN)
async def create_user(request: Request[Any, Any, Any], data: FormBody) -> Template | Redirect:
    """Create an account."""
    section_ids = {s.id for s in await Section.all().only("id")}
    state: AppState = request.app.state.madoguchi
    form = parse_user(
        data,
        creating=True,
        section_ids=section_ids,
        ward=state.settings.default_ward,
        office_name=state.settings.ward_name,
    )
    if "login" not in form.errors and await User.exists(login=form.login):
        form.errors["login"] = N_("This login name is already used.")
    if form.errors:
        form.password = ""
        return await _user_form_page(request, form, None, status_code=422)
    section = await Section.get(id=int(form.section_id)) if form.section_id else None
    try:
        user = await auth_service.create_user(
            login=form.login,
            display_name=form.display_name,
            password=form.password,
            role=Role(form.role),
            section=section,
            ward=form.ward,
        )
        user.counter_duty, user.phone_duty = form.counter_duty, form.phone_duty
        await user.save()
    except IntegrityError:
        form.errors["login"] = N_("This login name is already used.")
        form.password = ""
        return await _user_form_page(request, form, None, status_code=422)
    await record(
        request,
        "user_created",
        target_type="user",
        target_id=user.id,
        detail={"role": user.role, "ward": user.ward},
    )
    flash(request, N_("Account created."))
    return Redirect("/admin/users")


@get("/admin/users/{user_id:int}", opt=ADMIN)
async def edit_user(request: Request[Any, Any, Any], user_id: FromPath[int]) -> Template:
    """Form to change an account."""
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise NotFoundException()
    form = UserForm(
        login=user.login,
        display_name=user.display_name,
        role=user.role,
        section_id=str(user.section_id or ""),
        ward=user.ward,
        active=user.active,
        counter_duty=user.counter_duty,
        phone_duty=user.phone_duty,
    )
    return await _user_form_page(request, form, user)


@post("/admin/users/{user_id:int}", opt=ADMIN)
async def update_user(
    request: Request[Any, Any, Any], user_id: FromPath[int], data: FormBody
) -> Template | Redirect:
    """Save changes to an account (a new password only when one is typed)."""
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise NotFoundException()
    section_ids = {s.id for s in await Section.all().only("id")}
    settings = request.app.state.madoguchi.settings
    form = parse_user(
        data,
        creating=False,
        section_ids=section_ids,
        ward=user.ward,
        login=user.login,
        office_name=settings.ward_name,
    )
    me = request.scope["state"]["user"]
    if user.id == me.id and (not form.active or form.role != Role.ADMIN.value):
        form.errors["role"] = N_("You cannot remove your own administrator access.")
    if form.errors:
        form.password = ""
        return await _user_form_page(request, form, user, status_code=422)
    granted_before = session_stamp(settings.secret_key, user)
    role_before = user.role
    user.display_name = form.display_name
    user.role = Role(form.role)
    user.section_id = int(form.section_id) if form.section_id else None
    user.ward = form.ward
    user.active = form.active
    user.counter_duty, user.phone_duty = form.counter_duty, form.phone_duty
    await user.save()
    if form.password:
        await auth_service.set_password(user, form.password)
        await record(request, "password_reset", target_type="user", target_id=user.id)
    if user.role != role_before:
        detail = {"from": str(role_before), "to": str(user.role)}
        await record(request, "role_changed", target_type="user", target_id=user.id, detail=detail)
    if session_stamp(settings.secret_key, user) != granted_before:
        # The person's sessions were granted on the old password or role: each ends at its next request.
        await record(request, "sessions_ended", target_type="user", target_id=user.id)
        if user.id == me.id:
            begin_session(request, user)  # the administrator changing their own password stays signed in
    await record(
        request,
        "user_updated",
        target_type="user",
        target_id=user.id,
        detail={
            "role": user.role,
            "ward": user.ward,
            "active": user.active,
            "password_reset": bool(form.password),
        },
    )
    flash(request, N_("Account saved."))
    return Redirect("/admin/users")


@get("/admin/sections", opt=ADMIN)
async def list_sections(request: Request[Any, Any, Any]) -> Template:
    """The ward office's sections."""
    return render(request, "admin/sections.html", {"sections": await Section.all()})


@get("/admin/sections/new", opt=ADMIN)
async def new_section(request: Request[Any, Any, Any]) -> Template:
    """Form for a new section."""
    return render(request, "admin/section_form.html", {"form": SectionForm(), "editing": None})


@get("/admin/sections/{section_id:int}", opt=ADMIN)
async def edit_section(request: Request[Any, Any, Any], section_id: FromPath[int]) -> Template:
    """Form to change a section."""
    section = await Section.get_or_none(id=section_id)
    if section is None:
        raise NotFoundException()
    form = SectionForm(
        code=section.code,
        name=section.name,
        name_en=section.name_en,
        sort_order=str(section.sort_order),
        active=section.active,
    )
    return render(request, "admin/section_form.html", {"form": form, "editing": section})


async def _save_section(
    request: Request[Any, Any, Any], data: dict[str, str], section: Section | None
) -> Template | Redirect:
    form = parse_section(data)
    if (
        "code" not in form.errors
        and await Section.filter(code=form.code).exclude(id=section.id if section else 0).exists()
    ):
        form.errors["code"] = N_("This code is already used by another section.")
    if form.errors:
        return render(request, "admin/section_form.html", {"form": form, "editing": section}, status_code=422)
    values: dict[str, Any] = {
        "code": form.code,
        "name": form.name,
        "name_en": form.name_en,
        "sort_order": int(form.sort_order),
        "active": form.active,
    }
    if section is None:
        section = await Section.create(**values)
    else:
        await section.update_from_dict(values).save()
    await record(request, "section_saved", target_type="section", target_id=section.id, detail=values)
    flash(request, N_("Section saved."))
    return Redirect("/admin/sections")


@post("/admin/sections/new", opt=ADMIN)
async def create_section(request: Request[Any, Any, Any], data: FormBody) -> Template | Redirect:
    """Create a section."""
    return await _save_section(request, data, None)


@post("/admin/sections/{section_id:int}", opt=ADMIN)
async def update_section(
    request: Request[Any, Any, Any], section_id: FromPath[int], data: FormBody
) -> Template | Redirect:
    """Save changes to a section."""
    section = await Section.get_or_none(id=section_id)
    if section is None:
        raise NotFoundException()
    return await _save_section(request, data, section)


@get("/admin/audit", opt=ADMIN)
async def audit_log(
    request: Request[Any, Any, Any],
    before: FromQuery[int | None] = None,
    who: FromQuery[str | None] = None,
    action: FromQuery[str | None] = None,
    since: FromQuery[str | None] = None,
    until: FromQuery[str | None] = None,
) -> Template:
    """The audit log, newest first, a page at a time, by person, action and dates (Japan time)."""
    filters = audit_log_reads.AuditFilters.parse(who, action, since, until)
    events = await audit_log_reads.events(filters, before, AUDIT_PAGE_SIZE + 1)
    more = len(events) > AUDIT_PAGE_SIZE
    events = events[:AUDIT_PAGE_SIZE]
    await record(request, "audit_log_viewed")
    names = await audit_log_reads.people()
    names_by_id = {str(u.id): u.display_name for u in await User.all()}
    return render(
        request,
        "admin/audit.html",
        {
            "events": events,
            "next_before": events[-1].id if more and events else None,
            "filters": filters,
            "people": names,
            "action_labels": audit_log_reads.ACTION_LABELS,
            "targets": {e.id: audit_log_reads.target_of(e, names_by_id) for e in events},
        },
        fragment="admin/_audit_rows.html",
        personal_data=True,
    )


routes = [
    list_users,
    new_user,
    create_user,
    edit_user,
    update_user,
    list_sections,
    new_section,
    edit_section,
    create_section,
    update_section,
    audit_log,
]
