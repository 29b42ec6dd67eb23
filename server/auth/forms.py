"""Reading the login form."""

from __future__ import annotations

from dataclasses import dataclass, field

from server.i18n import N_


@dataclass
class LoginForm:
    login: str = ""
    password: str = ""
    next: str = "/"
    errors: dict[str, str] = field(default_factory=dict)


def parse_login(data: dict[str, str]) -> LoginForm:
    form = LoginForm(
        login=data.get("login", "").strip()[:64],
        password=data.get("password", "")[:256],
        next=data.get("next", "/"),
    )
    if not form.login:
        form.errors["login"] = N_("Enter your login name.")
    if not form.password:
        form.errors["password"] = N_("Enter your password.")
    return form
