"""What the server keeps per synced record: every field as a register of the writes not yet superseded.

A register holds one entry when there is no disagreement; more than one when devices wrote the same field
without seeing each other's write. Nothing is thrown away until a write that saw it replaces it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sync.spec import Policy, TableSpec


@dataclass(frozen=True)
class Entry:
    """One write of one field (or one element of a set, or one note)."""

    value: Any
    version: int  # the record version this write created
    client_id: str
    client_seq: int
    hlc: str
    op_id: str
    user: str
    at: str  # server time the write arrived (ISO 8601)

    def order_key(self) -> tuple[str, str, str]:
        return (self.hlc, self.client_id, self.op_id)


@dataclass
class RecordState:
    table: str
    id: str
    scope: str
    version: int = 0
    deleted: bool = False
    purged: bool = False
    registers: dict[str, list[Entry]] = field(default_factory=dict)
    # OR-set: every add is an entry; a remove deletes the adds it has seen.
    sets: dict[str, list[Entry]] = field(default_factory=dict)
    notes: dict[str, list[Entry]] = field(default_factory=dict)
    # Per field, the value a write most recently replaced: the "before" of a later disagreement.
    previous: dict[str, Entry] = field(default_factory=dict)
    created_by: str = ""
    updated_at: str = ""

    def values(self, spec: TableSpec) -> dict[str, Any]:
        """The record as devices display it: provisional winners, set elements, notes in clock order."""
        out: dict[str, Any] = {}
        for name, field_spec in spec.fields.items():
            if field_spec.policy is Policy.SET:
                seen: dict[str, Any] = {}
                for entry in sorted(self.sets.get(name, []), key=Entry.order_key):
                    seen.setdefault(canonical(entry.value), entry.value)
                out[name] = [seen[k] for k in sorted(seen)]
            elif field_spec.policy is Policy.APPEND:
                out[name] = [
                    {"text": e.value, "by": e.user, "at": e.at, "hlc": e.hlc}
                    for e in sorted(self.notes.get(name, []), key=Entry.order_key)
                ]
            else:
                register = self.registers.get(name, [])
                out[name] = provisional(register).value if register else None
        return out

    def contested_fields(self) -> list[str]:
        return sorted(name for name, register in self.registers.items() if len(register) > 1)

    def to_json(self) -> dict[str, Any]:
        # Written out by hand: dataclasses.asdict deep-copies every entry and dominated push time.
        def entries(group: dict[str, list[Entry]]) -> dict[str, list[dict[str, Any]]]:
            return {name: [vars(e) for e in items] for name, items in group.items()}

        return {
            "table": self.table,
            "id": self.id,
            "scope": self.scope,
            "version": self.version,
            "deleted": self.deleted,
            "purged": self.purged,
            "registers": entries(self.registers),
            "sets": entries(self.sets),
            "notes": entries(self.notes),
            "previous": {name: vars(e) for name, e in self.previous.items()},
            "created_by": self.created_by,
            "updated_at": self.updated_at,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RecordState:
        def entries(raw: dict[str, list[dict[str, Any]]]) -> dict[str, list[Entry]]:
            return {name: [Entry(**e) for e in items] for name, items in raw.items()}

        return cls(
            table=data["table"],
            id=data["id"],
            scope=data["scope"],
            version=data["version"],
            deleted=data["deleted"],
            purged=data["purged"],
            registers=entries(data["registers"]),
            sets=entries(data["sets"]),
            notes=entries(data["notes"]),
            previous={name: Entry(**e) for name, e in data.get("previous", {}).items()},
            created_by=data.get("created_by", ""),
            updated_at=data.get("updated_at", ""),
        )


def provisional(register: list[Entry]) -> Entry:
    """The value shown while a disagreement is open: the latest by clock stamp, then client id, then op id.

    It depends only on the set of entries, never on the order they arrived in.
    """
    return max(register, key=Entry.order_key)


def canonical(value: Any) -> str:
    """A stable text form of a JSON value, so set elements compare by content."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
