"""改善: corrective actions from findings or by hand, through 受付 → 対応中 → 完了報告 → 確認."""

from __future__ import annotations

import hashlib
import uuid
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from server.actions import service
from server.actions.forms import ActionForm, StepForm, parse_action
from server.auth.guards import roles
from server.calendar_ja import fiscal_year
from server.flash import flash
from server.form_body import FormBody, query_id
from server.i18n import N_
from server.models import CorrectiveAction, Inspection, Role, Section, User
from server.people import names_of
from server.rendering import render
from server.state import AppState
from server.timekeeping import today
from sync import BlobError, BlobRefused, Kind
from sync.blobs import DEFAULT_MAX_BYTES

ACTION_USERS = roles(Role.STAFF, Role.CHIEF, Role.MANAGER)
MultipartBody = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def _user(request: Request[Any, Any, Any]) -> User:
    user: User = request.scope["state"]["user"]
    return user


async def _sections() -> dict[int, Section]:
    return {s.id: s for s in await Section.all().order_by("sort_order")}


@get("/actions", opt=ACTION_USERS)
async def list_actions(
    request: Request[Any, Any, Any],
    year: FromQuery[int | None] = None,
    section: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
    overdue: FromQuery[bool] = False,
) -> Template:
    """This fiscal year's actions with open ones carried over from earlier years; overdue ones marked."""
    day = today()
    section_id = query_id(section)
    year = year if year and 2000 <= year <= 2100 else fiscal_year(day)
    status = status if status in service.STATE_LABELS else ""
    rows = await service.for_year(year, section=section_id, status=status, overdue=overdue, today=day)
    context = {
        "rows": rows,
        "year": year,
        "filters": {"section": section_id, "status": status, "overdue": overdue},
        "sections": await _sections(),
        "state_labels": service.STATE_LABELS,
        "priority_labels": service.PRIORITY_LABELS,
        "overdue_ids": {a.id for a in rows if service.is_overdue(a, day)},
        "carried_ids": {a.id for a in rows if service.carried_over(a, year)},
    }
    return render(request, "actions/index.html", context, fragment="actions/_rows.html")


async def _action(action_id: uuid.UUID) -> CorrectiveAction:
    action = await CorrectiveAction.get_or_none(id=action_id, deleted=False)
    if action is None:
        raise NotFoundException()
    return action


async def _detail(
    request: Request[Any, Any, Any],
    action: CorrectiveAction,
    form: StepForm | None = None,
    status_code: int = 200,
) -> Template:
    state: AppState = request.app.state.madoguchi
    record = (await state.sync.store.get_records([("corrective_actions", str(action.id))])).get(
        ("corrective_actions", str(action.id))
    )
    values = record.values(state.sync.registry.get("corrective_actions")) if record else {}
    inspection = await Inspection.get_or_none(id=action.inspection_id) if action.inspection_id else None
    history = await service.transitions(str(action.id))
    context = {
        "action": action,
        "values": values,
        "inspection": inspection,
        "sections": await _sections(),
        "steps": service.allowed_steps(_user(request), action),
        "history": history,
        "names": await names_of([action.raised_by, *(t.login for t in history)]),
        "state_labels": service.STATE_LABELS,
        "priority_labels": service.PRIORITY_LABELS,
        "overdue": service.is_overdue(action, today()),
        "form": form or StepForm(),
    }
    return render(request, "actions/show.html", context, status_code=status_code)


@get("/actions/{action_id:uuid}", opt=ACTION_USERS)
async def show_action(request: Request[Any, Any, Any], action_id: FromPath[uuid.UUID]) -> Template:
    """One action: what was found, who fixes it by when, its photos and every step with who and when."""
    return await _detail(request, await _action(action_id))


