"""Template versions: drafting from the published one, editing the draft's body, publishing.

Only a draft is ever changed. Inspections reference the template row they were done with, so publishing
retires the previous version instead of changing it, and answers stay readable against their own text.
Item keys are kept across versions, so results can be compared over the years even when an item is
reworded; a new item gets a key no version of the family has used.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server.i18n import N_
from server.inspections.templates import FREQUENCIES, Item, Part, dump_body, parse_body
from server.models import InspectionTemplate, TemplateStatus
from server.template_admin.forms import DetailsForm, FamilyForm, ItemForm, PartForm
from server.timekeeping import now

# What lists of versions show; the bodies stay in the database.
LISTED = ("id", "family", "version", "status", "name", "frequency_months", "published_at", "published_by")


class EditRefused(Exception):
    """A change that cannot be made; ``message`` is a message id for the page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Family:
    family: str
    name: str
    versions: list[InspectionTemplate]

    @property
    def published(self) -> InspectionTemplate | None:
        return next((v for v in self.versions if v.status == TemplateStatus.PUBLISHED), None)

    @property
    def draft(self) -> InspectionTemplate | None:
        return next((v for v in self.versions if v.status == TemplateStatus.DRAFT), None)


async def families() -> list[Family]:
    """Every template family with its versions, newest first; named by its newest version."""
    rows = await InspectionTemplate.all().only(*LISTED).order_by("family", "-version")
    grouped: dict[str, Family] = {}
    for row in rows:
        grouped.setdefault(row.family, Family(row.family, row.name, [])).versions.append(row)
    return sorted(grouped.values(), key=lambda f: f.name)


async def versions_of(family: str) -> list[InspectionTemplate]:
    return await InspectionTemplate.filter(family=family).only(*LISTED).order_by("-version")


async def draft_of(family: str) -> InspectionTemplate | None:
    return await InspectionTemplate.filter(family=family, status=TemplateStatus.DRAFT).first()


async def used_keys(family: str) -> set[str]:
    """Every part and item key any version of the family has."""
    keys: set[str] = set()
    for body in await InspectionTemplate.filter(family=family).values_list("body", flat=True):
        for part in parse_body(str(body)):
            keys.add(part.key)
            keys.update(item.key for item in part.items)
    return keys


async def new_key(family: str, taken: set[str] | None = None) -> str:
    """A key no version of the family has used. Random rather than counted: a key that only ever
    lived in a discarded draft leaves no trace to count from, and must still not come back."""
    used = await used_keys(family) | (taken or set())
    while True:
        key = f"{family}-{secrets.token_hex(3)}"
        if key not in used:
            return key


async def start_version(template: InspectionTemplate) -> InspectionTemplate:
    """The family's draft: the one already open, or a new one copied from ``template`` (version + 1).

    Only the version in use is copied: a retired one would bring back text the office already replaced.
    """
    existing = await draft_of(template.family)
    if existing is not None:
        return existing
    if template.status != TemplateStatus.PUBLISHED:
        raise EditRefused(N_("A new version is made from the version in use."))
    latest = await InspectionTemplate.filter(family=template.family).order_by("-version").first()
    version = (latest.version if latest else template.version) + 1
    try:
        return await InspectionTemplate.create(
            family=template.family,
            version=version,
            status=TemplateStatus.DRAFT,
            name=template.name,
            name_en=template.name_en,
            frequency_months=template.frequency_months,
            body=template.body,
        )
    except IntegrityError:
        # Two administrators pressed the button at once: the other request's draft is the one.
        existing = await draft_of(template.family)
        if existing is None:
            raise
        return existing


async def create_family(form: FamilyForm) -> InspectionTemplate:
    if await InspectionTemplate.exists(family=form.family):
        raise EditRefused(N_("A template with this code already exists."))
    try:
        return await InspectionTemplate.create(
            family=form.family,
            version=1,
            status=TemplateStatus.DRAFT,
            name=form.name,
            name_en=form.name_en,
            frequency_months=FREQUENCIES[form.frequency],
            body=dump_body([]),
        )
    except IntegrityError as exc:
        raise EditRefused(N_("A template with this code already exists.")) from exc


