"""The plan editor's form: the year's title, purpose, 組織目標, 方針 (one box each) and each item's points."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from server.i18n import N_

MAX_TEXT = 4000
MAX_POLICIES = 10


@dataclass
class PlanForm:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def parse_plan(data: dict[str, str], item_codes: list[str]) -> PlanForm:
    """Check the posted editor; ``values`` has title, purpose, organisational_goals, policies (in order,
    empty boxes dropped) and items (code → points, one per line, and the (※) mark)."""
    form = PlanForm()
    title = data.get("title", "").strip()
    purpose = data.get("purpose", "").strip()
    goals = data.get("organisational_goals", "").strip()
    policies = [data.get(f"policy_{n}", "").strip() for n in range(1, MAX_POLICIES + 1)]
    policies = [p for p in policies if p]
    if not title:
        form.errors["title"] = N_("Enter the plan's title.")
    elif len(title) > 200:
        form.errors["title"] = N_("The title can be at most 200 characters.")
    for name, text in (("purpose", purpose), ("organisational_goals", goals)):
        if len(text) > MAX_TEXT:
            form.errors[name] = N_("This text can be at most 4000 characters.")
    if not purpose:
        form.errors["purpose"] = N_("Enter the plan's purpose.")
    if not policies:
        form.errors["policies"] = N_("Enter at least one service improvement policy.")
    elif any(len(p) > MAX_TEXT for p in policies):
        form.errors["policies"] = N_("This text can be at most 4000 characters.")
    items: dict[str, dict[str, Any]] = {}
    for code in item_codes:
        points = _lines(data.get(f"item_{code}", ""))
        if not points:
            form.errors[f"item_{code}"] = N_("Write what the plan does for this item.")
        items[code] = {"points": points, "city_required": data.get(f"required_{code}") == "1"}
    form.values = {
        "title": title,
        "purpose": purpose,
        "organisational_goals": goals,
        "policies": policies,
        "items": items,
    }
    return form
