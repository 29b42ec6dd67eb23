"""The city's or the ward's service standards from a CSV or Excel sheet: read, checked row by row, previewed,
then written as new versions (an answered wording is never overwritten; its answers keep it).

A sheet has a header row; columns are found by name, in Japanese or English, in any order:
コード (code), 基準 (text), 英語 (text_en), グループ (group), グループ名 (group_name), 対象 (applies_to:
全職員 / 窓口 / 電話, or all / counter / phone) and 表示順 (sort_order). コード and 基準 are required.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from server.compliance.forms import parse_standard
from server.i18n import N_
from server.models import AppliesTo, ServiceStandard
from server.sheet_reading import read_sheet

MAX_ROWS = 500
COLUMNS = {
    "code": ("code", "コード", "基準コード", "番号"),
    "text": ("text", "基準", "内容", "基準の内容", "サービス基準"),
    "text_en": ("text_en", "英語", "英文", "english"),
    "group_key": ("group", "group_key", "グループ", "グループキー", "分類"),
    "group_name": ("group_name", "グループ名", "分類名"),
    "applies_to": ("applies_to", "対象", "対象者"),
    "sort_order": ("sort_order", "表示順", "順番", "順"),
}
APPLIES = {
    "all": AppliesTo.ALL, "全職員": AppliesTo.ALL, "全員": AppliesTo.ALL, "": AppliesTo.ALL,
    "counter": AppliesTo.COUNTER, "窓口": AppliesTo.COUNTER, "窓口担当": AppliesTo.COUNTER,
    "phone": AppliesTo.PHONE, "電話": AppliesTo.PHONE, "電話担当": AppliesTo.PHONE,
}  # fmt: skip
DUPLICATE = N_("This code appears more than once in the sheet.")
BAD_APPLIES = N_("対象 must be 全職員, 窓口 or 電話.")


@dataclass
class ImportRow:
    line: int  # the row number a person sees in Excel (the header is row 1)
    values: dict[str, str]
    status: str = "new"  # new, changed, same, error
    errors: list[str] = field(default_factory=list)
    current: ServiceStandard | None = None


def read_rows(content: bytes) -> list[dict[str, str]]:
    return read_sheet(content, COLUMNS, ("code", "text"), MAX_ROWS)


async def check(rows: list[dict[str, str]], known_groups: set[str]) -> list[ImportRow]:
    """Each row checked as the standard form checks a typed one, against the catalogue as it is."""
    current = {s.code: s for s in await ServiceStandard.all()}
    groups = set(known_groups)
    seen: set[str] = set()
    checked = []
    for n, values in enumerate(rows, start=2):
        row = ImportRow(line=n, values=values)
        applies = APPLIES.get(values.get("applies_to", "").strip().lower())
        data: dict[str, Any] = {
            **values,
            "applies_to": applies.value if applies else "?",
            "sort_order": values.get("sort_order") or str(n * 10),
        }
        form = parse_standard(data, known_groups=groups)
        row.values = {**values, "code": form.code, "group_key": form.group_key,
                      "applies_to": data["applies_to"], "sort_order": form.sort_order}  # fmt: skip
        row.errors = [message for name, message in form.errors.items() if name != "applies_to"]
        if applies is None:
            row.errors.append(BAD_APPLIES)
        if form.code in seen:
            row.errors.append(DUPLICATE)
        seen.add(form.code)
        if not row.errors:
            groups.add(form.group_key)
            row.current = current.get(form.code)
            if row.current is None:
                row.status = "new"
            elif (row.current.text, row.current.applies_to, row.current.group_key, row.current.active) == (
                form.text,
                AppliesTo(form.applies_to),
                form.group_key,
                True,
            ) and (row.current.text_en == form.text_en or not form.text_en):
                row.status = "same"
            else:
                row.status = "changed"
        else:
            row.status = "error"
        checked.append(row)
    return checked


def missing_from(rows: list[ImportRow], standards: list[ServiceStandard]) -> list[ServiceStandard]:
    """Standards in use that the sheet does not list (retired only when the administrator asks)."""
    listed = {row.values["code"] for row in rows}
    return [s for s in standards if s.active and s.code not in listed]
