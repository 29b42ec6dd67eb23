"""The self-check work: the catalogue and its history, each person's sheet, the section's progress,
confirming a period, and 遵守率 pooled over answers (never an average of percentages)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from server.calendar_ja import fiscal_year, fiscal_year_bounds
from server.compliance import periods
from server.compliance.rules import answer_id, applies, mode_of, months_per_period
from server.dashboard import sql as dashboard_sql
from server.inspections.templates import items_of
from server.models import (
    AppliesTo,
    CheckMode,
    ComplianceTarget,
    InspectionTemplate,
    Result,
    Role,
    Section,
    SelfCheckAnswer,
    SelfCheckConfirmation,
    SelfCheckReminder,
    ServiceStandard,
    ServiceStandardVersion,
    User,
)
from server.state import AppState
from sync import Kind

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# Below this many applicable answers a rate says little; it is shown, and marked as such.
FEW_ANSWERS = 10


# ---- the catalogue ------------------------------------------------------------------------------


async def active_standards() -> dict[str, str]:
    """Code → text of the standards in use, in catalogue order: what template items and citizen comments
    may be linked to. Read from the catalogue, so an administrator's new or retired standard shows at once."""
    rows = await ServiceStandard.filter(active=True).order_by("sort_order", "code")
    return {s.code: s.text for s in rows}


async def seed_standards() -> int:
    """Create the standards of ``data/service_standards.json`` that do not exist yet; returns how many."""
    catalogue = json.loads((DATA_DIR / "service_standards.json").read_text(encoding="utf-8"))
    created = 0
    order = 0
    for group in catalogue["groups"]:
        for row in group["standards"]:
            order += 10
            standard, was_created = await ServiceStandard.get_or_create(
                code=row["code"],
                defaults={
                    "group_key": group["key"],
                    "group_name": group["name"],
                    "group_name_en": group.get("name_en", ""),
                    "text": row["text"],
                    "text_en": row.get("text_en", ""),
                    "applies_to": AppliesTo(row["applies_to"]),
                    "sort_order": order,
                },
            )
            if was_created:
                await _remember(standard, "")
                created += 1
            elif not standard.text_en and standard.text == row["text"] and row.get("text_en"):
                # A catalogue from before English wording existed: the unchanged seeded text gains its
                # English; a ward's own rewording is left for an administrator to translate.
                standard.text_en = row["text_en"]
                await standard.save(update_fields=["text_en"])
    return created


async def _remember(standard: ServiceStandard, login: str) -> None:
    await ServiceStandardVersion.create(
        standard=standard,
        version=standard.version,
        text=standard.text,
        applies_to=standard.applies_to,
        group_key=standard.group_key,
        active=standard.active,
        changed_by=login,
    )


@dataclass(frozen=True)
class Group:
    key: str
    name: str
    name_en: str


async def groups() -> list[Group]:
    seen: dict[str, Group] = {}
    for s in await ServiceStandard.all().order_by("sort_order", "code"):
        seen.setdefault(s.group_key, Group(s.group_key, s.group_name, s.group_name_en))
    return list(seen.values())


async def save_standard(
    standard: ServiceStandard | None, values: dict[str, Any], login: str
) -> ServiceStandard:
    """Create or change a standard. A new wording, scope or group is a new version; old ones stay."""
    group = next((g for g in await groups() if g.key == values["group_key"]), None)
    names: dict[str, Any] = {
        "group_name": values.get("group_name") or (group.name if group else values["group_key"]),
        "group_name_en": values.get("group_name_en") or (group.name_en if group else ""),
    }
    if standard is None:
        standard = await ServiceStandard.create(
            code=values["code"],
            group_key=values["group_key"],
            text=values["text"],
            text_en=values.get("text_en", ""),
            applies_to=AppliesTo(values["applies_to"]),
            sort_order=values["sort_order"],
            **names,
        )
        await _remember(standard, login)
        return standard
    reworded = (
        standard.text != values["text"]
        or standard.applies_to != values["applies_to"]
        or standard.group_key != values["group_key"]
    )
    standard.text = values["text"]
    standard.text_en = values.get("text_en", "")
    standard.applies_to = AppliesTo(values["applies_to"])
    standard.group_key = values["group_key"]
    standard.group_name, standard.group_name_en = names["group_name"], names["group_name_en"]
    standard.sort_order = values["sort_order"]
    if reworded:
        standard.version += 1
    await standard.save()
    if reworded:
        await _remember(standard, login)
    return standard


