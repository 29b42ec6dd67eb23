"""Reading the desk's forms: one status per procedure (and whether the visit ends), and a booking."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from server.i18n import N_
from server.okuyami.records import PROCEDURE_STATES

PREFIX = "status."


@dataclass
class ProgressForm:
    progress: dict[str, str] = field(default_factory=dict)
    close: bool = False
    errors: dict[str, str] = field(default_factory=dict)


def parse_progress(data: dict[str, str], known_ids: set[str]) -> ProgressForm:
    form = ProgressForm(close=data.get("close") == "1")
    for name, value in data.items():
        if not name.startswith(PREFIX):
            continue
        procedure_id = name.removeprefix(PREFIX)
        if procedure_id not in known_ids:
            form.errors[name] = N_("This procedure is not in the catalogue.")
        elif value == "":
            continue
        elif value not in PROCEDURE_STATES:
            form.errors[name] = N_("Choose one of the statuses.")
        else:
            form.progress[procedure_id] = value
    return form


@dataclass
class BookingForm:
    day: str = ""
    slot: str = ""
    caller_name: str = ""
    caller_phone: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> str:
        value: str = getattr(self, name)
        return value

    @property
    def parsed_day(self) -> dt.date:
        return dt.date.fromisoformat(self.day)


_PHONE = re.compile(r"^[0-9０-９\-‐ー()（） ]{6,20}$")


def parse_booking(data: dict[str, str], today: dt.date, slots_per_day: int) -> BookingForm:
    form = BookingForm(
        day=data.get("day", "").strip(),
        slot=data.get("slot", "").strip(),
        caller_name=data.get("caller_name", "").strip(),
        caller_phone=data.get("caller_phone", "").strip(),
    )
    try:
        day = dt.date.fromisoformat(form.day)
    except ValueError:
        form.errors["day"] = N_("This is not a real date (year-month-day).")
    else:
        if day < today:
            form.errors["day"] = N_("This day has passed.")
        elif day.weekday() >= 5:
            form.errors["day"] = N_("The desk is closed on Saturdays and Sundays.")
    if not form.slot.isdigit() or not 1 <= int(form.slot) <= slots_per_day:
        form.errors["slot"] = N_("Choose one of the day's slots.")
    if not form.caller_name:
        form.errors["caller_name"] = N_("Enter the caller's name.")
    elif len(form.caller_name) > 100:
        form.errors["caller_name"] = N_("Keep this under 100 characters.")
    if form.caller_phone and not _PHONE.match(form.caller_phone):
        form.errors["caller_phone"] = N_("Enter a phone number with digits and hyphens.")
    return form
