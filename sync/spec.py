"""How each synced table merges: a policy per field, an optional workflow and sign-off lock, a scope.

The server declares one ``TableSpec`` per synced table; the engine never guesses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from functools import cached_property
from typing import Any


class Policy(StrEnum):
    """What happens when two devices change the same field without having seen each other's change."""

    REVIEW = "review"  # keep every value, show a deterministic provisional one, open a conflict
    LWW = "lww"  # last writer (by clock stamp) wins; the other value stays in the history
    SET = "set"  # add/remove elements (photos, multi-select); concurrent adds both survive
    APPEND = "append"  # notes: every entry kept, ordered by clock stamp
    STATE = "state"  # workflow status: only declared transitions; concurrent valid ones → furthest


class FieldType(StrEnum):
    TEXT = "text"
    INT = "int"
    NUMBER = "number"
    BOOL = "bool"
    DATE = "date"  # ISO yyyy-mm-dd
    JSON = "json"  # any JSON value (a drawn signature, a structured answer)
    FILE = "file"  # the SHA-256 of a file uploaded separately (a photo)


class Shown(IntEnum):
    """How a field's stored entries become the value devices show."""

    PROVISIONAL = 0  # a register: its one value, or the provisional winner of several
    ELEMENTS = 1  # a set: its distinct elements
    NOTES = 2  # notes in clock order
    FURTHEST = 3  # the workflow status: the furthest of concurrent valid steps


@dataclass(frozen=True)
class FieldSpec:
    type: FieldType = FieldType.TEXT
    policy: Policy = Policy.REVIEW
    nullable: bool = True
    max_length: int = 10_000


@dataclass(frozen=True)
class Workflow:
    """The status field's states, allowed transitions, and how far along each state is."""

    field: str
    transitions: Mapping[str, frozenset[str]]
    rank: Mapping[str, int]
    initial: str


@dataclass(frozen=True)
class SignOff:
    """Once ``field`` reaches one of ``states``, edits to ``protected`` fields become conflicts."""

    field: str
    states: frozenset[str]
    protected: frozenset[str]


def _single_scope(_: Mapping[str, Any]) -> str:
    return "ward"


@dataclass(frozen=True)
class TableSpec:
    name: str
    fields: Mapping[str, FieldSpec]
    scope_of: Callable[[Mapping[str, Any]], str] = _single_scope
    workflow: Workflow | None = None
    sign_off: SignOff | None = None
    required_on_create: frozenset[str] = field(default_factory=frozenset)

    # Derived once per spec: every operation asks.
    @cached_property
    def states(self) -> frozenset[str]:
        """Every state the workflow declares."""
        if self.workflow is None:
            return frozenset()
        wf = self.workflow
        found = {wf.initial, *wf.rank, *wf.transitions}
        for targets in wf.transitions.values():
            found.update(targets)
        return frozenset(found)

    @cached_property
    def shown_as(self) -> tuple[tuple[str, Shown], ...]:
        """How each field's value is shown, in declaration order (``RecordState.values``)."""
        plan = []
        for name, field_spec in self.fields.items():
            policy = field_spec.policy
            if policy is Policy.REVIEW or policy is Policy.LWW:
                plan.append((name, Shown.PROVISIONAL))
            elif policy is Policy.SET:
                plan.append((name, Shown.ELEMENTS))
            elif policy is Policy.APPEND:
                plan.append((name, Shown.NOTES))
            elif self.workflow is not None:
                plan.append((name, Shown.FURTHEST))
            else:
                plan.append((name, Shown.PROVISIONAL))
        return tuple(plan)

    @cached_property
    def trailed(self) -> frozenset[str]:
        """Fields whose every write is kept: the workflow field and what a sign-off protects."""
        names: set[str] = set()
        if self.workflow is not None:
            names.add(self.workflow.field)
        if self.sign_off is not None:
            names.add(self.sign_off.field)
            names.update(self.sign_off.protected)
        registers = (Policy.REVIEW, Policy.LWW, Policy.STATE)
        return frozenset(n for n in names if n in self.fields and self.fields[n].policy in registers)

    @cached_property
    def guarded_sets(self) -> frozenset[str]:
        """Set fields a sign-off protects: their adds and removes are kept, and settled like values."""
        if self.sign_off is None:
            return frozenset()
        return frozenset(
            n for n in self.sign_off.protected if n in self.fields and self.fields[n].policy is Policy.SET
        )


class Registry:
    """The synced tables a server accepts, by name."""

    def __init__(self, specs: list[TableSpec] | None = None) -> None:
        self._specs: dict[str, TableSpec] = {}
        for spec in specs or []:
            self.add(spec)

    def add(self, spec: TableSpec) -> None:
        if spec.name in self._specs:
            raise ValueError(f"table {spec.name} is declared twice")
        if spec.workflow and spec.fields.get(spec.workflow.field, FieldSpec()).policy is not Policy.STATE:
            raise ValueError(f"{spec.name}.{spec.workflow.field} must use the state policy")
        for name in sorted(spec.sign_off.protected if spec.sign_off else ()):
            # A sign-off freezes values and sets. Notes are additions, each kept with who and when, and
            # never replace what was signed; declaring them protected would promise a freeze that does not
            # happen.
            policy = spec.fields[name].policy if name in spec.fields else None
            if policy not in (Policy.REVIEW, Policy.LWW, Policy.STATE, Policy.SET):
                raise ValueError(
                    f"{spec.name}.{name} cannot be protected by a sign-off (only value and set fields)"
                )
        self._specs[spec.name] = spec

    def get(self, name: str) -> TableSpec | None:
        return self._specs.get(name)

    def names(self) -> list[str]:
        return sorted(self._specs)
