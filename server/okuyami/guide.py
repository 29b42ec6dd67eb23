"""The family's guide: the procedures of a plan grouped by counter in walking order, each with its
documents and its deadline as a real date."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from server.calendar_ja import format_date
from server.i18n import N_
from server.okuyami.catalogue import Catalogue, Counter, Procedure
from server.okuyami.intake import Intake
from server.okuyami.plan import Plan

# Anchors whose day the intake knows: the period runs from the day after the event (民法140条), so the
# last day is the event plus the number of days. The day a death became known is taken as the day of
# death: never later than the real deadline.
EVENT_OF_ANCHOR = {
    "death": "deceased.date_of_death",
    "day_after_death": "deceased.date_of_death",
    "death_known": "deceased.date_of_death",
    "day_after_funeral": "funeral.date",
}


@dataclass(frozen=True)
class Deadline:
    day: date | None  # the last day, when the intake tells it
    days: int | None
    anchor_ja: str
    anchor_en: str

    def label(self, gettext: Callable[[str], str], language: str) -> str:
        """The last day in 和暦 and 西暦, or what the family counts from when the day is not known."""
        if self.day is not None:
            return format_date(self.day, language)
        if self.days is None:
            return gettext(N_("No set deadline (as soon as convenient)"))
        anchor = self.anchor_ja if language == "ja" else self.anchor_en
        return gettext(N_("Within %(days)s days from %(anchor)s")) % {"days": self.days, "anchor": anchor}


@dataclass(frozen=True)
class Item:
    procedure: Procedure
    deadline: Deadline


@dataclass(frozen=True)
class Stop:
    counter: Counter
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Guide:
    stops: tuple[Stop, ...]  # municipal, in walking order
    external: tuple[Stop, ...]
    to_confirm: tuple[Item, ...]
    other_matters: tuple[dict[str, str], ...]

    @property
    def procedure_ids(self) -> list[str]:
        return sorted(item.procedure.id for stop in (*self.stops, *self.external) for item in stop.items)


def deadline_of(procedure: Procedure, intake: Intake, catalogue: Catalogue) -> Deadline:
    rule = procedure.deadline
    if rule is None:
        return Deadline(None, None, "", "")
    anchor = catalogue.anchors.get(rule.anchor, {})
    event = intake.dates.get(EVENT_OF_ANCHOR.get(rule.anchor, ""))
    day = event + timedelta(days=rule.days) if event is not None and rule.days is not None else None
    return Deadline(day, rule.days, anchor.get("ja", ""), anchor.get("en", ""))


def _stops(procedures: tuple[Procedure, ...], intake: Intake, catalogue: Catalogue) -> tuple[Stop, ...]:
    by_counter: dict[str, list[Item]] = {}
    for procedure in procedures:
        by_counter.setdefault(procedure.counter.id, []).append(
            Item(procedure, deadline_of(procedure, intake, catalogue))
        )
    stops = [
        Stop(catalogue.counters[counter_id], tuple(sorted(items, key=_urgency)))
        for counter_id, items in by_counter.items()
    ]
    return tuple(sorted(stops, key=lambda stop: stop.counter.walk_order))


def _urgency(item: Item) -> tuple[date, str]:
    # Within a counter the most pressing deadline first, so the family does it while there.
    return (item.deadline.day or date.max, item.procedure.id)


def build_guide(plan: Plan, intake: Intake, catalogue: Catalogue) -> Guide:
    return Guide(
        stops=_stops(plan.municipal, intake, catalogue),
        external=_stops(plan.external, intake, catalogue),
        to_confirm=tuple(Item(p, deadline_of(p, intake, catalogue)) for p in plan.to_confirm),
        other_matters=catalogue.other_matters,
    )
