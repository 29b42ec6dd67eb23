"""点検テンプレートの編集: inspection templates and their versions, edited in the browser (システム管理者).

Every change is a plain form post answered by a redirect (or the page again with the message at the
field), so the editor works without script; published and retired versions are read-only.
"""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from server.audit import record
from server.auth.guards import roles
from server.compliance.service import active_standards
from server.flash import flash
from server.form_body import FormBody
from server.i18n import N_
from server.inspections.templates import ANSWER_TYPES, parse_body
from server.models import InspectionTemplate, Role, TemplateStatus, User
from server.rendering import render, request_language
from server.samples import service as samples
from server.sheet_reading import SheetError, previewed_rows
from server.state import AppState
from server.template_admin import service, sheet_import
from server.template_admin.forms import (
    FREQUENCY_LABELS,
    STATUS_LABELS,
    TYPE_LABELS,
    DetailsForm,
    FamilyForm,
    ItemForm,
    PartForm,
    frequency_of,
    parse_details,
    parse_family,
    parse_item,
    parse_part,
)
from server.template_admin.service import EditRefused

ADMIN = roles(Role.ADMIN)
BASE = "/admin/templates"


def _user(request: Request[Any, Any, Any]) -> User:
    user: User = request.scope["state"]["user"]
    return user


async def _template(template_id: int) -> InspectionTemplate:
    template = await InspectionTemplate.get_or_none(id=template_id)
    if template is None:
        raise NotFoundException()
    return template


