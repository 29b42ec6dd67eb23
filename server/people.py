"""People as staff know them: the name shown for a login (logins are for signing in, not for reading)."""

from __future__ import annotations

from collections.abc import Iterable

from server.models import User


async def names_of(logins: Iterable[str]) -> dict[str, str]:
    """Each login's display name; a login with no account left (or no name) stands for itself."""
    wanted = {login for login in logins if login}
    if not wanted:
        return {}
    found = {u.login: u.display_name for u in await User.filter(login__in=sorted(wanted))}
    return {login: found.get(login) or login for login in wanted}
