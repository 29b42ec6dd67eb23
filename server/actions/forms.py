"""Reading the corrective-action forms."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from server.i18n import N_


@dataclass
class ActionForm:
    section_id: str = ""
    title: str = ""
    description: str = ""
    due_on: str = ""
    priority: str = "normal"
    assignee: str = ""
    place: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def parse_action(data: dict[str, str], sections: set[int]) -> ActionForm:
    def text(name: str) -> str:
        return data.get(name, "").strip()

    form = ActionForm(
        section_id=text("section_id"),
        title=text("title"),
        description=text("description"),
        due_on=text("due_on"),
        priority=text("priority"),
        assignee=text("assignee"),
        place=text("place"),
    )
    if not form.section_id.isdigit() or int(form.section_id) not in sections:
        form.errors["section_id"] = N_("Choose the responsible section.")
    if not form.title:
        form.errors["title"] = N_("Enter what needs fixing.")
    elif len(form.title) > 200:
        form.errors["title"] = N_("This is too long.")
    if len(form.description) > 4000:
        form.errors["description"] = N_("This is too long.")
    try:
        dt.date.fromisoformat(form.due_on)
    except ValueError:
        form.errors["due_on"] = N_("Enter the due date.")
    if form.priority not in ("high", "normal", "low"):
        form.priority = "normal"
    return form


@dataclass
class StepForm:
    target: str = ""
    report_note: str = ""
    reason: str = ""
    errors: dict[str, str] = field(default_factory=dict)
