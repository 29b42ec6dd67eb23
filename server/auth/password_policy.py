"""What a new password must be, in one place: the admin's account form, the self-service change and
``madoguchi create-user`` all ask here.

Length matters most (NIST SP 800-63B); beyond it a password must not be one that attackers try first:
the 30,000 most common passwords (the list zxcvbn ships, matched without regard to case), the person's
own login name, or the ward office's name.
"""

from __future__ import annotations

from functools import cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

from server.config import KAWASAKI_WARDS
from server.i18n import N_

MIN_LENGTH = 10
MAX_LENGTH = 256

TOO_SHORT = N_("The password needs at least 10 characters.")
TOO_LONG = N_("The password is too long (256 characters at most).")
TOO_COMMON = N_("This password is one of the most common passwords. Choose one that is harder to guess.")
HAS_NAME = N_("The password must not contain your login name or the office's name.")


@cache
def _common() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, *, login: str, office_names: tuple[str, ...] = ()) -> str | None:
    """The message id saying why ``password`` may not be used, or None when it may."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    folded = password.casefold()
    if folded in _common():
        return TOO_COMMON
    names = [login, *office_names]
    if any(len(name) >= 2 and name.casefold() in folded for name in names if name):
        return HAS_NAME
    return None


def office_names(ward_name: str, ward: str) -> tuple[str, ...]:
    """The office's names a password must not contain: the configured office name (高津区役所), the
    person's ward (高津区), its name without 区 (高津) and in romaji (takatsu)."""
    return (ward_name, ward, ward.removesuffix("区"), KAWASAKI_WARDS.get(ward, ""))
