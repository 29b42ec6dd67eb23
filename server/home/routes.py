"""Each role's home page: the work that role does, in the order they do it."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from server.auth.guards import SIGNED_IN
from server.calendar_ja import fiscal_year
from server.compliance import periods
from server.compliance.service import reminders_for
from server.home.service import work_for
from server.models import Role
from server.rendering import render
from server.timekeeping import today


@get("/", opt=SIGNED_IN, name="home")
async def home(request: Request[Any, Any, Any]) -> Template:
    """The signed-in user's home."""
    user = request.scope["state"]["user"]
    current = today()
    reminders = await reminders_for(user) if user.role in (Role.STAFF, Role.CHIEF) else []
    return render(
        request,
        "home/index.html",
        {
            "cards": work_for(user.role),
            "fiscal_year": fiscal_year(current),
            "today": current,
            "reminders": reminders,
            "period_label": periods.label,
        },
    )


routes = [home]