def require_draft(template: InspectionTemplate) -> None:
    if template.status != TemplateStatus.DRAFT:
        raise EditRefused(N_("Only a draft can be changed. Make a new version to change this template."))


async def save_details(template: InspectionTemplate, form: DetailsForm) -> None:
    require_draft(template)
    template.name = form.name
    template.name_en = form.name_en
    template.frequency_months = FREQUENCIES[form.frequency]
    await template.save(update_fields=["name", "name_en", "frequency_months"])


async def _save_body(template: InspectionTemplate, parts: list[Part]) -> None:
    template.body = dump_body(parts)
    await template.save(update_fields=["body"])


def _part_index(parts: list[Part], part_key: str) -> int:
    for index, part in enumerate(parts):
        if part.key == part_key:
            return index
    raise KeyError(part_key)


def find_item(parts: list[Part], item_key: str) -> tuple[int, int]:
    """(part index, item index) of an item; KeyError when the draft has no such item."""
    for p, part in enumerate(parts):
        for i, item in enumerate(part.items):
            if item.key == item_key:
                return p, i
    raise KeyError(item_key)


def _moved(sequence: list[Any], index: int, direction: str) -> list[Any]:
    target = index - 1 if direction == "up" else index + 1
    if direction not in {"up", "down"} or not 0 <= target < len(sequence):
        return sequence
    result = list(sequence)
    result[index], result[target] = result[target], result[index]
    return result


async def add_part(template: InspectionTemplate, form: PartForm) -> str:
    require_draft(template)
    parts = parse_body(template.body)
    key = await new_key(template.family, {p.key for p in parts})
    parts.append(Part(key=key, title=form.title, title_en=form.title_en))
    await _save_body(template, parts)
    return key


async def rename_part(template: InspectionTemplate, part_key: str, form: PartForm) -> None:
    require_draft(template)
    parts = parse_body(template.body)
    index = _part_index(parts, part_key)
    parts[index] = replace(parts[index], title=form.title, title_en=form.title_en)
    await _save_body(template, parts)


async def move_part(template: InspectionTemplate, part_key: str, direction: str) -> None:
    require_draft(template)
    parts = parse_body(template.body)
    await _save_body(template, _moved(parts, _part_index(parts, part_key), direction))


async def remove_part(template: InspectionTemplate, part_key: str) -> None:
    require_draft(template)
    parts = parse_body(template.body)
    index = _part_index(parts, part_key)
    if parts[index].items:
        raise EditRefused(N_("This part still has items. Remove them or move them to another part first."))
    del parts[index]
    await _save_body(template, parts)


def item_of(key: str, form: ItemForm) -> Item:
    """The item an item form (typed or read from a sheet) describes, under ``key``."""
    values = form.values()
    return Item(
        key=key,
        text=str(values["text"]),
        type=str(values["type"]),
        required=bool(values["required"]),
        unit=str(values["unit"]),
        min=values["min"],  # type: ignore[arg-type]
        max=values["max"],  # type: ignore[arg-type]
        options=values["options"],  # type: ignore[arg-type]
        photo_on_fail=bool(values["photo_on_fail"]),
        action_on_fail=bool(values["action_on_fail"]),
        standard=str(values["standard"]),
        text_en=str(values["text_en"]),
        unit_en=str(values["unit_en"]),
        options_en=values["options_en"],  # type: ignore[arg-type]
    )


async def add_item(template: InspectionTemplate, form: ItemForm) -> str:
    require_draft(template)
    parts = parse_body(template.body)
    index = _part_index(parts, form.part)
    taken = {item.key for part in parts for item in part.items}
    key = await new_key(template.family, taken)
    parts[index] = replace(parts[index], items=(*parts[index].items, item_of(key, form)))
    await _save_body(template, parts)
    return key


