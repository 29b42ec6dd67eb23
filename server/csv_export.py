"""The one way the app writes a CSV download: every export calls ``csv_response``.

What it guarantees, for the managers who open these files in Excel:

- UTF-8 with a byte-order mark, so Excel reads the Japanese; ``text/csv; charset=utf-8`` once.
- Numbers stay numbers (a rate, its counts), so they can be summed and charted without retyping.
- Text cannot become a formula (CSV injection, OWASP): a cell that starts with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return gets a leading apostrophe, which Excel and LibreOffice show as
  text. A device label, a note or a place typed on a tablet is therefore never run as
  ``=HYPERLINK(…)`` on a manager's computer.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from litestar import Response

# Anything a row may hold: numbers, dates, text, ids; each is written by ``safe_cell``.
Cell = object
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value: Cell) -> str | int | float | Decimal:
    """A value as the spreadsheet should see it: numbers as they are, text never as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "はい" if value else ""
    if isinstance(value, int | float | Decimal):
        return value
    text = value.isoformat() if isinstance(value, date | datetime) else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(rows: Iterable[Sequence[Cell]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return BOM + buffer.getvalue()


def csv_response(rows: Iterable[Sequence[Cell]], filename: str) -> Response[bytes]:
    """A download of ``rows``; ``filename`` is ASCII (it goes into the header as it is)."""
    return Response(
        csv_text(rows).encode("utf-8"),
        # Litestar adds "; charset=utf-8" to a text/ type itself.
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
