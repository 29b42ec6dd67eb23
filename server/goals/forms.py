"""Reading the section-goal form (the same fields a tablet sends offline)."""

from __future__ import annotations

from dataclasses import dataclass, field

from server.i18n import N_

LIMITS = {"title": 200, "indicator": 200, "target": 200, "progress": 4000}


@dataclass
class GoalForm:
    title: str = ""
    indicator: str = ""
    target: str = ""
    progress: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def values(self) -> dict[str, str]:
        return {
            "title": self.title,
            "indicator": self.indicator,
            "target": self.target,
            "progress": self.progress,
        }


def parse_goal(data: dict[str, str]) -> GoalForm:
    form = GoalForm(
        title=data.get("title", "").strip(),
        indicator=data.get("indicator", "").strip(),
        target=data.get("target", "").strip(),
        progress=data.get("progress", "").strip(),
    )
    if not form.title:
        form.errors["title"] = N_("Enter the goal.")
    for name, limit in LIMITS.items():
        if len(getattr(form, name)) > limit:
            form.errors[name] = N_("This is too long.")
    return form
