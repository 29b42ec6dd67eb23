"""The procedure catalogue: counters and procedures read from server/data/okuyami_procedures.json.

Counters, documents and deadlines belong to the ward and change more often than the code, so they
live in data. Every rule is parsed and checked against the intake fields when the catalogue loads:
a typo in the data file stops the app with the procedure's id instead of producing a wrong guide.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from server.okuyami.intake import rule_type
from server.okuyami.rules import Node, RuleError, check, parse

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "okuyami_procedures.json"
DEFAULT_RULE_MODE = "refined_15plus"
SCOPES = ("municipal", "external")


class CatalogueError(ValueError):
    """The data file cannot be used; the message names the procedure or counter."""


@dataclass(frozen=True)
class Counter:
    id: str
    name_ja: str
    name_en: str
    window: str
    floor: str | None
    walk_order: int
    location: str  # ward_office, city_office, phone, external
    phone: str | None
    address: str | None


@dataclass(frozen=True)
class Deadline:
    days: int | None
    anchor: str


@dataclass(frozen=True)
class Procedure:
    id: str
    name_ja: str
    name_en: str
    scope: str
    counter: Counter
    documents: tuple[str, ...]
    deadline: Deadline | None
    prefillable: bool
    rules: dict[str, Node]  # rule mode → expression; one entry "*" when the rule has no modes
    note: str

    def rule(self, mode: str) -> Node:
        return self.rules.get(mode) or self.rules["*"]


@dataclass(frozen=True)
class Catalogue:
    procedures: tuple[Procedure, ...]
    counters: dict[str, Counter]
    rule_modes: tuple[str, ...]
    anchors: dict[str, dict[str, str]]
    other_matters: tuple[dict[str, str], ...]

    def procedure(self, procedure_id: str) -> Procedure:
        for procedure in self.procedures:
            if procedure.id == procedure_id:
                return procedure
        raise KeyError(procedure_id)


def _compile(procedure_id: str, source: object) -> Node:
    if not isinstance(source, str):
        raise CatalogueError(f"procedure {procedure_id}: the rule must be a text expression")
    try:
        node = parse(source)
        check(node, rule_type)
    except RuleError as exc:
        raise CatalogueError(f"procedure {procedure_id}: rule {source!r}: {exc}") from None
    return node


def _counter(counter_id: str, raw: dict[str, Any]) -> Counter:
    try:
        return Counter(
            id=counter_id,
            name_ja=raw["name"]["ja"],
            name_en=raw["name"]["en"],
            window=raw.get("window") or "",
            floor=raw.get("floor"),
            walk_order=int(raw["walk_order"]),
            location=raw["location"],
            phone=raw.get("phone"),
            address=raw.get("address"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CatalogueError(f"counter {counter_id}: missing or bad {exc}") from None


def build(document: dict[str, Any]) -> Catalogue:
    """Check and build a catalogue from the parsed data file."""
    modes = tuple(document.get("rule_modes") or ())
    if DEFAULT_RULE_MODE not in modes:
        raise CatalogueError(f"rule_modes must include {DEFAULT_RULE_MODE}")
    anchors = document.get("deadline_anchors") or {}
    counters = {cid: _counter(cid, raw) for cid, raw in (document.get("counters") or {}).items()}
    procedures: list[Procedure] = []
    seen: set[str] = set()
    for raw in document.get("procedures") or ():
        pid = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(pid, str) or not pid:
            raise CatalogueError(f"a procedure without an id: {raw!r}")
        if pid in seen:
            raise CatalogueError(f"procedure {pid}: the id is used twice")
        seen.add(pid)
        if raw.get("scope") not in SCOPES:
            raise CatalogueError(f"procedure {pid}: scope must be municipal or external")
        if raw.get("counter") not in counters:
            raise CatalogueError(f"procedure {pid}: unknown counter {raw.get('counter')!r}")
        if "applies_when_by_mode" in raw:
            by_mode = raw["applies_when_by_mode"]
            missing = [mode for mode in modes if mode not in by_mode]
            if missing:
                raise CatalogueError(f"procedure {pid}: no rule for mode {', '.join(missing)}")
            rules = {mode: _compile(pid, by_mode[mode]) for mode in modes}
        elif "applies_when" in raw:
            rules = {"*": _compile(pid, raw["applies_when"])}
        else:
            raise CatalogueError(f"procedure {pid}: no applies_when rule")
        deadline = raw.get("deadline")
        if deadline is not None:
            if deadline.get("from") not in anchors:
                raise CatalogueError(f"procedure {pid}: unknown deadline anchor {deadline.get('from')!r}")
            days = deadline.get("days")
            if days is not None and (not isinstance(days, int) or days < 0):
                raise CatalogueError(f"procedure {pid}: deadline days must be a whole number")
            deadline = Deadline(days=days, anchor=deadline["from"])
        try:
            procedures.append(
                Procedure(
                    id=pid,
                    name_ja=raw["name"]["ja"],
                    name_en=raw["name"]["en"],
                    scope=raw["scope"],
                    counter=counters[raw["counter"]],
                    documents=tuple(raw.get("documents") or ()),
                    deadline=deadline,
                    prefillable=bool(raw.get("prefillable")),
                    rules=rules,
                    note=raw.get("note") or "",
                )
            )
        except (KeyError, TypeError) as exc:
            raise CatalogueError(f"procedure {pid}: missing {exc}") from None
    return Catalogue(
        procedures=tuple(procedures),
        counters=counters,
        rule_modes=modes,
        anchors=anchors,
        other_matters=tuple(document.get("other_matters") or ()),
    )


def load(path: Path = DATA_FILE) -> Catalogue:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CatalogueError(f"{path.name}: {exc}") from None
    return build(document)


@cache
def default_catalogue() -> Catalogue:
    """The shipped catalogue, loaded once per process."""
    return load()