async def save_item(template: InspectionTemplate, item_key: str, form: ItemForm) -> None:
    """Reword or change an item; it keeps its key. Choosing another part moves it to that part's end."""
    require_draft(template)
    parts = parse_body(template.body)
    p, i = find_item(parts, item_key)
    item = item_of(item_key, form)
    target = _part_index(parts, form.part)
    if target == p:
        items = list(parts[p].items)
        items[i] = item
        parts[p] = replace(parts[p], items=tuple(items))
    else:
        parts[p] = replace(parts[p], items=tuple(x for x in parts[p].items if x.key != item_key))
        parts[target] = replace(parts[target], items=(*parts[target].items, item))
    await _save_body(template, parts)


async def move_item(template: InspectionTemplate, item_key: str, direction: str) -> None:
    require_draft(template)
    parts = parse_body(template.body)
    p, i = find_item(parts, item_key)
    parts[p] = replace(parts[p], items=tuple(_moved(list(parts[p].items), i, direction)))
    await _save_body(template, parts)


async def remove_item(template: InspectionTemplate, item_key: str) -> None:
    require_draft(template)
    parts = parse_body(template.body)
    p, _ = find_item(parts, item_key)
    parts[p] = replace(parts[p], items=tuple(x for x in parts[p].items if x.key != item_key))
    await _save_body(template, parts)


def publish_problems(template: InspectionTemplate) -> list[str]:
    """Why this draft cannot be published yet (message ids); empty when it can."""
    parts = parse_body(template.body)
    problems = []
    if not any(part.items for part in parts):
        problems.append(N_("Add at least one item before publishing."))
    elif any(not part.items for part in parts):
        problems.append(
            N_("Every part needs at least one item. Remove the empty parts or add items to them.")
        )
    return problems


async def publish(template: InspectionTemplate, login: str) -> list[int]:
    """Publish the draft and retire the version in use; returns the retired rows' ids."""
    require_draft(template)
    problems = publish_problems(template)
    if problems:
        raise EditRefused(problems[0])
    async with in_transaction():
        retired = [
            row.id
            for row in await InspectionTemplate.filter(
                family=template.family, status=TemplateStatus.PUBLISHED
            )
        ]
        await InspectionTemplate.filter(id__in=retired).update(status=TemplateStatus.RETIRED)
        # Only a row still in draft is published, so two clicks cannot publish it twice.
        changed = await InspectionTemplate.filter(id=template.id, status=TemplateStatus.DRAFT).update(
            status=TemplateStatus.PUBLISHED, published_at=now(), published_by=login
        )
        if not changed:
            raise EditRefused(N_("Only a draft can be changed. Make a new version to change this template."))
    return retired


async def discard(template: InspectionTemplate) -> None:
    """Throw a draft away (a new family's first draft takes the family with it)."""
    require_draft(template)
    await InspectionTemplate.filter(id=template.id, status=TemplateStatus.DRAFT).delete()


async def import_version(
    template: InspectionTemplate, parts_of_sheet: list[tuple[str, list[Item]]]
) -> InspectionTemplate:
    """The next version of ``template``'s family, drafted from a sheet: parts keep their keys where the
    template has a part of the same title, new parts and new items get keys no version has used. The
    version in use and every answered version stay as they are; an open draft is never overwritten."""
    if await draft_of(template.family) is not None:
        raise EditRefused(N_("A draft of this template is already open: publish or discard it first."))
    published_version = await InspectionTemplate.filter(
        family=template.family, status=TemplateStatus.PUBLISHED
    ).first()
    if published_version is None:
        raise EditRefused(N_("A new version is made from the version in use."))
    draft = await start_version(published_version)
    titles = {part.title: part.key for part in parse_body(published_version.body)}
    taken: set[str] = set()
    parts = []
    for title, items in parts_of_sheet:
        key = titles.get(title) or await new_key(template.family, taken)
        taken.add(key)
        keyed = []
        for item in items:
            if not item.key:
                item = replace(item, key=await new_key(template.family, taken))
            taken.add(item.key)
            keyed.append(item)
        parts.append(Part(key=key, title=title, items=tuple(keyed)))
    await _save_body(draft, parts)
    return draft
