"""Reading the desk's progress form: one status per procedure, and whether the visit ends."""

from __future__ import annotations

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