async def set_active(standard: ServiceStandard, active: bool, login: str) -> None:
    """Retire a standard (or bring it back): past answers and rates keep it; new sheets leave it out."""
    if standard.active == active:
        return
    standard.active = active
    standard.version += 1
    await standard.save()
    await _remember(standard, login)


# ---- sheets -------------------------------------------------------------------------------------


@dataclass
class Row:
    standard: ServiceStandard
    id: str
    result: str | None = None
    note: str = ""
    version: int | None = None
    status: str = "open"
    contested: bool = False


@dataclass
class SheetGroup:
    name: str
    name_en: str
    rows: list[Row] = field(default_factory=list)


async def sheet(user: User, period: str, respondent: str) -> list[SheetGroup]:
    """The standards this person (or the section) answers for the period, with the answers so far."""
    person = None if respondent.startswith("section:") else user
    answers = {
        a.standard_code: a
        for a in await SelfCheckAnswer.filter(period=period, respondent=respondent, deleted=False)
    }
    out: dict[str, SheetGroup] = {}
    for standard in await ServiceStandard.all().order_by("sort_order", "code"):
        answer = answers.get(standard.code)
        if answer is None and (not standard.active or not applies(standard.applies_to, person)):
            continue
        row = Row(standard, answer_id(period, respondent, standard.code))
        if answer is not None:
            row.result, row.note, row.version = answer.result, answer.note, answer.version
            row.status, row.contested = answer.status, answer.contested
        group = out.setdefault(standard.group_key, SheetGroup(standard.group_name, standard.group_name_en))
        group.rows.append(row)
    return list(out.values())


# ---- rates --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """遵守率 with what it is made of: compliant ÷ applicable; 該当なし counts in neither."""

    compliant: int = 0
    applicable: int = 0
    not_applicable: int = 0

    @property
    def percent(self) -> float | None:
        return 100.0 * self.compliant / self.applicable if self.applicable else None

    @property
    def few(self) -> bool:
        return 0 < self.applicable < FEW_ANSWERS

    def __add__(self, other: Rate) -> Rate:
        return Rate(
            self.compliant + other.compliant,
            self.applicable + other.applicable,
            self.not_applicable + other.not_applicable,
        )


def pooled(results: Iterable[str | None]) -> Rate:
    """Pool answers into one rate. Unanswered (None) and 該当なし are outside the denominator."""
    counts = Counter(results)
    compliant = counts[Result.COMPLIANT.value]
    return Rate(compliant, compliant + counts[Result.NONCOMPLIANT.value], counts[Result.NA.value])


async def rates(period_keys: list[str], section_id: int | None = None) -> dict[tuple[int, str], Rate]:
    """Rate per (section, period), pooled over every answer of the section in the period."""
    query = SelfCheckAnswer.filter(period__in=period_keys, deleted=False, result__not_isnull=True)
    if section_id is not None:
        query = query.filter(section_id=section_id)
    grouped: dict[tuple[int, str], list[str]] = {}
    for section, period, result in await query.values_list("section_id", "period", "result"):
        grouped.setdefault((int(section), str(period)), []).append(str(result))
    return {key: pooled(results) for key, results in grouped.items()}


def total(
    found: dict[tuple[int, str], Rate], section_id: int | None = None, period: str | None = None
) -> Rate:
    """Pool several cells: sum the counts, then divide once."""
    out = Rate()
    for (section, key), rate in found.items():
        if (section_id is None or section == section_id) and (period is None or key == period):
            out = out + rate
    return out


@dataclass
class Missed:
    standard: ServiceStandard | None
    code: str
    missed: int
    applicable: int
    cumulative: float  # share of every miss covered by this standard and those above it, in percent


