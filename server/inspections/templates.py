"""Inspection templates: their body (sections and items), versions, and the seeded catalogue."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from server.models import InspectionRound, InspectionTemplate, Section, TemplateStatus

DATA_FILE = Path(__file__).parent.parent / "data" / "inspection_templates.json"
ANSWER_TYPES = ("pass_fail", "number", "text", "single_choice", "multi_choice", "date", "photo", "signature")
FREQUENCIES = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}


@dataclass(frozen=True)
class Item:
    key: str  # stable across versions, so trends survive rewording
    text: str
    type: str
    required: bool = False
    unit: str = ""
    min: float | None = None
    max: float | None = None
    options: tuple[str, ...] = ()
    photo_on_fail: bool = False  # a 不適 answer must have a photo (otherwise a photo is only offered)
    action_on_fail: bool = False  # a 不適 answer must raise a corrective action
    standard: str = ""  # the service standard this item checks (区役所サービス基準 code)
    # The English screen's wording. Answers always store the Japanese option, so results stay comparable
    # whichever language an inspector used.
    text_en: str = ""
    unit_en: str = ""
    options_en: tuple[str, ...] = ()

    def text_in(self, language: str) -> str:
        return self.text_en if language == "en" and self.text_en else self.text

    def unit_in(self, language: str) -> str:
        return self.unit_en if language == "en" and self.unit_en else self.unit

    def option_label(self, option: str, language: str) -> str:
        """How a stored choice reads on the screen."""
        if language == "en" and len(self.options_en) == len(self.options) and option in self.options:
            return self.options_en[self.options.index(option)]
        return option

    def choice_labels(self, value: Any, language: str) -> str:
        """A single or multiple choice answer as the screen reads it."""
        chosen = value if isinstance(value, list) else [value]
        return "、".join(self.option_label(str(option), language) for option in chosen)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"key": self.key, "text": self.text, "type": self.type}
        data["required"] = self.required
        for name in ("unit", "standard", "text_en", "unit_en"):
            if getattr(self, name):
                data[name] = getattr(self, name)
        for name in ("min", "max"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        if self.options:
            data["options"] = list(self.options)
        if self.options_en:
            data["options_en"] = list(self.options_en)
        for name in ("photo_on_fail", "action_on_fail"):
            if getattr(self, name):
                data[name] = True
        return data


@dataclass(frozen=True)
class Part:
    key: str
    title: str
    title_en: str = ""
    items: tuple[Item, ...] = field(default_factory=tuple)

    def title_in(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title


def parse_body(raw: str | list[dict[str, Any]]) -> list[Part]:
    rows = json.loads(raw) if isinstance(raw, str) else raw
    parts = []
    for row in rows:
        items = tuple(
            Item(
                key=i["key"],
                text=i["text"],
                type=i["type"],
                required=bool(i.get("required")),
                unit=i.get("unit", ""),
                min=i.get("min"),
                max=i.get("max"),
                options=tuple(i.get("options", ())),
                photo_on_fail=bool(i.get("photo_on_fail")),
                action_on_fail=bool(i.get("action_on_fail")),
                standard=i.get("standard", ""),
                text_en=i.get("text_en", ""),
                unit_en=i.get("unit_en", ""),
                options_en=tuple(i.get("options_en", ())),
            )
            for i in row["items"]
        )
        parts.append(Part(key=row["key"], title=row["title"], title_en=row.get("title_en", ""), items=items))
    return parts


def dump_body(parts: list[Part]) -> str:
    rows = [
        {"key": p.key, "title": p.title, "title_en": p.title_en, "items": [i.as_json() for i in p.items]}
        for p in parts
    ]
    return json.dumps(rows, ensure_ascii=False)


def items_of(template: InspectionTemplate) -> dict[str, Item]:
    return {item.key: item for part in parse_body(template.body) for item in part.items}


def scored_items(template: InspectionTemplate) -> list[Item]:
    """Items that count towards the score: the 適 / 不適 / 該当なし checks."""
    return [i for i in items_of(template).values() if i.type == "pass_fail"]


async def published() -> list[InspectionTemplate]:
    """The current published version of every template."""
    rows = await InspectionTemplate.filter(status=TemplateStatus.PUBLISHED).order_by("family", "-version")
    latest: dict[str, InspectionTemplate] = {}
    for row in rows:
        latest.setdefault(row.family, row)
    return list(latest.values())


async def seed_templates() -> list[str]:
    """Publish version 1 of each seeded template that is not in the database yet; returns their families."""
    created = []
    for row in json.loads(DATA_FILE.read_text(encoding="utf-8")):
        if await InspectionTemplate.exists(family=row["code"]):
            continue
        await InspectionTemplate.create(
            family=row["code"],
            version=1,
            status=TemplateStatus.PUBLISHED,
            name=row["name"],
            name_en=row.get("name_en", ""),
            frequency_months=FREQUENCIES.get(row.get("frequency", "monthly"), 1),
            body=dump_body(parse_body(row["sections"])),
            published_by="seed",
        )
        created.append(row["code"])
    return created


async def seed_rounds() -> int:
    """Every section is inspected with every seeded template at the template's own frequency."""
    created = 0
    templates = await published()
    for section in await Section.all():
        for template in templates:
            _, made = await InspectionRound.get_or_create(
                section_id=section.id,
                family=template.family,
                defaults={"every_months": template.frequency_months},
            )
            created += int(made)
    return created
