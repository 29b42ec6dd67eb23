"""``/account/password``: a person changes their own password; their other sessions end."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from server.account.forms import PasswordForm, parse_password_change
from server.audit import client_ip, record
from server.auth import service
from server.auth.guards import SIGNED_IN, begin_session
from server.form_body import FormBody
from server.i18n import N_
from server.models import User
from server.rendering import render
from server.state import AppState


@get("/account/password", opt=SIGNED_IN)
async def password_form(request: Request[Any, Any, Any], done: FromQuery[str] = "") -> Template:
    """The form: the current password, the new one twice."""
    return render(request, "account/password.html", {"form": PasswordForm(), "done": done == "1"})


@post("/account/password", opt=SIGNED_IN)
async def change_password(request: Request[Any, Any, Any], data: FormBody) -> Template | Redirect:
    state: AppState = request.app.state.madoguchi
    user: User = request.scope["state"]["user"]
    form = parse_password_change(data, login=user.login, ward=user.ward, office_name=state.settings.ward_name)
    locked_minutes = 0
    if not form.errors:
        # The current password is a sign-in: it counts against the same limits, so a session left open on
        # a tablet cannot be used to guess it.
        outcome = await service.check_current_password(state.settings, user, form.current, client_ip(request))
        if outcome.locked_minutes:
            locked_minutes = outcome.locked_minutes
            form.errors["form"] = N_(
                "Too many failed sign-ins. Please wait %(minutes)s minutes and try again."
            )
        elif outcome.user is None:
            form.errors["current"] = N_("The current password is not correct.")
            await record(request, "password_change_failed")
    if form.errors:
        context = {"form": PasswordForm(errors=form.errors), "done": False, "locked_minutes": locked_minutes}
        return render(request, "account/password.html", context, status_code=422, personal_data=True)
    await service.set_password(user, form.new)
    # A fresh session for this tablet; every other session of the person no longer matches and ends.
    begin_session(request, user)
    await record(request, "password_changed", target_type="user", target_id=user.id)
    await record(
        request, "sessions_ended", target_type="user", target_id=user.id, detail={"except": "this one"}
    )
    return Redirect("/account/password?done=1")


routes = [password_form, change_password]
