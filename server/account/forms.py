"""Reading the password-change form."""

from __future__ import annotations

from dataclasses import dataclass, field

from server.auth.password_policy import MAX_LENGTH, office_names, password_problem
from server.i18n import N_


@dataclass
class PasswordForm:
    current: str = ""
    new: str = ""
    confirm: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def parse_password_change(data: dict[str, str], *, login: str, ward: str, office_name: str) -> PasswordForm:
    form = PasswordForm(
        current=data.get("current", "")[: MAX_LENGTH + 1],
        new=data.get("new", "")[: MAX_LENGTH + 1],
        confirm=data.get("confirm", "")[: MAX_LENGTH + 1],
    )
    if not form.current:
        form.errors["current"] = N_("Enter your current password.")
    problem = password_problem(form.new, login=login, office_names=office_names(office_name, ward))
    if problem:
        form.errors["new"] = problem
    elif form.new == form.current:
        form.errors["new"] = N_("The new password must differ from the current one.")
    elif form.confirm != form.new:
        form.errors["confirm"] = N_("The two new passwords do not match.")
    return form
