"""Validating the template editor's forms; errors are message ids shown beside the field.

Every parser keeps exactly what was typed, so a form with a mistake is shown again unchanged.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field

from server.i18n import N_
from server.inspections.templates import ANSWER_TYPES, FREQUENCIES

FAMILY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,29}$")
CHOICE_TYPES = ("single_choice", "multi_choice")
TEXT_LIMIT = 300
NAME_LIMIT = 200
OPTION_LIMIT = 100
MAX_OPTIONS = 30

TYPE_LABELS = {
    "pass_fail": N_("Pass / fail (適・不適・該当なし)"),
    "number": N_("Number"),
    "text": N_("Text"),
    "single_choice": N_("One choice"),
    "multi_choice": N_("Several choices"),
    "date": N_("Date"),
    "photo": N_("Photo"),
    "signature": N_("Signature"),
}
FREQUENCY_LABELS = {
    "monthly": N_("Monthly"),
    "quarterly": N_("Quarterly"),
    "half_yearly": N_("Half-yearly"),
    "yearly": N_("Yearly"),
}
STATUS_LABELS = {"draft": N_("Draft"), "published": N_("In use"), "retired": N_("Retired")}


def frequency_of(months: int) -> str:
    for name, every in FREQUENCIES.items():
        if every == months:
            return name
    return "monthly"


def _clean(value: str | None) -> str:
    return (value or "").strip()


def _number(raw: str) -> float | int | None:
    """A number as typed on a Japanese keyboard too (全角 digits and minus), or None when it is not one."""
    text = unicodedata.normalize("NFKC", raw).replace("−", "-").replace(",", "")
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    # Whole numbers are stored as such, as the seeded templates write them (0, not 0.0).
    return int(value) if value.is_integer() else value


@dataclass
class DetailsForm:
    name: str = ""
    name_en: str = ""
    frequency: str = "monthly"
    errors: dict[str, str] = field(default_factory=dict)


def parse_details(data: dict[str, str]) -> DetailsForm:
    form = DetailsForm(
        name=_clean(data.get("name")),
        name_en=_clean(data.get("name_en")),
        frequency=_clean(data.get("frequency")),
    )
    if not form.name:
        form.errors["name"] = N_("Enter the template's name.")
    elif len(form.name) > NAME_LIMIT:
        form.errors["name"] = N_("The name is too long (200 characters at most).")
    if len(form.name_en) > NAME_LIMIT:
        form.errors["name_en"] = N_("The name is too long (200 characters at most).")
    if form.frequency not in FREQUENCIES:
        form.errors["frequency"] = N_("Choose how often the inspection is done.")
    return form


@dataclass
class FamilyForm(DetailsForm):
    family: str = ""


def parse_family(data: dict[str, str]) -> FamilyForm:
    details = parse_details(data)
    form = FamilyForm(
        name=details.name,
        name_en=details.name_en,
        frequency=details.frequency,
        errors=details.errors,
        family=_clean(data.get("family")).lower(),
    )
    if not FAMILY_PATTERN.match(form.family):
        form.errors["family"] = N_(
            "Use 2–30 lower-case letters, digits or hyphens, starting with a letter or digit."
        )
    return form


@dataclass
class PartForm:
    title: str = ""
    title_en: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def parse_part(data: dict[str, str]) -> PartForm:
    form = PartForm(title=_clean(data.get("title")), title_en=_clean(data.get("title_en")))
    if not form.title:
        form.errors["title"] = N_("Enter the part's title.")
    elif len(form.title) > NAME_LIMIT:
        form.errors["title"] = N_("The title is too long (200 characters at most).")
    if len(form.title_en) > NAME_LIMIT:
        form.errors["title_en"] = N_("The title is too long (200 characters at most).")
    return form


@dataclass
class ItemForm:
    """An item as typed; ``values()`` gives what is stored once there are no errors."""

    part: str = ""
    text: str = ""
    type: str = "pass_fail"
    required: bool = True
    unit: str = ""
    min: str = ""
    max: str = ""
    options: str = ""
    photo_on_fail: bool = False
    action_on_fail: bool = False
    standard: str = ""
    text_en: str = ""
    unit_en: str = ""
    options_en: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def option_list(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.options.splitlines() if line.strip())

    def option_en_list(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.options_en.splitlines() if line.strip())

    def values(self) -> dict[str, object]:
        """The stored fields: settings that do not apply to the chosen type are not kept."""
        number = self.type == "number"
        pass_fail = self.type == "pass_fail"
        return {
            "text": self.text,
            "type": self.type,
            "required": self.required,
            "unit": self.unit if number else "",
            "min": _number(self.min) if number and self.min else None,
            "max": _number(self.max) if number and self.max else None,
            "options": self.option_list() if self.type in CHOICE_TYPES else (),
            "photo_on_fail": self.photo_on_fail and pass_fail,
            "action_on_fail": self.action_on_fail and pass_fail,
            "standard": self.standard,
            "text_en": self.text_en,
            "unit_en": self.unit_en if number else "",
            "options_en": self.option_en_list() if self.type in CHOICE_TYPES else (),
        }


def parse_item(data: dict[str, str], part_keys: set[str], standards: Collection[str]) -> ItemForm:
    form = ItemForm(
        part=_clean(data.get("part")),
        text=_clean(data.get("text")),
        type=_clean(data.get("type")),
        required=data.get("required") == "on",
        unit=_clean(data.get("unit")),
        min=_clean(data.get("min")),
        max=_clean(data.get("max")),
        options=(data.get("options") or "").strip(),
        photo_on_fail=data.get("photo_on_fail") == "on",
        action_on_fail=data.get("action_on_fail") == "on",
        standard=_clean(data.get("standard")).upper(),
        text_en=_clean(data.get("text_en")),
        unit_en=_clean(data.get("unit_en")),
        options_en=(data.get("options_en") or "").strip(),
    )
    if form.part not in part_keys:
        form.errors["part"] = N_("Choose a part from the list.")
    if not form.text:
        form.errors["text"] = N_("Enter what the inspector checks.")
    elif len(form.text) > TEXT_LIMIT:
        form.errors["text"] = N_("The text is too long (300 characters at most).")
    if len(form.text_en) > TEXT_LIMIT:
        form.errors["text_en"] = N_("The text is too long (300 characters at most).")
    if form.type not in ANSWER_TYPES:
        form.errors["type"] = N_("Choose the kind of answer.")
    if form.type == "number":
        _check_range(form)
        if len(form.unit) > 20:
            form.errors["unit"] = N_("The unit is too long (20 characters at most).")
        if len(form.unit_en) > 20:
            form.errors["unit_en"] = N_("The unit is too long (20 characters at most).")
    if form.type in CHOICE_TYPES:
        _check_options(form)
    if form.standard and form.standard not in standards:
        form.errors["standard"] = N_("Choose a service standard from the list, or none.")
    return form


def _check_range(form: ItemForm) -> None:
    low = _number(form.min) if form.min else None
    high = _number(form.max) if form.max else None
    if form.min and low is None:
        form.errors["min"] = N_("Enter a number, e.g. 0 or 2.5.")
    if form.max and high is None:
        form.errors["max"] = N_("Enter a number, e.g. 0 or 2.5.")
    if low is not None and high is not None and low > high:
        form.errors["max"] = N_("The maximum must not be smaller than the minimum.")


def _check_options(form: ItemForm) -> None:
    options = form.option_list()
    if len(options) < 2:
        form.errors["options"] = N_("Enter at least two choices, one per line.")
    elif len(options) > MAX_OPTIONS:
        form.errors["options"] = N_("Enter 30 choices at most.")
    elif len(set(options)) != len(options):
        form.errors["options"] = N_("Each choice may appear only once.")
    elif any(len(o) > OPTION_LIMIT for o in options):
        form.errors["options"] = N_("A choice is too long (100 characters at most).")
    english = form.option_en_list()
    if english and len(english) != len(options):
        # Each English line names the Japanese choice on the same line: a different count would mislabel.
        form.errors["options_en"] = N_(
            "Give one English choice per Japanese choice, in the same order, or none."
        )
    elif any(len(o) > OPTION_LIMIT for o in english):
        form.errors["options_en"] = N_("A choice is too long (100 characters at most).")
