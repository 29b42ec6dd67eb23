"""The service-standard catalogue, edited by a システム管理者; every wording is kept as a version."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server.audit import record
from server.auth.guards import roles
from server.compliance import service
from server.compliance.forms import StandardForm, parse_standard
from server.flash import flash
from server.form_body import FormBody
from server.i18n import N_
from server.models import APPLIES_TO_LABELS, AppliesTo, Role, ServiceStandard, ServiceStandardVersion
from server.rendering import render

ADMIN = roles(Role.ADMIN)


def _user(request: Request[Any, Any, Any]) -> Any:
    return request.scope["state"]["user"]


async def _form_page(
    request: Request[Any, Any, Any],
    form: StandardForm,
    editing: ServiceStandard | None,
    status_code: int = 200,
) -> Template:
    history = (
        await ServiceStandardVersion.filter(standard_id=editing.id).order_by("-version") if editing else []
    )
    return render(
        request,
        "admin/standard_form.html",
        {
            "form": form,
            "editing": editing,
            "groups": await service.groups(),
            "applies_options": [(a.value, APPLIES_TO_LABELS[a]) for a in AppliesTo],
            "applies_labels": APPLIES_TO_LABELS,
            "history": history,
        },
        status_code=status_code,
    )


@get("/admin/standards", opt=ADMIN)
async def list_standards(request: Request[Any, Any, Any]) -> Template:
    """The catalogue by group, retired standards included (marked)."""
    standards = await ServiceStandard.all().order_by("sort_order", "code")
    return render(
        request, "admin/standards.html", {"standards": standards, "applies_labels": APPLIES_TO_LABELS}
    )


@get("/admin/standards/new", opt=ADMIN)
async def new_standard(request: Request[Any, Any, Any]) -> Template:
    """Form for a new standard."""
    last = await ServiceStandard.all().order_by("-sort_order").first()
    return await _form_page(
        request, StandardForm(sort_order=str((last.sort_order if last else 0) + 10)), None
    )


@post("/admin/standards/new", opt=ADMIN)
async def create_standard(request: Request[Any, Any, Any], data: FormBody) -> Template | Redirect:
    """Add a standard to the catalogue."""
    form = parse_standard(data, known_groups={g.key for g in await service.groups()})
    if "code" not in form.errors and await ServiceStandard.exists(code=form.code):
        form.errors["code"] = N_("This code is already used by another standard.")
    if form.errors:
        return await _form_page(request, form, None, status_code=422)
    standard = await service.save_standard(None, _values(form), _user(request).login)
    await record(request, "standard_saved", target_type="service_standard", target_id=standard.code)
    flash(request, N_("Standard added."))
    return Redirect("/admin/standards")


def _values(form: StandardForm) -> dict[str, Any]:
    return {
        "code": form.code,
        "group_key": form.group_key,
        "group_name": form.group_name,
        "group_name_en": form.group_name_en,
        "text": form.text,
        "text_en": form.text_en,
        "applies_to": form.applies_to,
        "sort_order": int(form.sort_order),
    }


@get("/admin/standards/{standard_id:int}", opt=ADMIN)
async def edit_standard(request: Request[Any, Any, Any], standard_id: FromPath[int]) -> Template:
    """Reword a standard or change whom it applies to; the history of wordings is below."""
    standard = await ServiceStandard.get_or_none(id=standard_id)
    if standard is None:
        raise NotFoundException()
    form = StandardForm(
        code=standard.code,
        group_key=standard.group_key,
        text=standard.text,
        text_en=standard.text_en,
        applies_to=standard.applies_to.value,
        sort_order=str(standard.sort_order),
    )
    return await _form_page(request, form, standard)


@post("/admin/standards/{standard_id:int}", opt=ADMIN)
async def update_standard(
    request: Request[Any, Any, Any], standard_id: FromPath[int], data: FormBody
) -> Template | Redirect:
    """Save a standard: a new wording becomes a new version; answers keep the version they answered."""
    standard = await ServiceStandard.get_or_none(id=standard_id)
    if standard is None:
        raise NotFoundException()
    form = parse_standard(
        {**data, "code": standard.code}, known_groups={g.key for g in await service.groups()}
    )
    if form.errors:
        return await _form_page(request, form, standard, status_code=422)
    await service.save_standard(standard, _values(form), _user(request).login)
    await record(
        request,
        "standard_saved",
        target_type="service_standard",
        target_id=standard.code,
        detail={"version": standard.version},
    )
    flash(request, N_("Standard saved."))
    return Redirect("/admin/standards")


@post("/admin/standards/{standard_id:int}/active", opt=ADMIN)
async def retire_standard(
    request: Request[Any, Any, Any], standard_id: FromPath[int], data: FormBody
) -> Redirect:
    """Retire a standard (or bring it back). Past answers and rates keep it."""
    standard = await ServiceStandard.get_or_none(id=standard_id)
    if standard is None:
        raise NotFoundException()
    active = data.get("active") == "on"
    await service.set_active(standard, active, _user(request).login)
    await record(
        request,
        "standard_retired" if not active else "standard_reinstated",
        target_type="service_standard",
        target_id=standard.code,
    )
    flash(request, N_("Saved."))
    return Redirect(f"/admin/standards/{standard.id}")


routes = [list_standards, new_standard, create_standard, edit_standard, update_standard, retire_standard]
