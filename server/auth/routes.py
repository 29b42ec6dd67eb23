"""Sign-in, sign-out and the language switch."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from server.audit import client_ip, record
from server.auth import service
from server.auth.forms import LoginForm, parse_login
from server.auth.guards import PUBLIC, SIGNED_IN, begin_session
from server.config import SUPPORTED_LANGUAGES
from server.form_body import FormBody
from server.i18n import LANGUAGE_COOKIE, N_
from server.navigation import safe_next
from server.rendering import render
from server.state import AppState


@get("/login", opt=PUBLIC, name="login")
async def login_page(
    request: Request[Any, Any, Any], next: FromQuery[str] = "/", bye: FromQuery[str] = ""
) -> Template | Redirect:
    """The sign-in form (a signed-in user goes straight home)."""
    if request.scope.get("state", {}).get("user") is not None:
        return Redirect(safe_next(next))
    return render(
        request, "auth/login.html", {"form": LoginForm(next=safe_next(next)), "signed_out": bool(bye)}
    )


@post("/login", opt=PUBLIC)
async def login_submit(request: Request[Any, Any, Any], data: FormBody) -> Template | Redirect:
    """Check the credentials; on success start a fresh session."""
    state: AppState = request.app.state.madoguchi
    form = parse_login(data)
    form.next = safe_next(form.next)
    if form.errors:
        return render(request, "auth/login.html", {"form": form, "signed_out": False}, status_code=422)
    outcome = await service.authenticate(state.settings, form.login, form.password, client_ip(request))
    if outcome.user is None:
        if outcome.locked_minutes:
            form.errors["form"] = N_(
                "Too many failed sign-ins. Please wait %(minutes)s minutes and try again."
            )
        else:
            form.errors["form"] = N_("The login name or password is not correct.")
        await record(request, "login_failed", login=form.login)
        form.password = ""
        context = {"form": form, "signed_out": False, "locked_minutes": outcome.locked_minutes}
        return render(request, "auth/login.html", context, status_code=401)
    begin_session(request, outcome.user)
    await record(request, "login", user=outcome.user)
    response: Redirect = Redirect(form.next)
    if outcome.user.language in SUPPORTED_LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, outcome.user.language, max_age=365 * 86400, samesite="lax")
    return response


@post("/logout", opt=SIGNED_IN)
async def logout(request: Request[Any, Any, Any]) -> Redirect:
    """End the session. The page script has already cleared (or, if unsent, kept) this tablet's data."""
    await record(request, "logout")
    request.clear_session()
    return Redirect("/login?bye=1")


@post("/language", opt=PUBLIC)
async def switch_language(request: Request[Any, Any, Any], data: FormBody) -> Redirect:
    """Switch between Japanese and English; remembered on this device and, when signed in, for the account."""
    language = data.get("lang", "")
    target = safe_next(data.get("next"))
    response: Redirect = Redirect(target)
    if language in SUPPORTED_LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 86400, samesite="lax")
        user = request.scope.get("state", {}).get("user")
        if user is not None:
            user.language = language
            await user.save(update_fields=["language"])
    return response


routes = [login_page, login_submit, logout, switch_language]
