"""Reading inspections for lists, detail pages and exports: plain queries over the projections."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from server.inspections.templates import Item, Part, parse_body
from server.models import Inspection, InspectionAnswer, InspectionTemplate


@dataclass(frozen=True)
class Score:
    passed: int
    failed: int
    not_applicable: int

    @property
    def applicable(self) -> int:
        return self.passed + self.failed

    @property
    def percent(self) -> float | None:
        """適 ÷ applicable items; 該当なし is left out of the denominator. None when nothing applies."""
        return None if self.applicable == 0 else 100 * self.passed / self.applicable


def score_of(inspection: Inspection) -> Score:
    return Score(inspection.passed, inspection.failed, inspection.not_applicable)


@dataclass(frozen=True)
class Filters:
    section: int | None = None
    family: str = ""
    status: str = ""
    month_from: str = ""  # yyyy-mm
    month_to: str = ""

    @staticmethod
    def month_start(text: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(f"{text}-01") if text else None
        except ValueError:
            return None

    def as_query(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v not in (None, "")}


async def find(filters: Filters) -> list[Inspection]:
    query = Inspection.filter(deleted=False)
    if filters.section:
        query = query.filter(section_id=filters.section)
    if filters.family:
        query = query.filter(family=filters.family)
    if filters.status:
        query = query.filter(status=filters.status)
    start = Filters.month_start(filters.month_from)
    if start:
        query = query.filter(started_on__gte=start)
    end = Filters.month_start(filters.month_to)
    if end:
        following = (end.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        query = query.filter(started_on__lt=following)
    return await query.order_by("-started_on", "-version").limit(500)


@dataclass
class AnsweredItem:
    item: Item
    result: str = ""
    value: Any = None
    note: str = ""
    photos: tuple[str, ...] = ()
    repeat: bool = False
    contested: bool = False
    answer_id: str = ""


PartAnswers = list[tuple[Part, list[AnsweredItem]]]


def arrange(template: InspectionTemplate, rows: dict[str, InspectionAnswer]) -> PartAnswers:
    """The template's parts and items, each with its answer (if any)."""
    parts = []
    for part in parse_body(template.body):
        answered = []
        for item in part.items:
            row = rows.get(item.key)
            if row is None:
                answered.append(AnsweredItem(item))
                continue
            answered.append(
                AnsweredItem(
                    item,
                    result=row.result,
                    value=json.loads(row.value) if row.value else None,
                    note=row.note,
                    photos=tuple(json.loads(row.photos or "[]")),
                    repeat=row.repeat,
                    contested=row.contested,
                    answer_id=str(row.id),
                )
            )
        parts.append((part, answered))
    return parts


async def answers_by_part(inspection: Inspection) -> tuple[InspectionTemplate | None, PartAnswers]:
    template = await InspectionTemplate.get_or_none(id=inspection.template_id or 0)
    if template is None:
        return None, []
    rows = {a.item_key: a for a in await InspectionAnswer.filter(inspection_id=inspection.id, deleted=False)}
    return template, arrange(template, rows)


async def answers_of_many(
    inspections: list[Inspection],
) -> tuple[dict[int, InspectionTemplate], dict[str, dict[str, InspectionAnswer]]]:
    """For an export: the templates used and every answer, in two queries whatever the number of
    inspections."""
    template_ids = {i.template_id for i in inspections if i.template_id is not None}
    templates = {t.id: t for t in await InspectionTemplate.filter(id__in=list(template_ids))}
    answers: dict[str, dict[str, InspectionAnswer]] = {}
    ids = [i.id for i in inspections]
    for answer in await InspectionAnswer.filter(inspection_id__in=ids, deleted=False):
        answers.setdefault(str(answer.inspection_id), {})[answer.item_key] = answer
    return templates, answers


async def fails_by_place(family: str) -> list[list[Any]]:
    """Every 不適 of a template family as [section id, place, item key, inspection id]: the walk-through
    flags an item as a repeat when it failed at the same place of the same section in another inspection,
    the rule the result page applies (``records._is_repeat``), and it must know this offline."""
    inspections = {
        row["id"]: row
        for row in await Inspection.filter(family=family, deleted=False).values("id", "section_id", "place")
    }
    if not inspections:
        return []
    fails = await InspectionAnswer.filter(
        inspection_id__in=list(inspections), result="fail", deleted=False
    ).values_list("inspection_id", "item_key")
    rows = []
    for inspection_id, item_key in sorted(set(fails)):
        inspection = inspections[inspection_id]
        rows.append([inspection["section_id"], inspection["place"], item_key, str(inspection_id)])
    return rows
