"""Which procedures a family needs: the catalogue's rules evaluated over one intake."""

from __future__ import annotations

from dataclasses import dataclass

from server.okuyami.catalogue import Catalogue, Procedure
from server.okuyami.intake import Intake
from server.okuyami.rules import UNKNOWN, evaluate


@dataclass(frozen=True)
class Plan:
    municipal: tuple[Procedure, ...]
    external: tuple[Procedure, ...]
    to_confirm: tuple[Procedure, ...]  # rule unknown: the desk checks before guiding (要確認)

    def ids(self) -> dict[str, list[str]]:
        """The plan as the command line prints it: sorted procedure ids per list."""
        return {
            "municipal": sorted(p.id for p in self.municipal),
            "external": sorted(p.id for p in self.external),
            "to_confirm": sorted(p.id for p in self.to_confirm),
        }


def make_plan(intake: Intake, catalogue: Catalogue, rule_mode: str) -> Plan:
    if rule_mode not in catalogue.rule_modes:
        raise ValueError(f"unknown rule mode {rule_mode!r}; use one of {', '.join(catalogue.rule_modes)}")
    lists: dict[str, list[Procedure]] = {"municipal": [], "external": [], "to_confirm": []}
    for procedure in catalogue.procedures:
        truth = evaluate(procedure.rule(rule_mode), intake.values)
        if truth is UNKNOWN:
            lists["to_confirm"].append(procedure)
        elif truth:
            lists[procedure.scope].append(procedure)
    return Plan(
        municipal=tuple(lists["municipal"]),
        external=tuple(lists["external"]),
        to_confirm=tuple(lists["to_confirm"]),
    )
