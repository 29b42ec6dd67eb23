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
    "table_kinds": service.TABLE_KIND_LABELS,
    "keep_locked": service.KEEP_LOCKED_LABELS,
    "locked_base": service.LOCKED_BASE_LABELS,
}


def _user(request: Request[Any, Any, Any]) -> User:
    user: User = request.scope["state"]["user"]
    return user


async def _inbox_page(
    request: Request[Any, Any, Any], error: str | None = None, status_code: int = 200
) -> Template:
    user = _user(request)
    state: AppState = request.app.state.madoguchi
    conflicts = await service.open_conflicts(user)
    # The values in dispute may be a family's or a resident's: the list is a view of them, audited, and
    # never stored by the browser or the service worker (no-store).
    await record(request, "conflicts_listed", detail={"conflicts": [c.id for c in conflicts]})
    return render(
        request,
        "conflicts/index.html",
        {
            "groups": await service.by_record(state, conflicts),
            "labels": LABELS,
            "display": service.display,
            "pictures": {c.id for c in conflicts if service.shows_files(state, c)},
            "error": error,
        },
        fragment="conflicts/_rows.html",
        personal_data=True,
        status_code=status_code,
    )


@get("/conflicts", opt=DECIDERS)
async def inbox(request: Request[Any, Any, Any]) -> Template:
    """Open conflicts, one row per record (the oldest first), with each disputed field inside."""
    return await _inbox_page(request)


ARRIVED = N_("A new value arrived while you were reviewing. Look at the values again and decide.")


async def _detail_context(
    request: Request[Any, Any, Any], conflict: Conflict, error: str | None = None, typed: str = ""
) -> dict[str, Any]:
    state: AppState = request.app.state.madoguchi
    current = await service.record_of(state, conflict)
    return {
        "conflict": conflict,
        "candidates": await service.candidates_of(conflict),
        "labels": LABELS,
        "display": service.display,
        "error": error,
        "typed": typed,
        "subject": await service.subject_of(conflict),
        "choose_only": (conflict.table, conflict.field) in service.CHOOSE_ONLY,
        "held_set": service.held_set(state, conflict),
        "pictures": service.shows_files(state, conflict),
        # What the page shows, sent back with the decision: values written after it keep it open.
        "seen_version": current.version,
        "deleted": current.deleted,
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
    """Keep one value, enter a new one, or accept the provisional value: as the page showed them."""
    user = _user(request)
    conflict = await service.conflict_for(user, conflict_id)
    if conflict is None:
        raise NotFoundException()
    if conflict.status != "open":
        return Redirect("/conflicts")
    state: AppState = request.app.state.madoguchi
    choice = data.get("choice", "")
    typed = data.get("value", "").strip()
    seen_version = service.parse_version(data.get("seen_version", ""))
    current = await service.record_of(state, conflict)
    chosen = None
    if choice.startswith(("keep:", "restore:")):
        chosen = service.candidate_by_op(conflict, choice.partition(":")[2])
    if (
        service.arrived_since(conflict, current, seen_version, data.get("seen_deleted") == "1")
        or seen_version is None
        or (choice.startswith(("keep:", "restore:")) and chosen is None)
    ):
        context = await _detail_context(request, conflict, ARRIVED, typed)
        return render(request, "conflicts/detail.html", context, status_code=409)
    action, values, restore = "dismiss", {}, False
    if service.held_set(state, conflict):
        # Photos held back by a sign-off: accept the changes, or keep the set as it was signed off.
        action = "apply" if choice == "apply" else "dismiss"
    elif conflict.field and chosen is not None:
        action, values = "apply", {conflict.field: chosen["value"]}
        # On a deleted record the decision closes the conflict; restoring is a choice of its own.
        restore = choice.startswith("restore:") and current.deleted
    elif conflict.field and choice == "edit" and (conflict.table, conflict.field) not in service.CHOOSE_ONLY:
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
    result = await service.resolve(state, user, conflict, action, values, seen_version, restore=restore)
    await record(
        request,
        "conflict_resolved",
        target_type=conflict.table,
        target_id=conflict.record_id,
        detail={"conflict": conflict.id, "action": action, "status": result["status"], "restored": restore},
    )
    if result["status"] != "rejected":
        flash(request, N_("Decision saved."))
    return Redirect("/conflicts")


@post("/conflicts/accept", opt=DECIDERS)
async def accept_many(request: Request[Any, Any, Any]) -> Template | Redirect:
    """Accept the provisional value of every ticked conflict, as the inbox showed it. A conflict that
    changed after the inbox was shown stays open, and the inbox is shown again saying so."""
    user = _user(request)
    state: AppState = request.app.state.madoguchi
    form = await request.form()
    changed = False
    for conflict_id in form.getall("conflict_id", []):
        conflict = await service.conflict_for(user, str(conflict_id))
        if conflict is None or conflict.status != "open":
            continue
        current = await service.record_of(state, conflict)
        seen_version = service.parse_version(str(form.get(f"seen_version.{conflict.id}", "")))
        seen_deleted = str(form.get(f"seen_deleted.{conflict.id}", "")) == "1"
        if seen_version is None or service.arrived_since(conflict, current, seen_version, seen_deleted):
            changed = True
            continue
        await service.resolve(state, user, conflict, "dismiss", {}, seen_version)
        await record(
            request,
            "conflict_resolved",
            target_type=conflict.table,
            target_id=conflict.record_id,
            detail={"conflict": conflict.id, "action": "accept_provisional"},
        )
    if changed:
        return await _inbox_page(request, ARRIVED, status_code=409)
    flash(request, N_("The provisional values were accepted."))
    return Redirect("/conflicts")


routes = [inbox, accept_many, detail, decide]
