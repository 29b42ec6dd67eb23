"""Reading the section-goal form (the same fields a tablet sends offline)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from server.compliance.rules import GOAL_STATUSES
from server.i18n import N_

LIMITS = {
    "title": 200,
    "indicator": 200,
    "target": 200,
    "progress": 4000,
    "midyear_review": 4000,
    "year_end_evaluation": 4000,
}
TEXT_FIELDS = tuple(LIMITS)
STATUS_LABELS = {
    "planned": N_("Not started"),
    "on_track": N_("On track"),
    "behind": N_("Behind"),
    "achieved": N_("Achieved"),
    "not_achieved": N_("Not achieved"),
}

FILING_LANGUAGE = "ja"  # reports and spreadsheets are filed in Japanese, whatever the screen's language


def status_wording(gettext: Callable[[str], str]) -> dict[str, str]:
    """Each goal status as ``gettext``'s language words it (for a file, the filing language's)."""
    return {status: gettext(label) for status, label in STATUS_LABELS.items()}


@dataclass
class GoalForm:
    title: str = ""
    indicator: str = ""
    target: str = ""
    progress: str = ""
    midyear_review: str = ""
    year_end_evaluation: str = ""
    status: str = "planned"
    standards: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: getattr(self, name) for name in TEXT_FIELDS}
        out["status"] = self.status
        out["standards"] = list(self.standards)
        return out


def parse_goal(
    data: dict[str, str], standards: list[str] | None = None, known: set[str] | None = None
) -> GoalForm:
    """``standards``: the ticked standard codes (a form sends several values under one name)."""
    form = GoalForm()
    for name in TEXT_FIELDS:
        setattr(form, name, data.get(name, "").strip())
    form.status = data.get("status", "planned") or "planned"
    form.standards = sorted({c for c in (standards or []) if c})
    if not form.title:
        form.errors["title"] = N_("Enter the goal.")
    for name, limit in LIMITS.items():
        if len(getattr(form, name)) > limit:
            form.errors[name] = N_("This is too long.")
    if form.status not in GOAL_STATUSES:
        form.errors["status"] = N_("Choose the goal's status from the list.")
    if known is not None and any(code not in known for code in form.standards):
        form.errors["standards"] = N_("Choose standards from the list.")
    return form
