"""The family's guide as an A4 PDF in Japanese, with the same CID font as the inspection report (every
PDF reader has it, nothing is embedded, the text stays searchable)."""

from __future__ import annotations

import io
from collections.abc import Callable

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from server.calendar_ja import format_date
from server.okuyami.guide import Guide, Item, Stop
from server.okuyami.intake import Intake
from server.pdf_text import font, style, text


def _counter_title(stop: Stop) -> str:
    counter = stop.counter
    parts = [counter.name_ja]
    if counter.window:
        parts.append(f"({counter.window})")
    if counter.floor:
        parts.append(f" {counter.floor}")
    if counter.phone:
        parts.append(f" 電話 {counter.phone}")
    if counter.address:
        parts.append(f" {counter.address}")
    return "".join(parts)


def _rows(
    items: tuple[Item, ...], gettext: Callable[[str], str], body: ParagraphStyle
) -> list[list[Paragraph]]:
    rows = []
    for item in items:
        documents = "・".join(item.procedure.documents)
        rows.append(
            [
                Paragraph("□ " + text(item.procedure.name_ja), body),
                Paragraph(text(documents), body),
                Paragraph(text(item.deadline.label(gettext, "ja")), body),
            ]
        )
    return rows


def _table(items: tuple[Item, ...], gettext: Callable[[str], str]) -> Table:
    body, head = style(9), style(9)
    header = [Paragraph(text(gettext(t)), head) for t in ("Procedure", "What to bring", "Deadline")]
    table = Table([header, *_rows(items, gettext, body)], colWidths=[62 * mm, 76 * mm, 42 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font()),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def render_guide_pdf(guide: Guide, intake: Intake, ward_name: str, gettext: Callable[[str], str]) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=gettext("Your procedures after a death"),
    )
    title, heading, body = style(16), style(12), style(10)
    name = intake.texts.get("deceased.name_kanji", "")
    story: list[object] = [
        Paragraph(text(f"{ward_name} " + gettext("Your procedures after a death")), title),
        Paragraph(
            text(
                gettext("For: %(name)s (died %(day)s)")
                % {"name": name, "day": format_date(intake.date_of_death)}
            ),
            body,
        ),
        Spacer(1, 4 * mm),
    ]
    if guide.stops:
        story.append(
            Paragraph(text(gettext("At the ward office and city offices, in walking order")), heading)
        )
    for number, stop in enumerate(guide.stops, start=1):
        story += [Spacer(1, 2 * mm), Paragraph(text(f"{number}. {_counter_title(stop)}"), heading)]
        story.append(_table(stop.items, gettext))
    if guide.to_confirm:
        story += [Spacer(1, 4 * mm), Paragraph(text(gettext("To be confirmed with the desk")), heading)]
        story.append(_table(guide.to_confirm, gettext))
    if guide.external:
        story += [Spacer(1, 4 * mm), Paragraph(text(gettext("Outside the ward office")), heading)]
        for stop in guide.external:
            story += [Paragraph(text(_counter_title(stop)), body), _table(stop.items, gettext)]
    story += [Spacer(1, 4 * mm), Paragraph(text(gettext("Other matters (private)")), heading)]
    story.append(Paragraph(text("・".join(m["ja"] for m in guide.other_matters)), body))
    document.build(story)
    return buffer.getvalue()


def render_sheet_pdf(
    title: str,
    counter: str,
    lines: list[tuple[str, str]],
    bank: list[tuple[str, str]],
    gettext: Callable[[str], str],
) -> bytes:
    """One pre-filled application sheet: the values the desk transcribes, and room for the signature."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
    )
    heading, body = style(14), style(11)
    rows = [[Paragraph(text(label), body), Paragraph(text(value), body)] for label, value in [*lines, *bank]]
    rows.append([Paragraph(text(gettext("Signature (handwritten)")), body), Paragraph("", body)])
    table = Table(rows, colWidths=[55 * mm, 119 * mm], rowHeights=[None] * (len(rows) - 1) + [22 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font()),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f3f7")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story = [
        Paragraph(text(title), heading),
        Paragraph(text(gettext("Counter") + ": " + counter), body),
        Spacer(1, 5 * mm),
        table,
        Spacer(1, 4 * mm),
        Paragraph(
            text(gettext("Prepared by the bereavement desk. Please check every entry before signing.")), body
        ),
    ]
    document.build(story)
    return buffer.getvalue()