@post("/actions/{action_id:uuid}/step", opt=ACTION_USERS, request_max_body_size=DEFAULT_MAX_BYTES + 65536)
async def take_step(
    request: Request[Any, Any, Any], action_id: FromPath[uuid.UUID], data: MultipartBody
) -> Template | Redirect:
    """Move the action on. A completion report needs a note (and may carry an evidence photo)."""
    action = await _action(action_id)
    user = _user(request)
    form = StepForm(
        target=str(data.get("target", "")),
        report_note=str(data.get("report_note", "")).strip(),
        reason=str(data.get("reason", "")).strip(),
    )
    step = next((s for s in service.allowed_steps(user, action) if s.target == form.target), None)
    if step is None:
        form.errors["form"] = N_("This step is not open to you now. The page shows what you can do.")
        return await _detail(request, action, form, status_code=409)
    if step.needs_report and not form.report_note:
        form.errors["report_note"] = N_("Describe what was done.")
    if step.needs_reason and not form.reason:
        form.errors["reason"] = N_("Say why it goes back.")
    for name, text in (("report_note", form.report_note), ("reason", form.reason)):
        if len(text) > 2000:
            form.errors[name] = N_("This is too long.")
    state: AppState = request.app.state.madoguchi
    evidence = data.get("evidence")
    sha = None
    if isinstance(evidence, UploadFile) and evidence.filename:
        content = await evidence.read()
        # The bytes decide, not the name or the type the browser declared (an SVG is an "image" too).
        if content:
            try:
                sha = hashlib.sha256(content).hexdigest()
                state.sync.blobs.put(sha, content)
            except BlobRefused:
                form.errors["evidence"] = N_("Choose a photo (JPEG, PNG or WebP).")
            except BlobError:
                form.errors["evidence"] = N_("This photo is too large (at most 20 MB).")
    if form.errors:
        return await _detail(request, action, form, status_code=422)
    fields: dict[str, Any] = {"status": step.target}
    if step.needs_report:
        fields["report_note"] = form.report_note
    result = await state.sync.web_write(
        user, "corrective_actions", str(action.id), Kind.PATCH, fields, action.version
    )
    if result["status"] == "rejected":
        form.errors["form"] = N_("The server did not accept this step. Reload the page and try again.")
        return await _detail(request, action, form, status_code=409)
    if sha:
        await state.sync.web_write(
            user, "corrective_actions", str(action.id), Kind.SET_ADD, {"evidence": [sha]}, None
        )
    if step.needs_reason:
        await state.sync.web_write(
            user, "corrective_actions", str(action.id), Kind.PATCH, {"notes": form.reason}, None
        )
    flash(request, N_("Saved."))
    return Redirect(f"/actions/{action.id}")


async def _new_context(form: ActionForm) -> dict[str, Any]:
    options = [("", "")] + [(str(s.id), s.name) for s in (await _sections()).values()]
    return {"form": form, "section_options": options}


@get("/actions/new", opt=ACTION_USERS)
async def new_action(request: Request[Any, Any, Any]) -> Template:
    """Raise an action by hand (one that no inspection found)."""
    user = _user(request)
    form = ActionForm(section_id=str(user.section_id or ""))
    return render(request, "actions/new.html", await _new_context(form))


@post("/actions/new", opt=ACTION_USERS)
async def create_action(request: Request[Any, Any, Any], data: FormBody) -> Template | Redirect:
    sections = await _sections()
    form = parse_action(data, set(sections))
    if form.errors:
        return render(request, "actions/new.html", await _new_context(form), status_code=422)
    state: AppState = request.app.state.madoguchi
    action_id = str(uuid.uuid4())
    fields = {
        "section_id": int(form.section_id),
        "title": form.title,
        "description": form.description,
        "due_on": form.due_on,
        "priority": form.priority,
        "assignee": form.assignee[:64],
        "place": form.place[:200],
        "status": "raised",
    }
    await state.sync.web_write(_user(request), "corrective_actions", action_id, Kind.CREATE, fields, None)
    flash(request, N_("Corrective action raised."))
    return Redirect(f"/actions/{action_id}")


routes = [list_actions, new_action, create_action, show_action, take_step]
