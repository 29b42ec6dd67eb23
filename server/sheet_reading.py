"""Reading a sheet a ward office exported from Excel: CSV (UTF-8, with or without BOM, or the Shift_JIS
Excel writes) or .xlsx (openpyxl), a header row naming the columns in Japanese or English, in any order."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Mapping, Sequence

from server.i18n import N_

NOT_A_SHEET = N_("The file is not a CSV or Excel (.xlsx) sheet that can be read.")
EMPTY = N_("The sheet has nothing below its header row.")
TOO_MANY = N_("The sheet has too many rows (%(limit)s at most).")
MISSING_COLUMNS = N_("The first row must name the columns; these are required: %(columns)s.")


class SheetError(ValueError):
    """The file as a whole cannot be used: ``message`` is a message id, ``values`` fill it in."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message)
        self.message, self.values = message, values


def read_sheet(
    content: bytes, columns: Mapping[str, Sequence[str]], required: Sequence[str], max_rows: int
) -> list[dict[str, str]]:
    """Each row below the header as column → text, by the columns' own names (``columns`` maps a name to
    the headings a person may have used for it). Blank rows are skipped."""
    table = _xlsx_rows(content, max_rows) if content.startswith(b"PK\x03\x04") else _csv_rows(content)
    if not table:
        raise SheetError(EMPTY)
    headings = {heading.strip().lower(): name for name, aliases in columns.items() for heading in aliases}
    header = [headings.get(cell.strip().lower(), "") for cell in table[0]]
    if any(name not in header for name in required):
        raise SheetError(MISSING_COLUMNS, columns="、".join(columns[name][1] for name in required))
    rows = [
        {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header) if name}
        for row in table[1:]
    ]
    if not rows:
        raise SheetError(EMPTY)
    if len(rows) > max_rows:
        raise SheetError(TOO_MANY, limit=max_rows)
    return rows


def _csv_rows(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError(NOT_A_SHEET)
    if "\x00" in text:
        raise SheetError(NOT_A_SHEET)
    try:
        return [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    except csv.Error:
        raise SheetError(NOT_A_SHEET) from None


def _xlsx_rows(content: bytes, max_rows: int) -> list[list[str]]:
    from openpyxl import load_workbook  # only the import pages need it

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise SheetError(NOT_A_SHEET) from None
    table = []
    for row in book.worksheets[0].iter_rows(values_only=True):
        cells = ["" if value is None else str(value) for value in row]
        if any(cell.strip() for cell in cells):
            table.append(cells)
        if len(table) > max_rows + 1:
            break
    book.close()
    return table


def previewed_rows(payload: str, max_rows: int) -> list[dict[str, str]] | None:
    """The rows a preview page carried back to be confirmed (read again, never trusted): None when they
    are not a list of text-to-text rows of the allowed length."""
    try:
        rows = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(rows, list) or not 0 < len(rows) <= max_rows:
        return None
    for row in rows:
        if not isinstance(row, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in row.items()
        ):
            return None
    return rows
