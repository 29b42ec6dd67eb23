"""The numbers behind a chart as an HTML table, built in one pass.

A heat map's table has a cell per section and month (hundreds of cells); written out here rather than in a
template loop it costs a fraction of the time, which is what keeps the heaviest dashboard panel quick.
Every piece of text is escaped here (the standard library's escape: plain strings, no wrapper objects); the
result is markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup


@dataclass(frozen=True)
class Figure:
    """A cell: the figure, and under it in smaller type what it rests on (e.g. ``12/15``)."""

    text: str
    hint: str = ""


Cell = Figure | str | None  # None: nothing to show (drawn as a dash)


def _cell(cell: Cell) -> str:
    if cell is None or cell == "":
        return "<td>—</td>"
    if isinstance(cell, Figure):
        if cell.hint:
            return f'<td>{escape(cell.text)}<br><span class="hint">{escape(cell.hint)}</span></td>'
        return f"<td>{escape(cell.text)}</td>"
    return f"<td>{escape(cell)}</td>"


def data_table(head: Sequence[str], rows: Sequence[tuple[str, Sequence[Cell]]]) -> Markup:
    """``head``: the column headings; ``rows``: each row's heading and its cells."""
    parts = ['<div class="table-wrap"><table><thead><tr>']
    parts += [f'<th scope="col">{escape(h)}</th>' for h in head]
    parts.append("</tr></thead><tbody>")
    for heading, cells in rows:
        parts.append(f'<tr><th scope="row">{escape(heading)}</th>')
        parts += [_cell(c) for c in cells]
        parts.append("</tr>")
    parts.append("</tbody></table></div>")
    return Markup("".join(parts))  # noqa: S704 - every text above went through escape()
