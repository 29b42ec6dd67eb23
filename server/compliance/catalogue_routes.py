"""The service-standard catalogue, edited by a システム管理者; every wording is kept as a version."""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from tortoise.transactions import in_transaction

from server.audit import record
from server.auth.guards import roles
from server.compliance import service, standards_import
from server.compliance.forms import StandardForm, parse_standard
from server.flash import flash
from server.form_body import FormBody
from server.i18n import N_
from server.models import APPLIES_TO_LABELS, AppliesTo, Role, ServiceStandard, ServiceStandardVersion
from server.rendering import render
from server.samples import service as samples
from server.sheet_reading import SheetError, previewed_rows

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
        request,
        "admin/standards.html",
        {
            "standards": standards,
            "applies_labels": APPLIES_TO_LABELS,
            "sample": await samples.is_sample(samples.STANDARDS),
            "imported": request.query_params.get("imported"),
        },
    )


@post("/admin/standards/adopt", opt=ADMIN)
async def adopt_standards(request: Request[Any, Any, Any]) -> Redirect:
    """The ward takes the seeded example catalogue as its own, as it stands."""
    if await samples.adopt(samples.STANDARDS, _user(request)):
        await record(request, "sample_adopted", target_type="service_standard", target_id="catalogue")
    return Redirect("/admin/standards")


IMPORT_LIMIT = 2 * 1024 * 1024


async def _import_page(
    request: Request[Any, Any, Any],
    rows: list[standards_import.ImportRow] | None = None,
    error: str = "",
    status_code: int = 200,
    error_values: dict[str, object] | None = None,
) -> Template:
    missing = standards_import.missing_from(rows, await ServiceStandard.all()) if rows else []
    counts = {
        status: sum(1 for r in rows or [] if r.status == status)
        for status in ("new", "changed", "same", "error")
    }
    return render(
        request,
        "admin/standards_import.html",
        {
            "rows": rows,
            "missing": missing,
            "counts": counts,
            "error": error,
            "error_values": error_values or {},
            "payload": json.dumps([r.values for r in rows], ensure_ascii=False) if rows else "",
            "applies_labels": {a.value: label for a, label in APPLIES_TO_LABELS.items()},
        },
        status_code=status_code,
    )


@get("/admin/standards/import", opt=ADMIN)
async def import_form(request: Request[Any, Any, Any]) -> Template:
    return await _import_page(request)


@post("/admin/standards/import", opt=ADMIN, request_max_body_size=IMPORT_LIMIT + 64 * 1024)
async def import_preview(request: Request[Any, Any, Any]) -> Template:
    """Read the uploaded sheet and show what each row would do; nothing is written yet."""
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await _import_page(request, error=N_("Choose a CSV or Excel file."), status_code=422)
    content = await upload.read()
    try:
        rows = standards_import.read_rows(content)
    except SheetError as problem:
        return await _import_page(
            request, error=problem.message, error_values=problem.values, status_code=422
        )
    checked = await standards_import.check(rows, {g.key for g in await service.groups()})
    return await _import_page(request, checked, status_code=422 if any(r.errors for r in checked) else 200)


@post("/admin/standards/import/confirm", opt=ADMIN, request_max_body_size=IMPORT_LIMIT)
async def import_confirm(request: Request[Any, Any, Any], data: FormBody) -> Template | Redirect:
    """Write the previewed sheet: new standards, new versions of changed ones, and (when asked) retire
    those it does not list. Checked again, as the catalogue may have changed since the preview."""
    rows = previewed_rows(data.get("payload", ""), standards_import.MAX_ROWS)
    if rows is None:
        return await _import_page(request, error=N_("Upload the sheet again."), status_code=422)
    checked = await standards_import.check(rows, {g.key for g in await service.groups()})
    if any(r.errors for r in checked):
        return await _import_page(request, checked, status_code=422)
    login = _user(request).login
    written = 0
    async with in_transaction():
        for row in checked:
            if row.status == "same":
                continue
            values = {**row.values, "sort_order": int(row.values["sort_order"])}
            standard = await service.save_standard(row.current, values, login)
            await service.set_active(standard, True, login)
            written += 1
        retired = []
        if data.get("retire_missing") == "1":
            for standard in standards_import.missing_from(checked, await ServiceStandard.all()):
                await service.set_active(standard, False, login)
                retired.append(standard.code)
        await samples.adopt(samples.STANDARDS, _user(request), how="imported")
    await record(request, "standards_imported", target_type="service_standard", target_id="catalogue",
                 detail={"rows": len(checked), "written": written, "retired": retired})  # fmt: skip
    return Redirect(f"/admin/standards?imported={written}")


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


routes = [
    list_standards,
    adopt_standards,
    import_form,
    import_preview,
    import_confirm,
    new_standard,
    create_standard,
    edit_standard,
    update_standard,
    retire_standard,
]