async def _choices(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """Labels and the translated option lists of the editor's selects."""
    state: AppState = request.app.state.madoguchi
    gettext = state.catalogs.gettext(request_language(request))
    return {
        "frequency_of": frequency_of,
        "frequency_options": [(k, gettext(v)) for k, v in FREQUENCY_LABELS.items()],
        "type_options": [(k, gettext(v)) for k, v in TYPE_LABELS.items()],
        "type_labels": TYPE_LABELS,
        "frequency_labels": FREQUENCY_LABELS,
        "status_labels": STATUS_LABELS,
        "answer_types": ANSWER_TYPES,
        "standards": await active_standards(),
    }


async def _version_page(
    request: Request[Any, Any, Any],
    template: InspectionTemplate,
    *,
    details: DetailsForm | None = None,
    part_forms: dict[str, PartForm] | None = None,
    new_part: PartForm | None = None,
    message: str = "",
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Template:
    """One version; a draft with its editing forms, ``part_forms`` holding any part typed with a mistake."""
    if details is None:
        details = DetailsForm(
            name=template.name, name_en=template.name_en, frequency=frequency_of(template.frequency_months)
        )
    parts = parse_body(template.body)
    forms = {p.key: PartForm(title=p.title, title_en=p.title_en) for p in parts}
    forms.update(part_forms or {})
    return render(
        request,
        "template_admin/version.html",
        {
            "template": template,
            "parts": parts,
            "versions": await service.versions_of(template.family),
            "draft": await service.draft_of(template.family),
            "is_draft": template.status == TemplateStatus.DRAFT,
            "details": details,
            "part_forms": forms,
            "new_part": new_part or PartForm(),
            "message": message,
            "problems": service.publish_problems(template) if template.status == TemplateStatus.DRAFT else [],
            **(await _choices(request)),
        },
        status_code=status_code,
        headers=headers,
    )


async def _refused(
    request: Request[Any, Any, Any], template: InspectionTemplate, exc: EditRefused
) -> Template:
    return await _version_page(request, template, message=exc.message, status_code=409)


@get(BASE, opt=ADMIN)
async def list_templates(request: Request[Any, Any, Any]) -> Template:
    """Every template family with its versions and their status."""
    return render(
        request,
        "template_admin/index.html",
        {
            "families": await service.families(),
            "samples": await samples.sample_keys(),
            **(await _choices(request)),
        },
    )


@get(f"{BASE}/new", opt=ADMIN)
async def new_family(request: Request[Any, Any, Any]) -> Template:
    """Form for a brand-new template."""
    return render(request, "template_admin/new.html", {"form": FamilyForm(), **(await _choices(request))})


@post(f"{BASE}/new", opt=ADMIN)
async def create_family(request: Request[Any, Any, Any], data: FormBody) -> Template | Redirect:
    """Create a template: its first version is a draft to fill in."""
    form = parse_family(data)
    if not form.errors:
        try:
            template = await service.create_family(form)
        except EditRefused as exc:
            form.errors["family"] = exc.message
        else:
            flash(request, N_("Template created."))
            return Redirect(f"{BASE}/{template.id}")
    return render(
        request, "template_admin/new.html", {"form": form, **(await _choices(request))}, status_code=422
    )


@get(f"{BASE}/{{template_id:int}}", opt=ADMIN)
async def show_version(request: Request[Any, Any, Any], template_id: FromPath[int]) -> Template:
    """One version of a template: read-only, or the editor when it is a draft."""
    return await _version_page(request, await _template(template_id))


@post(f"{BASE}/{{template_id:int}}/new-version", opt=ADMIN)
async def start_version(request: Request[Any, Any, Any], template_id: FromPath[int]) -> Template | Redirect:
    """Start changing a template: a draft copied from this version (or the draft already open)."""
    template = await _template(template_id)
    try:
        draft = await service.start_version(template)
    except EditRefused as exc:
        return await _refused(request, template, exc)
    flash(request, N_("A new draft version was started from the one in use."))
    return Redirect(f"{BASE}/{draft.id}")


@post(f"{BASE}/{{template_id:int}}/details", opt=ADMIN)
async def save_details(
    request: Request[Any, Any, Any], template_id: FromPath[int], data: FormBody
) -> Template | Redirect:
    """Rename the draft and set how often it is done."""
    template = await _template(template_id)
    form = parse_details(data)
    if form.errors:
        return await _version_page(request, template, details=form, status_code=422)
    try:
        await service.save_details(template, form)
    except EditRefused as exc:
        return await _refused(request, template, exc)
    flash(request, N_("Saved."))
    return Redirect(f"{BASE}/{template.id}")


@post(f"{BASE}/{{template_id:int}}/parts/new", opt=ADMIN)
async def add_part(
    request: Request[Any, Any, Any], template_id: FromPath[int], data: FormBody
) -> Template | Redirect:
    """Add a part (a heading the items are grouped under) at the end."""
    template = await _template(template_id)
    form = parse_part(data)
    if form.errors:
        return await _version_page(request, template, new_part=form, status_code=422)
    try:
        key = await service.add_part(template, form)
    except EditRefused as exc:
        return await _refused(request, template, exc)
    flash(request, N_("Part added."))
    return Redirect(f"{BASE}/{template.id}#part-{key}")


@post(f"{BASE}/{{template_id:int}}/parts/{{part_key:str}}", opt=ADMIN)
async def rename_part(
    request: Request[Any, Any, Any], template_id: FromPath[int], part_key: FromPath[str], data: FormBody
) -> Template | Redirect:
    """Rename a part."""
    template = await _template(template_id)
    form = parse_part(data)
    if part_key not in {p.key for p in parse_body(template.body)}:
        raise NotFoundException()
    if form.errors:
        return await _version_page(request, template, part_forms={part_key: form}, status_code=422)
    try:
        await service.rename_part(template, part_key, form)
    except EditRefused as exc:
        return await _refused(request, template, exc)
    flash(request, N_("Saved."))
    return Redirect(f"{BASE}/{template.id}#part-{part_key}")


@post(f"{BASE}/{{template_id:int}}/parts/{{part_key:str}}/move", opt=ADMIN)
async def move_part(
    request: Request[Any, Any, Any], template_id: FromPath[int], part_key: FromPath[str], data: FormBody
) -> Template | Redirect:
    """Move a part up or down."""
    template = await _template(template_id)
    try:
        await service.move_part(template, part_key, data.get("direction", ""))
    except KeyError as exc:
        raise NotFoundException() from exc
    except EditRefused as exc:
        return await _refused(request, template, exc)
    flash(request, N_("Moved."))
    return Redirect(f"{BASE}/{template.id}#part-{part_key}")


@post(f"{BASE}/{{template_id:int}}/parts/{{part_key:str}}/delete", opt=ADMIN)
async def remove_part(
    request: Request[Any, Any, Any], template_id: FromPath[int], part_key: FromPath[str]
) -> Template | Redirect:
    """Remove an empty part."""
    template = await _template(template_id)
    try:
        await service.remove_part(template, part_key)
    except KeyError as exc:
        raise NotFoundException() from exc
    except EditRefused as exc:
        return await _refused(request, template, exc)
    flash(request, N_("Part deleted."))
    return Redirect(f"{BASE}/{template.id}")


async def _item_page(
    request: Request[Any, Any, Any],
    template: InspectionTemplate,
    form: ItemForm,
    item_key: str | None,
    status_code: int = 200,
) -> Template:
    state: AppState = request.app.state.madoguchi
    gettext = state.catalogs.gettext(request_language(request))
    standard_options = [
        ("", gettext("None")),
        *((code, f"{code} {text}") for code, text in (await active_standards()).items()),
    ]
    return render(
        request,
        "template_admin/item_form.html",
        {
            "template": template,
            "part_options": [(p.key, p.title) for p in parse_body(template.body)],
            "standard_options": standard_options,
            "form": form,
            "item_key": item_key,
            **(await _choices(request)),
        },
        fragment="template_admin/_item_form.html" if item_key else None,
        status_code=status_code,
    )


@get(f"{BASE}/{{template_id:int}}/items/new", opt=ADMIN)
async def new_item(
    request: Request[Any, Any, Any], template_id: FromPath[int], part: FromQuery[str] = ""
) -> Template | Redirect:
    """Form for a new item of a draft."""
    template = await _template(template_id)
    if template.status != TemplateStatus.DRAFT:
        return Redirect(f"{BASE}/{template.id}")
    return await _item_page(request, template, ItemForm(part=part), None)


@post(f"{BASE}/{{template_id:int}}/items/new", opt=ADMIN)
async def add_item(
    request: Request[Any, Any, Any], template_id: FromPath[int], data: FormBody
) -> Template | Redirect:
    """Add an item at the end of its part; it gets a key of its own."""
    template = await _template(template_id)
    form = parse_item(data, {p.key for p in parse_body(template.body)}, await active_standards())
    if form.errors:
        return await _item_page(request, template, form, None, status_code=422)
    try:
        key = await service.add_item(template, form)
    except EditRefused as exc:
        return await _refused(request, template, exc)
    flash(request, N_("Item added."))
    return Redirect(f"{BASE}/{template.id}#item-{key}")


@get(f"{BASE}/{{template_id:int}}/items/{{item_key:str}}", opt=ADMIN)
async def edit_item(
    request: Request[Any, Any, Any], template_id: FromPath[int], item_key: FromPath[str]
) -> Template | Redirect:
    """Form to change an item of a draft."""
    template = await _template(template_id)
    parts = parse_body(template.body)
    try:
        p, i = service.find_item(parts, item_key)
    except KeyError as exc:
        raise NotFoundException() from exc
    if template.status != TemplateStatus.DRAFT:
        return Redirect(f"{BASE}/{template.id}#item-{item_key}")
    item = parts[p].items[i]
    form = ItemForm(
        part=parts[p].key,
        text=item.text,
        type=item.type,
        required=item.required,
        unit=item.unit,
        min="" if item.min is None else f"{item.min:g}",
        max="" if item.max is None else f"{item.max:g}",
        options="\n".join(item.options),
        photo_on_fail=item.photo_on_fail,
        action_on_fail=item.action_on_fail,
        standard=item.standard,
        text_en=item.text_en,
        unit_en=item.unit_en,
        options_en="\n".join(item.options_en),
    )
    return await _item_page(request, template, form, item_key)


@post(f"{BASE}/{{template_id:int}}/items/{{item_key:str}}", opt=ADMIN)
async def save_item(
    request: Request[Any, Any, Any], template_id: FromPath[int], item_key: FromPath[str], data: FormBody
) -> Template | Redirect:
    """Save an item; it keeps its key however it is reworded."""
    template = await _template(template_id)
    parts = parse_body(template.body)
    try:
        service.find_item(parts, item_key)
    except KeyError as exc:
        raise NotFoundException() from exc
    form = parse_item(data, {p.key for p in parts}, await active_standards())
    if form.errors:
        return await _item_page(request, template, form, item_key, status_code=422)
    try:
        await service.save_item(template, item_key, form)
    except EditRefused as exc:
        return await _refused(request, template, exc)
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted:
        # Saved from the form opened inside the item: the list is redrawn in place, form closed.
        swap = {"HX-Retarget": "#editor-parts", "HX-Reselect": "#editor-parts", "HX-Reswap": "outerHTML"}
        return await _version_page(request, template, headers=swap)
    flash(request, N_("Item saved."))
    return Redirect(f"{BASE}/{template.id}#item-{item_key}")


@post(f"{BASE}/{{template_id:int}}/items/{{item_key:str}}/move", opt=ADMIN)
async def move_item(
    request: Request[Any, Any, Any], template_id: FromPath[int], item_key: FromPath[str], data: FormBody
) -> Template | Redirect:
    """Move an item up or down within its part."""
    template = await _template(template_id)
    try:
        await service.move_item(template, item_key, data.get("direction", ""))
    except KeyError as exc:
        raise NotFoundException() from exc
    except EditRefused as exc:
        return await _refused(request, template, exc)
    flash(request, N_("Moved."))
    return Redirect(f"{BASE}/{template.id}#item-{item_key}")


@post(f"{BASE}/{{template_id:int}}/items/{{item_key:str}}/delete", opt=ADMIN)
async def remove_item(
    request: Request[Any, Any, Any], template_id: FromPath[int], item_key: FromPath[str]
) -> Template | Redirect:
    """Remove an item from the draft (earlier versions and their answers keep it)."""
    template = await _template(template_id)
    try:
        await service.remove_item(template, item_key)
    except KeyError as exc:
        raise NotFoundException() from exc
    except EditRefused as exc:
        return await _refused(request, template, exc)
    flash(request, N_("Item deleted."))
    return Redirect(f"{BASE}/{template.id}")


@post(f"{BASE}/{{template_id:int}}/publish", opt=ADMIN)
async def publish(request: Request[Any, Any, Any], template_id: FromPath[int]) -> Template | Redirect:
    """Put the draft into use; the version used so far is retired (its inspections keep pointing at it)."""
    template = await _template(template_id)
    try:
        retired = await service.publish(template, _user(request).login)
    except EditRefused as exc:
        return await _refused(request, template, exc)
    await record(
        request,
        "inspection_template_published",
        target_type="inspection_template",
        target_id=template.id,
        detail={"family": template.family, "version": template.version, "retired": retired},
    )
    # A version the ward wrote itself replaces the seeded example.
    await samples.adopt(samples.template_key(template.family), _user(request), how="replaced")
    flash(request, N_("Version published: new inspections use it."))
    return Redirect(f"{BASE}/{template.id}")


IMPORT_LIMIT = 2 * 1024 * 1024


async def _import_page(
    request: Request[Any, Any, Any],
    template: InspectionTemplate,
    rows: list[sheet_import.ChecklistRow] | None = None,
    raw: list[dict[str, str]] | None = None,
    error: str = "",
    error_values: dict[str, object] | None = None,
    status_code: int = 200,
) -> Template:
    counts = {k: sum(1 for r in rows or [] if r.status == k) for k in ("new", "reworded", "same", "error")}
    return render(
        request,
        "template_admin/import.html",
        {
            "template": template,
            "rows": rows,
            "counts": counts,
            "payload": json.dumps(raw, ensure_ascii=False) if raw else "",
            "error": error,
            "error_values": error_values or {},
            "draft": await service.draft_of(template.family),
            **(await _choices(request)),
        },
        status_code=status_code,
    )


async def _checked(
    template: InspectionTemplate, raw: list[dict[str, str]]
) -> list[sheet_import.ChecklistRow]:
    return sheet_import.check(
        raw, template, await service.used_keys(template.family), set(await active_standards())
    )


@get(f"{BASE}/{{template_id:int}}/import", opt=ADMIN)
async def import_form(request: Request[Any, Any, Any], template_id: FromPath[int]) -> Template:
    return await _import_page(request, await _template(template_id))


@post(f"{BASE}/{{template_id:int}}/import", opt=ADMIN, request_max_body_size=IMPORT_LIMIT + 64 * 1024)
async def import_preview(request: Request[Any, Any, Any], template_id: FromPath[int]) -> Template:
    """Read the uploaded checklist and show what each row becomes; nothing is written yet."""
    template = await _template(template_id)
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await _import_page(request, template, error=N_("Choose a CSV or Excel file."), status_code=422)
    try:
        raw = sheet_import.read_rows(await upload.read())
    except SheetError as problem:
        return await _import_page(
            request, template, error=problem.message, error_values=problem.values, status_code=422
        )
    rows = await _checked(template, raw)
    return await _import_page(
        request, template, rows, raw, status_code=422 if any(r.errors for r in rows) else 200
    )


@post(f"{BASE}/{{template_id:int}}/import/confirm", opt=ADMIN, request_max_body_size=IMPORT_LIMIT)
async def import_confirm(
    request: Request[Any, Any, Any], template_id: FromPath[int], data: FormBody
) -> Template | Redirect:
    """Draft the next version from the previewed sheet (checked again); the administrator reviews the
    draft in the editor and publishes it."""
    template = await _template(template_id)
    raw = previewed_rows(data.get("payload", ""), sheet_import.MAX_ROWS)
    if raw is None:
        return await _import_page(request, template, error=N_("Upload the sheet again."), status_code=422)
    rows = await _checked(template, raw)
    if any(r.errors for r in rows):
        return await _import_page(request, template, rows, raw, status_code=422)
    try:
        draft = await service.import_version(template, sheet_import.grouped(rows))
    except EditRefused as refused:
        return await _import_page(request, template, rows, raw, error=refused.message, status_code=409)
    await record(
        request,
        "inspection_template_imported",
        target_type="inspection_template",
        target_id=draft.id,
        detail={"family": draft.family, "version": draft.version, "items": len(rows)},
    )
    return Redirect(f"{BASE}/{draft.id}")


@post(f"{BASE}/{{template_id:int}}/adopt", opt=ADMIN)
async def adopt_sample(request: Request[Any, Any, Any], template_id: FromPath[int]) -> Redirect:
    """The ward takes the seeded example as its own checklist, as it stands."""
    template = await _template(template_id)
    if await samples.adopt(samples.template_key(template.family), _user(request)):
        await record(request, "sample_adopted", target_type="inspection_template", target_id=template.family)
    return Redirect(BASE)


@post(f"{BASE}/{{template_id:int}}/discard", opt=ADMIN)
async def discard(request: Request[Any, Any, Any], template_id: FromPath[int]) -> Template | Redirect:
    """Throw the draft away."""
    template = await _template(template_id)
    try:
        await service.discard(template)
    except EditRefused as exc:
        return await _refused(request, template, exc)
    flash(request, N_("Draft discarded."))
    return Redirect(BASE)


routes = [
    list_templates,
    adopt_sample,
    import_form,
    import_preview,
    import_confirm,
    new_family,
    create_family,
    show_version,
    start_version,
    save_details,
    add_part,
    rename_part,
    move_part,
    remove_part,
    new_item,
    add_item,
    edit_item,
    save_item,
    move_item,
    remove_item,
    publish,
    discard,
]
