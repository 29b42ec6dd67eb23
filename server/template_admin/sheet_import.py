"""A checklist from a CSV or Excel sheet: one row per item, becoming the next draft version of a template.

Columns, found by name: 部 (part title), 項目 (what the inspector checks), 種類 (適否, 数値, 文字,
選択, 複数選択, 日付, 写真, 署名 — or the answer type codes), 必須 (○ / はい / 1), 単位, 最小, 最大,
選択肢 (separated by ｜ or |), 基準 (a service standard code), 英語 (the English wording) and キー (an
item's key: a row with the key of an item the template already has rewords that item, so its trend
survives). 部 and 項目 are required.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from server.i18n import N_
from server.inspections.templates import Item, parse_body
from server.models import InspectionTemplate
from server.sheet_reading import read_sheet
from server.template_admin.forms import parse_item
from server.template_admin.service import item_of

MAX_ROWS = 300
COLUMNS = {
    "part": ("part", "部", "区分", "場所"),
    "text": ("text", "項目", "点検項目", "内容"),
    "type": ("type", "種類", "回答の種類"),
    "required": ("required", "必須"),
    "unit": ("unit", "単位"),
    "min": ("min", "最小", "最小値"),
    "max": ("max", "最大", "最大値"),
    "options": ("options", "選択肢"),
    "standard": ("standard", "基準", "基準コード"),
    "text_en": ("text_en", "英語", "英文"),
    "key": ("key", "キー", "項目キー"),
}
TYPES = {
    "適否": "pass_fail", "適・不適": "pass_fail", "数値": "number", "数": "number", "文字": "text",
    "テキスト": "text", "選択": "single_choice", "単一選択": "single_choice", "複数選択": "multi_choice",
    "日付": "date", "写真": "photo", "署名": "signature", "": "pass_fail",
}  # fmt: skip
YES = {"○", "〇", "はい", "必須", "1", "true", "yes", "y"}
UNKNOWN_KEY = N_("No item of this template has this key; leave キー empty for a new item.")
DUPLICATE_KEY = N_("This key appears more than once in the sheet.")


@dataclass
class ChecklistRow:
    line: int
    part: str
    item: Item | None = None  # the item as it will be stored (key empty for a new one)
    status: str = "new"  # new, reworded, same, error
    errors: list[str] = field(default_factory=list)


def read_rows(content: bytes) -> list[dict[str, str]]:
    return read_sheet(content, COLUMNS, ("part", "text"), MAX_ROWS)


def check(rows: list[dict[str, str]], template: InspectionTemplate, known_keys: set[str],
          standards: set[str]) -> list[ChecklistRow]:  # fmt: skip
    """Each row checked as the item form checks a typed item; a row's key must be one the template's
    family has used (rewording that item), or empty (a new item)."""
    current = {item.key: item for part in parse_body(template.body) for item in part.items}
    checked, seen = [], set()
    for n, raw in enumerate(rows, start=2):
        row = ChecklistRow(line=n, part=raw.get("part", ""))
        answer_type = TYPES.get(raw.get("type", "").strip(), raw.get("type", "").strip())
        options = "\n".join(o.strip() for o in re.split(r"[｜|\n]", raw.get("options", "")) if o.strip())
        form = parse_item(
            {"part": "sheet", "text": raw.get("text", ""), "type": answer_type,
             "required": "on" if raw.get("required", "").strip().lower() in YES else "",
             "unit": raw.get("unit", ""), "min": raw.get("min", ""), "max": raw.get("max", ""),
             "options": options, "standard": raw.get("standard", ""), "text_en": raw.get("text_en", "")},
            {"sheet"},
            standards,
        )  # fmt: skip
        row.errors = list(form.errors.values())
        if not row.part:
            row.errors.append(N_("Enter the part (部) the item belongs to."))
        key = raw.get("key", "").strip()
        if key and key not in known_keys:
            row.errors.append(UNKNOWN_KEY)
        if key and key in seen:
            row.errors.append(DUPLICATE_KEY)
        seen.add(key or f"row-{n}")
        if row.errors:
            row.status = "error"
        else:
            row.item = item_of(key, form)
            before = current.get(key)
            if not key:
                row.status = "new"
            elif before is not None and (before.text, before.type) == (row.item.text, row.item.type):
                row.status = "same"
            else:
                row.status = "reworded"
        checked.append(row)
    return checked


def grouped(rows: list[ChecklistRow]) -> list[tuple[str, list[Item]]]:
    """The sheet's items by part title, in the sheet's order."""
    parts: dict[str, list[Item]] = {}
    for row in rows:
        assert row.item is not None
        parts.setdefault(row.part, []).append(row.item)
    return list(parts.items())
