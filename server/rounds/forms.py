"""Validating a round (schedule) form; errors are message ids shown beside the field."""

from __future__ import annotations

from dataclasses import dataclass, field

from server.i18n import N_
from server.rounds.service import EVERY_MONTHS


@dataclass
class RoundForm:
    section_id: str = ""
    family: str = ""
    every_months: str = "1"
    active: bool = True
    errors: dict[str, str] = field(default_factory=dict)


def parse_round(
    data: dict[str, str], *, section_ids: set[int], families: set[str], creating: bool
) -> RoundForm:
    form = RoundForm(
        section_id=(data.get("section_id") or "").strip(),
        family=(data.get("family") or "").strip(),
        every_months=(data.get("every_months") or "").strip(),
        active=data.get("active") == "on" or creating,
    )
    if creating:
        if not form.section_id.isdigit() or int(form.section_id) not in section_ids:
            form.errors["section_id"] = N_("Choose a section from the list.")
        if form.family not in families:
            form.errors["family"] = N_("Choose a template from the list.")
    if not form.every_months.isdigit() or int(form.every_months) not in EVERY_MONTHS:
        form.errors["every_months"] = N_("Choose how often the inspection is done.")
    return form
