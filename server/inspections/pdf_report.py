"""The inspection report as an A4 PDF, with Japanese text that prints and can be searched and copied."""

from __future__ import annotations

import io
from typing import Any

from reportlab.graphics.shapes import Drawing, PolyLine
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from server.calendar_ja import format_date
from server.inspections.queries import PartAnswers, Score
from server.models import Inspection, InspectionTemplate
from server.pdf_text import style, text

RESULTS = {"pass": "適", "fail": "不適", "na": "該当なし"}


def _signature(value: dict[str, Any]) -> Flowable:
    width, height = float(value.get("w", 600)), float(value.get("h", 200))
    scale = 50 * mm / width
    drawing = Drawing(width * scale, height * scale)
    for stroke in value.get("strokes", []):
        points = [
            (float(stroke[i]) * scale, (height - float(stroke[i + 1])) * scale)
            for i in range(0, len(stroke) - 1, 2)
        ]
        if len(points) > 1:
            drawing.add(PolyLine(points, strokeColor=colors.black, strokeWidth=1.2))
    return drawing


def _answer_cell(answered: Any) -> Any:
    if answered.result:
        return Paragraph(RESULTS.get(answered.result, answered.result), style(9))
    value = answered.value
    if answered.item.type == "signature" and isinstance(value, dict):
        return _signature(value)
    if value is None:
        return Paragraph("未回答", style(9))
    if isinstance(value, list):
        value = "、".join(str(v) for v in value)
    unit = f" {answered.item.unit}" if answered.item.unit else ""
    return Paragraph(text(f"{value}{unit}"), style(9))


def render_pdf(
    inspection: Inspection,
    template: InspectionTemplate | None,
    parts: PartAnswers,
    score: Score,
    section_name: str,
    inspector_name: str = "",
) -> bytes:
    buffer = io.BytesIO()
    title = template.name if template else "点検"
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{title} {inspection.place}",
        author=inspector_name or inspection.inspector,
    )
    body, small = style(10), style(9)
    story: list[Flowable] = [Paragraph(text(f"{title}　点検結果報告"), style(16)), Spacer(1, 4 * mm)]
    percent = "—" if score.percent is None else f"{score.percent:.0f}%"
    facts = [
        ("課", section_name),
        ("場所", inspection.place),
        ("点検者", inspector_name or inspection.inspector),
        ("開始日", format_date(inspection.started_on) if inspection.started_on else "—"),
        ("状態", "提出済み" if inspection.status == "submitted" else "点検中"),
        ("提出日", format_date(inspection.submitted_on) if inspection.submitted_on else "—"),
        (
            "点数",
            f"{percent}（適 {score.passed} ／ 対象 {score.applicable} 項目、"
            f"該当なし {score.not_applicable} 項目は除く）",
        ),
        ("点検表", f"{title} 第{template.version}版" if template else "—"),
    ]
    table = Table(
        [[Paragraph(k, body), Paragraph(text(v), body)] for k, v in facts], colWidths=[28 * mm, 152 * mm]
    )
    table.setStyle(
        TableStyle(
            [("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke)]
        )
    )
    story += [table, Spacer(1, 5 * mm)]
    failed = [a for _, items in parts for a in items if a.result == "fail"]
    story.append(Paragraph(f"不適の項目（{len(failed)}件）", style(12)))
    for answered in failed:
        repeat = "【再発】" if answered.repeat else ""
        story.append(Paragraph(text(f"・{repeat}{answered.item.text}　{answered.note}"), body))
    if not failed:
        story.append(Paragraph("不適の項目はありません。", body))
    for part, items in parts:
        story += [Spacer(1, 5 * mm), Paragraph(text(part.title), style(12))]
        rows: list[list[Any]] = [
            [Paragraph("項目", small), Paragraph("回答", small), Paragraph("メモ", small)]
        ]
        for answered in items:
            note = answered.note + (f"（写真 {len(answered.photos)} 枚）" if answered.photos else "")
            rows.append(
                [
                    Paragraph(text(answered.item.text), small),
                    _answer_cell(answered),
                    Paragraph(text(note), small),
                ]
            )
        part_table = Table(rows, colWidths=[95 * mm, 30 * mm, 55 * mm], repeatRows=1)
        part_table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(part_table)
    doc.build(story)
    return buffer.getvalue()
