"""職場点検 pages: the list, starting one, the walk-through (works offline), the result and its export."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from server.auth.guards import roles
from server.csv_export import Cell, csv_response
from server.form_body import query_id
from server.inspections import queries
from server.inspections.pdf_report import render_pdf
from server.inspections.records import answer_id
from server.inspections.templates import parse_body, published
from server.models import CorrectiveAction, Inspection, InspectionTemplate, Role, Section, User
from server.people import names_of
from server.rendering import render
from server.rounds import queries as rounds_queries
from server.timekeeping import today

INSPECTORS = roles(Role.STAFF, Role.CHIEF, Role.MANAGER)
RESULT_LABELS = {"pass": "Pass", "fail": "Fail", "na": "N/A"}


def _user(request: Request[Any, Any, Any]) -> User:
    user: User = request.scope["state"]["user"]
    return user


def _filters(
    section: int | None, family: str | None, status: str | None, month_from: str | None, month_to: str | None
) -> queries.Filters:
    return queries.Filters(
        section=section,
        family=(family or "")[:40],
        status=status if status in ("draft", "submitted") else "",
        month_from=(month_from or "")[:7],
        month_to=(month_to or "")[:7],
    )


async def _names() -> tuple[dict[int, Section], dict[int, InspectionTemplate]]:
    sections = {s.id: s for s in await Section.all().order_by("sort_order")}
    templates = {t.id: t for t in await InspectionTemplate.all()}
    return sections, templates


@get("/inspections", opt=INSPECTORS)
async def list_inspections(
    request: Request[Any, Any, Any],
    section: FromQuery[str | None] = None,
    family: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
    month_from: FromQuery[str | None] = None,
    month_to: FromQuery[str | None] = None,
) -> Template:
    """Inspections with their scores, filtered by section, template, status and month."""
    filters = _filters(query_id(section), family, status, month_from, month_to)
    sections, templates = await _names()
    families = {t.family: t for t in sorted(templates.values(), key=lambda t: t.version)}
    rows = await queries.find(filters)
    context = {
        "rows": rows,
        "scores": {r.id: queries.score_of(r) for r in rows},
        "sections": sections,
        "templates": templates,
        "families": families,
        "filters": filters,
        "export_query": "&".join(f"{k}={v}" for k, v in filters.as_query().items()),
    }
    return render(request, "inspections/index.html", context, fragment="inspections/_rows.html")


@get("/inspections/new", opt=INSPECTORS)
async def new_inspection(request: Request[Any, Any, Any]) -> Template:
    """Choose the template, the section and the place; the walk-through starts on the tablet."""
    user = _user(request)
    sections, _ = await _names()
    templates = await published()
    due = await rounds_queries.due_family(user.section_id, today())
    chosen = next((t.id for t in templates if t.family == due), None)
    context = {
        "templates": templates,
        "default_template": chosen,
        "sections": list(sections.values()),
        "default_section": user.section_id,
    }
    return render(request, "inspections/new.html", context)


@get("/inspections/walk/{template_id:int}", opt=INSPECTORS)
async def walk(request: Request[Any, Any, Any], template_id: FromPath[int]) -> Template:
    """The walk-through of one template version. Which inspection it is comes from the address's #id and
    the tablet's own copy, so the page, once stored, serves every inspection done with it offline."""
    template = await InspectionTemplate.get_or_none(id=template_id)
    if template is None or template.status == "draft":
        raise NotFoundException()
    sections, _ = await _names()
    parts = parse_body(template.body)
    return render(
        request,
        "inspections/walk.html",
        {
            "template": template,
            "parts": parts,
            "sections": sections,
            "today": today().isoformat(),
            "fails": await queries.fails_by_place(template.family),
        },
    )


async def _inspection(inspection_id: uuid.UUID) -> Inspection:
    inspection = await Inspection.get_or_none(id=inspection_id, deleted=False)
    if inspection is None:
        raise NotFoundException()
    return inspection