async def pareto(period_keys: list[str], section_id: int | None = None, limit: int = 10) -> list[Missed]:
    """The standards most often not kept, most first, with the cumulative share of all misses."""
    query = SelfCheckAnswer.filter(
        period__in=period_keys, deleted=False, result__in=[Result.COMPLIANT.value, Result.NONCOMPLIANT.value]
    )
    if section_id is not None:
        query = query.filter(section_id=section_id)
    missed: Counter[str] = Counter()
    applicable: Counter[str] = Counter()
    for code, result in await query.values_list("standard_code", "result"):
        applicable[str(code)] += 1
        if result == Result.NONCOMPLIANT.value:
            missed[str(code)] += 1
    everything = sum(missed.values())
    standards = {s.code: s for s in await ServiceStandard.filter(code__in=list(missed))}
    out: list[Missed] = []
    running = 0
    for code, count in sorted(missed.items(), key=lambda item: (-item[1], item[0]))[:limit]:
        running += count
        out.append(Missed(standards.get(code), code, count, applicable[code], 100.0 * running / everything))
    return out


async def targets(year: int) -> dict[int, Decimal]:
    """The year's targets: key 0 is the ward's, other keys are sections with their own."""
    return {t.section_id: t.percent for t in await ComplianceTarget.filter(fiscal_year=year)}


def target_of(found: dict[int, Decimal], section_id: int) -> Decimal | None:
    return found.get(section_id, found.get(0))


async def set_target(year: int, section_id: int, percent: Decimal | None, login: str) -> None:
    if percent is None:
        await ComplianceTarget.filter(fiscal_year=year, section_id=section_id).delete()
        return
    await ComplianceTarget.update_or_create(
        fiscal_year=year, section_id=section_id, defaults={"percent": percent, "set_by": login}
    )


# ---- the section's period -----------------------------------------------------------------------


@dataclass
class Progress:
    respondent: str
    person: User | None
    expected: int
    answered: int
    reminded: bool = False

    @property
    def done(self) -> bool:
        return self.answered >= self.expected


async def respondents(section_id: int) -> list[tuple[str, User | None]]:
    if await mode_of(section_id) is CheckMode.SECTION:
        return [(f"section:{section_id}", None)]
    # The 課長 is a member of the section too and checks their own conduct like everyone else.
    people = await User.filter(
        section_id=section_id, role__in=[Role.STAFF, Role.CHIEF], active=True
    ).order_by("display_name")
    return [(f"user:{p.id}", p) for p in people]


async def progress(section_id: int, period: str) -> list[Progress]:
    """Who has answered how much of the period's sheet, and who was reminded."""
    standards = await ServiceStandard.filter(active=True)
    answered = Counter(
        str(r)
        for r in await SelfCheckAnswer.filter(
            section_id=section_id, period=period, deleted=False, result__not_isnull=True
        ).values_list("respondent", flat=True)
    )
    reminded = {
        int(str(u))
        for u in await SelfCheckReminder.filter(section_id=section_id, period=period).values_list(
            "user_id", flat=True
        )
    }
    out = []
    for respondent, person in await respondents(section_id):
        expected = sum(1 for s in standards if applies(s.applies_to, person))
        out.append(
            Progress(
                respondent,
                person,
                expected,
                answered[respondent],
                person is not None and person.id in reminded,
            )
        )
    return out


async def confirm(state: AppState, chief: User, period: str) -> None:
    """Lock the section's period: every expected answer gets a record (empty when nobody answered) and
    status=confirmed, written through the engine, so an edit made later without having seen the
    confirmation becomes a conflict for review instead of silently changing a confirmed result."""
    section_id = chief.section_id
    assert section_id is not None
    if await SelfCheckConfirmation.exists(section_id=section_id, period=period):
        return
    standards = await ServiceStandard.filter(active=True)
    existing = set(
        str(i)
        for i in await SelfCheckAnswer.filter(section_id=section_id, period=period).values_list(
            "id", flat=True
        )
    )
    placeholders: list[tuple[str, str, Kind, dict[str, Any], int | None]] = []
    for respondent, person in await respondents(section_id):
        for standard in standards:
            record_id = answer_id(period, respondent, standard.code)
            if record_id in existing or not applies(standard.applies_to, person):
                continue
            fields = {
                "section_id": section_id,
                "period": period,
                "respondent": respondent,
                "standard_code": standard.code,
                "standard_version": standard.version,
                "result": None,
                "note": "",
            }
            placeholders.append(("self_check_answers", record_id, Kind.CREATE, fields, None))
    await state.sync.web_write_many(chief, placeholders)
    await SelfCheckConfirmation.create(section_id=section_id, period=period, confirmed_by=chief.login)
    answers = await SelfCheckAnswer.filter(section_id=section_id, period=period, deleted=False)
    locks: list[tuple[str, str, Kind, dict[str, Any], int | None]] = [
        ("self_check_answers", str(a.id), Kind.PATCH, {"status": "confirmed"}, a.version)
        for a in answers
        if a.status != "confirmed"
    ]
    await state.sync.web_write_many(chief, locks)


