"""The conflict inbox: where 課長 and 管理者 (and the bereavement desk, for its cases) decide between values
entered on different tablets."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server.audit import record
from server.auth.guards import roles
from server.conflicts import service
from server.flash import flash
from server.form_body import FormBody
from server.i18n import N_
from server.models import Role, User
from server.rendering import render
from server.state import AppState
from sync import Conflict

# 課長 and 管理者 decide their sections' and the ward's conflicts; the desk decides those of its own cases.
DECIDERS = roles(Role.CHIEF, Role.MANAGER, Role.OKUYAMI)
LABELS = {
    "tables": service.TABLE_LABELS,
    "fields": service.FIELD_LABELS,
    "kinds": service.KIND_LABELS,
    "values": service.VALUE_LABELS,
    "changes": service.CHANGE_LABELS,
}


def _user(request: Request[Any, Any, Any]) -> User:
    user: User = request.scope["state"]["user"]
    return user


@get("/conflicts", opt=DECIDERS)
async def inbox(request: Request[Any, Any, Any]) -> Template:
    """Open conflicts, oldest first."""
    conflicts = await service.open_conflicts(_user(request))
    state: AppState = request.app.state.madoguchi
    # The values in dispute may be a family's or a resident's: the list is a view of them, audited, and
    # never stored by the browser or the service worker (no-store).
    await record(request, "conflicts_listed", detail={"conflicts": [c.id for c in conflicts]})
    return render(
        request,
        "conflicts/index.html",
        {
            "conflicts": conflicts,
            "labels": LABELS,
            "display": service.display,
            "pictures": {c.id for c in conflicts if service.shows_files(state, c)},
        },
        fragment="conflicts/_rows.html",
        personal_data=True,
    )


async def _detail_context(
    request: Request[Any, Any, Any], conflict: Conflict, error: str | None = None
) -> dict[str, Any]:
    state: AppState = request.app.state.madoguchi
    return {
        "conflict": conflict,
        "candidates": await service.candidates_of(conflict),
        "labels": LABELS,
        "display": service.display,
        "error": error,
        "subject": await service.subject_of(conflict),
        "choose_only": (conflict.table, conflict.field) in service.CHOOSE_ONLY,
        "held_set": service.held_set(state, conflict),
        "pictures": service.shows_files(state, conflict),
    }


@get("/conflicts/{conflict_id:str}", opt=DECIDERS)
async def detail(request: Request[Any, Any, Any], conflict_id: FromPath[str]) -> Template:
    """One conflict: the value before, each value entered with who, device and time, and the choices."""
    conflict = await service.conflict_for(_user(request), conflict_id)
    if conflict is None:
        raise NotFoundException()
    context = await _detail_context(request, conflict)
    await record(
        request,
        "conflict_viewed",
        target_type=conflict.table,
        target_id=conflict.record_id,
        detail={"conflict": conflict.id},
    )
    return render(request, "conflicts/detail.html", context, personal_data=True)


@post("/conflicts/{conflict_id:str}", opt=DECIDERS)
async def decide(
    request: Request[Any, Any, Any], conflict_id: FromPath[str], data: FormBody
) -> Template | Redirect:
    """Keep one value, enter a new one, or accept the provisional value."""
    user = _user(request)
    conflict = await service.conflict_for(user, conflict_id)
    if conflict is None:
        raise NotFoundException()
    if conflict.status != "open":
        return Redirect("/conflicts")
    choice = data.get("choice", "")
    action, values = "dismiss", {}
    state: AppState = request.app.state.madoguchi
    if service.held_set(state, conflict):
        # Photos held back by a sign-off: accept the changes, or keep the set as it was signed off.
        action = "apply" if choice == "apply" else "dismiss"
    elif conflict.field and choice.startswith("keep:") and choice[5:].isdigit():
        index = int(choice[5:])
        if index < len(conflict.candidates):
            action, values = "apply", {conflict.field: conflict.candidates[index]["value"]}
    elif conflict.field and choice == "edit" and (conflict.table, conflict.field) not in service.CHOOSE_ONLY:
        typed = data.get("value", "").strip()
        if not typed:
            context = await _detail_context(request, conflict, N_("Enter the value to keep."))
            return render(request, "conflicts/detail.html", context, status_code=422, personal_data=True)
        action, values = "apply", {conflict.field: typed}
    elif not conflict.field and choice == "apply":
        merged: dict[str, Any] = {}
        for candidate in conflict.candidates:
            value = candidate.get("value")
            if isinstance(value, dict):
                merged.update(value.get("fields", value))
        action, values = "apply", merged
    result = await service.resolve(state, user, conflict, action, values)
    await record(
        request,
        "conflict_resolved",
        target_type=conflict.table,
        target_id=conflict.record_id,
        detail={"conflict": conflict.id, "action": action, "status": result["status"]},
    )
    if result["status"] != "rejected":
        flash(request, N_("Decision saved."))
    return Redirect("/conflicts")


@post("/conflicts/accept", opt=DECIDERS)
async def accept_many(request: Request[Any, Any, Any]) -> Redirect:
    """Accept the provisional value of every ticked conflict."""
    user = _user(request)
    state: AppState = request.app.state.madoguchi
    form = await request.form()
    for conflict_id in form.getall("conflict_id", []):
        conflict = await service.conflict_for(user, str(conflict_id))
        if conflict is not None and conflict.status == "open":
            await service.resolve(state, user, conflict, "dismiss", {})
            await record(
                request,
                "conflict_resolved",
                target_type=conflict.table,
                target_id=conflict.record_id,
                detail={"conflict": conflict.id, "action": "accept_provisional"},
            )
    flash(request, N_("The provisional values were accepted."))
    return Redirect("/conflicts")


routes = [inbox, accept_many, detail, decide]