@get("/inspections/{inspection_id:uuid}", opt=INSPECTORS)
async def show_inspection(request: Request[Any, Any, Any], inspection_id: FromPath[uuid.UUID]) -> Template:
    """One inspection: score, every answer with notes and photos, the 不適 items and their actions."""
    inspection = await _inspection(inspection_id)
    template, parts = await queries.answers_by_part(inspection)
    sections, _ = await _names()
    actions = await CorrectiveAction.filter(inspection_id=inspection.id, deleted=False)
    context = {
        "inspection": inspection,
        "template": template,
        "parts": parts,
        "score": queries.score_of(inspection),
        "section": sections.get(inspection.section_id or 0),
        "actions": {a.item_key: a for a in actions},
        "failed": [a for _, items in parts for a in items if a.result == "fail"],
        "answer_id": answer_id,
        "signature_path": signature_path,
        "result_labels": RESULT_LABELS,
        "names": await names_of([inspection.inspector]),
    }
    return render(request, "inspections/show.html", context)


@get("/inspections/{inspection_id:uuid}/report.pdf", opt=INSPECTORS)
async def inspection_pdf(
    request: Request[Any, Any, Any], inspection_id: FromPath[uuid.UUID]
) -> Response[bytes]:
    """The A4 report as a PDF (Japanese text, the signature drawn), to file or send by mail."""
    inspection = await _inspection(inspection_id)
    template, parts = await queries.answers_by_part(inspection)
    sections, _ = await _names()
    section = sections.get(inspection.section_id or 0)
    names = await names_of([inspection.inspector])
    content = render_pdf(
        inspection,
        template,
        parts,
        queries.score_of(inspection),
        section.name if section else "",
        names.get(inspection.inspector, inspection.inspector),
    )
    day = (inspection.submitted_on or inspection.started_on or today()).isoformat()
    return Response(
        content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="inspection-{day}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


@get("/inspections/export.csv", opt=INSPECTORS)
async def export_csv(
    request: Request[Any, Any, Any],
    section: FromQuery[str | None] = None,
    family: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
    month_from: FromQuery[str | None] = None,
    month_to: FromQuery[str | None] = None,
) -> Response[bytes]:
    """One row per answer, UTF-8 with a byte-order mark so Excel opens the Japanese text correctly."""
    filters = _filters(query_id(section), family, status, month_from, month_to)
    sections, _ = await _names()
    rows: list[list[Cell]] = [
        ["点検ID", "点検表", "版", "課", "場所", "状態", "点検者", "開始日", "提出日", "区分", "項目ID",
         "項目", "結果", "値", "メモ", "写真枚数", "再発"]
    ]  # fmt: skip
    labels = {"pass": "適", "fail": "不適", "na": "該当なし"}
    found = await queries.find(filters)
    templates, answers = await queries.answers_of_many(found)
    for inspection in found:
        template = templates.get(inspection.template_id or 0)
        parts = queries.arrange(template, answers.get(str(inspection.id), {})) if template else []
        section_name = sections[inspection.section_id].name if inspection.section_id in sections else ""
        for part, items in parts:
            for answered in items:
                value = answered.value
                if isinstance(value, list):
                    value = "、".join(str(v) for v in value)
                elif isinstance(value, dict):
                    value = "（署名あり）"
                rows.append(
                    [
                        inspection.id,
                        template.name if template else "",
                        template.version if template else "",
                        section_name,
                        inspection.place,
                        "提出済み" if inspection.status == "submitted" else "下書き",
                        inspection.inspector,
                        inspection.started_on or "",
                        inspection.submitted_on or "",
                        part.title,
                        answered.item.key,
                        answered.item.text,
                        labels.get(answered.result, ""),
                        "" if value is None else value,
                        answered.note,
                        len(answered.photos),
                        "はい" if answered.repeat else "",
                    ]
                )
    return csv_response(rows, f"inspections-{today().isoformat()}.csv")


def signature_path(value: Any) -> str:
    """A drawn signature (strokes of x,y points) as an SVG path, for the result page and its print."""
    if not isinstance(value, dict):
        return ""
    parts = []
    for stroke in value.get("strokes", []):
        points = [stroke[i : i + 2] for i in range(0, len(stroke) - 1, 2)]
        if points:
            parts.append("M" + " L".join(f"{float(x):.0f},{float(y):.0f}" for x, y in points))
    return " ".join(parts)


routes = [list_inspections, new_inspection, walk, export_csv, show_inspection, inspection_pdf]
