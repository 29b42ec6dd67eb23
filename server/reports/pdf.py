"""A report as an A4 PDF: the same tables as the page, with Japanese text (standard CID font)."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from server.calendar_ja import fiscal_year_label, format_date
from server.pdf_text import style, text
from server.reports.service import Report


def _table(rows: list[list[Any]], widths: list[float]) -> Table:
    cells = [[Paragraph(text(c), style(8.5)) for c in row] for row in rows]
    table = Table(cells, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"


def render_pdf(report: Report, ward_name: str, goal_status: dict[str, str]) -> bytes:
    """``goal_status``: the goal statuses' wording in Japanese, the language the report is filed in."""
    buffer = io.BytesIO()
    period = report.period
    kind = "月次報告" if report.monthly else "年度報告"
    title = f"{ward_name} サービス向上計画 {kind}"
    doc = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
        bottomMargin=12 * mm, title=title,
    )  # fmt: skip
    story: list[Flowable] = [
        Paragraph(text(title), style(15)),
        Paragraph(
            text(
                f"{fiscal_year_label(period.year)}　{format_date(period.start)} 〜 {format_date(period.end)}"
            ),
            style(10),
        ),
        Spacer(1, 4 * mm),
        Paragraph("課ごとの結果", style(12)),
    ]
    header = [
        "課", "遵守率", "目標", "点検数", "点検点数", "不適", "是正処置未完了", "うち期限切れ",
        "期間中の完了", "期限内", "ご意見受付", "回答", "改善",
    ]  # fmt: skip
    rows: list[list[Any]] = [header]
    for r in report.sections:
        i, a, f, c = r.inspections, r.actions, r.feedback, r.compliance
        rows.append(
            [
                r.section.name,
                f"{c.percent:.1f}% ({c.compliant}/{c.applicable})" if c and c.applicable else "—",
                "—" if r.target is None else f"{r.target:g}%",
                i.inspections if i else 0,
                _pct(i.score) if i else "—",
                i.failed if i else 0,
                a.open if a else 0,
                a.overdue if a else 0,
                a.closed if a else 0,
                a.closed_on_time if a else 0,
                f.received if f else 0,
                f.answered if f else 0,
                f.improved if f else 0,
            ]
        )
    story.append(_table(rows, [32, 28, 14, 15, 17, 13, 21, 19, 20, 15, 19, 15, 15]))
    funnel = report.funnel
    story += [
        Spacer(1, 4 * mm),
        Paragraph("ひと言ポスト", style(12)),
        _table(
            [
                ["受付", "回答", "公開", "改善", "回答までの日数（中央値）", "（90パーセンタイル）"],
                [funnel.received, funnel.answered, funnel.published, funnel.improved,
                 funnel.median_days if funnel.median_days is not None else "—",
                 funnel.p90_days if funnel.p90_days is not None else "—"],
            ],
            [25, 25, 25, 25, 50, 45],
        ),
    ]  # fmt: skip
    goal_rows: list[list[Any]] = [["課", "目標", "指標", "目標値", "状況", "進捗", "年度末評価"]]
    for r in report.sections:
        for goal in r.goals:
            status = goal_status.get(goal.status, goal.status)
            goal_rows.append(
                [r.section.name, goal.title, goal.indicator, goal.target, status, goal.progress,
                 goal.year_end_evaluation or ""]
            )  # fmt: skip
    if len(goal_rows) > 1:
        story += [
            Spacer(1, 4 * mm),
            Paragraph("課のサービス向上目標", style(12)),
            _table(goal_rows, [30, 45, 35, 30, 20, 55, 55]),
        ]
    doc.build(story)
    return buffer.getvalue()
