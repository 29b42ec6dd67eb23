"""Reading the catalogue, target and answer forms; errors are message ids shown beside the field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from server.compliance.rules import BAD_RESULT, NOTE_NEEDED
from server.i18n import N_
from server.models import AppliesTo, Result

STANDARD_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$")
GROUP_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


@dataclass
class StandardForm:
    code: str = ""
    group_key: str = ""
    new_group_key: str = ""
    group_name: str = ""
    group_name_en: str = ""
    text: str = ""
    text_en: str = ""
    applies_to: str = AppliesTo.ALL.value
    sort_order: str = "0"
    errors: dict[str, str] = field(default_factory=dict)


def parse_standard(data: dict[str, str], *, known_groups: set[str]) -> StandardForm:
    new_group = data.get("new_group_key", "").strip().lower()
    form = StandardForm(
        code=data.get("code", "").strip().upper(),
        group_key=new_group or data.get("group_key", "").strip().lower(),
        new_group_key=new_group,
        group_name=data.get("group_name", "").strip(),
        group_name_en=data.get("group_name_en", "").strip(),
        text=data.get("text", "").strip(),
        text_en=data.get("text_en", "").strip(),
        applies_to=data.get("applies_to", ""),
        sort_order=data.get("sort_order", "0").strip() or "0",
    )
    if not STANDARD_CODE.match(form.code):
        form.errors["code"] = N_("Use up to 16 letters, digits, hyphens or underscores, e.g. SB-31.")
    if not GROUP_KEY.match(form.group_key):
        where = "new_group_key" if new_group else "group_key"
        form.errors[where] = N_("Choose a group or enter a new group key (lower-case letters, digits).")
    elif form.group_key not in known_groups and not form.group_name:
        form.errors["group_name"] = N_("Enter the new group's name.")
    if len(form.group_name) > 100 or len(form.group_name_en) > 100:
        form.errors["group_name"] = N_("The name is too long (100 characters at most).")
    if not form.text:
        form.errors["text"] = N_("Enter the text staff see.")
    elif len(form.text) > 300:
        form.errors["text"] = N_("The text is too long (300 characters at most).")
    if len(form.text_en) > 300:
        form.errors["text_en"] = N_("The text is too long (300 characters at most).")
    if form.applies_to not in {a.value for a in AppliesTo}:
        form.errors["applies_to"] = N_("Choose whom the standard applies to.")
    if not re.fullmatch(r"-?\d{1,6}", form.sort_order):
        form.errors["sort_order"] = N_("Enter a whole number.")
    return form


TARGET_RANGE = N_("Enter a percentage from 0 to 100, e.g. 95 or 97.5.")


def parse_percent(raw: str) -> tuple[Decimal | None, str | None]:
    """A target in percent: empty means none; otherwise 0–100 with at most one decimal place."""
    text = raw.strip().rstrip("%").strip().replace("％", "")
    if not text:
        return None, None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, TARGET_RANGE
    if not value.is_finite() or value < 0 or value > 100 or value != value.quantize(Decimal("0.1")):
        return None, TARGET_RANGE
    return value.quantize(Decimal("0.1")), None


@dataclass
class AnswerForm:
    period: str = ""
    standard_code: str = ""
    result: str = ""
    note: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def parse_answer(data: dict[str, str]) -> AnswerForm:
    form = AnswerForm(
        period=data.get("period", "").strip(),
        standard_code=data.get("standard_code", "").strip(),
        result=data.get("result", ""),
        note=data.get("note", "").strip(),
    )
    if form.result not in {r.value for r in Result}:
        form.errors["result"] = BAD_RESULT
    elif form.result == Result.NONCOMPLIANT and not form.note:
        form.errors["note"] = NOTE_NEEDED
    if len(form.note) > 2000:
        form.errors["note"] = N_("This is too long.")
    return form