@dataclass
class Reminder:
    period: str
    months: int
    sent_by: str


async def reminders_for(user: User) -> list[Reminder]:
    """Reminders to this person for periods not yet confirmed and still not fully answered."""
    if user.section_id is None:
        return []
    rows = await SelfCheckReminder.filter(user_id=user.id).order_by("-sent_at").limit(20)
    confirmed = {
        str(p)
        for p in await SelfCheckConfirmation.filter(
            section_id=user.section_id, period__in=[r.period for r in rows]
        ).values_list("period", flat=True)
    }
    out: list[Reminder] = []
    seen: set[str] = set()
    for row in rows:
        if row.period in seen or row.period in confirmed:
            continue
        seen.add(row.period)
        mine = next(
            (p for p in await progress(user.section_id, row.period) if p.person and p.person.id == user.id),
            None,
        )
        if mine is not None and mine.done:
            continue
        first = periods.parse(row.period)
        months = await months_per_period(fiscal_year(first)) if first else 1
        sender = await User.get_or_none(login=row.sent_by)
        out.append(Reminder(row.period, months, sender.display_name if sender else row.sent_by))
    return out


async def current_period(day: Any) -> str:
    return periods.period_containing(day, await months_per_period(fiscal_year(day)))


async def sections_by_id() -> dict[int, Section]:
    return {s.id: s for s in await Section.all()}


async def inspection_rates(year: int, section_id: int | None = None) -> dict[int, Rate]:
    """Per section, what walk-through inspections found for the items linked to a service standard:
    適 counts as kept, 不適 as not kept, 該当なし in neither — the same arithmetic as the self-checks,
    so the two rates can stand side by side."""
    linked: set[tuple[int, str]] = set()
    for template in await InspectionTemplate.all():
        linked.update((template.id, key) for key, item in items_of(template).items() if item.standard)
    if not linked:
        return {}
    start, end = fiscal_year_bounds(year)
    where = "i.status = ? AND i.deleted = ? AND a.deleted = ? AND i.submitted_on >= ? AND i.submitted_on <= ?"
    params: list[Any] = ["submitted", False, False, start, end]
    if section_id is not None:
        where += " AND i.section_id = ?"
        params.append(section_id)
    rows = await dashboard_sql.rows(
        "SELECT i.section_id AS section_id, i.template_id AS template_id, a.item_key AS item_key, "  # noqa: S608
        "SUM(CASE WHEN a.result = 'pass' THEN 1 ELSE 0 END) AS kept, "
        "SUM(CASE WHEN a.result = 'fail' THEN 1 ELSE 0 END) AS missed, "
        "SUM(CASE WHEN a.result = 'na' THEN 1 ELSE 0 END) AS na "
        f"FROM inspection_answer a JOIN inspection i ON i.id = a.inspection_id WHERE {where} "
        "GROUP BY i.section_id, i.template_id, a.item_key",
        params,
    )
    out: dict[int, Rate] = {}
    for row in rows:
        if row["section_id"] is None or (row["template_id"], row["item_key"]) not in linked:
            continue
        kept, missed = int(row["kept"] or 0), int(row["missed"] or 0)
        rate = Rate(kept, kept + missed, int(row["na"] or 0))
        section = int(row["section_id"])
        out[section] = out.get(section, Rate()) + rate
    return out
