"""Each role's home page: the work that role does, in the order they do it."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from server.auth.guards import SIGNED_IN
from server.calendar_ja import fiscal_year
from server.home.service import work_for
from server.rendering import render
from server.timekeeping import today


@get("/", opt=SIGNED_IN, name="home")
async def home(request: Request[Any, Any, Any]) -> Template:
    """The signed-in user's home."""
    user = request.scope["state"]["user"]
    current = today()
    return render(
        request,
        "home/index.html",
        {
            "cards": work_for(user.role),
            "fiscal_year": fiscal_year(current),
            "today": current,
        },
    )


routes = [home]
