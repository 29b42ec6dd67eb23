"""What the server keeps per synced record: every field as a register of the writes not yet superseded.

A register holds one entry when there is no disagreement; more than one when devices wrote the same field
without seeing each other's write. Nothing is thrown away until a write that saw it replaces it.

Causality is carried by each entry: ``version`` (the record version its operation created) and ``base``
(the version its writer had pulled), plus the writer's own order (``client_id``, ``client_seq``). Every
derived value below depends only on the *set* of entries and these relations, never on arrival order.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, NamedTuple

from sync.spec import Shown, TableSpec


class Entry(NamedTuple):
    """One write of one field (or one element of a set, one note, one delete/restore).

    A named tuple rather than a frozen dataclass: records hold many entries, and building one is three
    times cheaper; stored as a JSON array in field order (see ``RecordState.to_json``).
    """

    value: Any
    version: int  # the record version this write created
    client_id: str
    client_seq: int
    hlc: str
    op_id: str
    user: str
    at: str  # server time the write arrived (ISO 8601)
    base: int = 0  # the record version the writer had pulled: its causal context
    resolve: bool = False  # written by a ``resolve`` operation (a reviewer's decision)

    def order_key(self) -> tuple[str, str, str]:
        return (self.hlc, self.client_id, self.op_id)


# ``Entry.order_key`` as a sort key computed in C: (hlc, client_id, op_id) by field position.
ORDER_KEY: Callable[[Entry], tuple[str, str, str]] = itemgetter(4, 2, 5)


def saw(reader: Entry, entry: Entry) -> bool:
    """Whether the writer of ``reader`` had seen ``entry`` when it wrote.

    It had if the entry was in the version it pulled, if it is one of its own earlier writes (a device
    always sees its own past), or if both came from the same operation.
    """
    return (
        entry.version <= reader.base
        or (entry.client_id == reader.client_id and entry.client_seq < reader.client_seq)
        or entry.op_id == reader.op_id
    )


def maximal(entries: Iterable[Entry]) -> list[Entry]:
    """The entries no other entry had seen: the concurrent frontier of a field."""
    pool = list(entries)
    return [e for e in pool if not any(other is not e and saw(other, e) for other in pool)]


def provisional(register: list[Entry]) -> Entry:
    """The value shown while a disagreement is open: the latest by clock stamp, then client id, then op id.

    It depends only on the set of entries, never on the order they arrived in.
    """
    return max(register, key=ORDER_KEY)


def furthest(register: list[Entry], rank: Mapping[str, int]) -> Entry:
    """A workflow field's value among concurrent valid steps: the furthest state, then the latest stamp."""
    return max(register, key=lambda e: (rank.get(str(e.value), -1), e.order_key()))


class RecordView(NamedTuple):
    """A record as a pull sends it: the row devices display (None when deleted or purged) and the fields
    under review. The engine hands it to the store with every record it saves, so a pull reads it without
    rebuilding the record. (A named tuple: one is made per record pushed and per record pulled.)"""

    table: str
    id: str
    version: int
    deleted: bool
    purged: bool
    row: dict[str, Any] | None
    conflicts: list[str]


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
    # Deletes (value True) and restores (False) not yet superseded: a register like any other.
    deletion: list[Entry] = field(default_factory=list)
    # Every write ever made to the workflow field and to sign-off protected fields, superseded or not:
    # a late operation's view of the status, and the value a sign-off saw, are computed from them.
    trails: dict[str, list[Entry]] = field(default_factory=dict)
    # The fields under open review (``review`` policy, differing values), computed when the record settles.
    contested: list[str] | None = None
    # The derived conflicts open after the last operation (``kind:field``); None when not yet known.
    disputes: list[str] | None = None
    # Set fields a sign-off protects keep their removes too (one entry per element), and every add in
    # ``trails``: a remove the sign-off had not seen must be held back, not applied (``sync.merge``).
    removals: dict[str, list[Entry]] = field(default_factory=dict)

    def values(self, spec: TableSpec | None) -> dict[str, Any]:
        """The record as devices display it: provisional winners, set elements, notes in clock order."""
        out: dict[str, Any] = {}
        if spec is None:
            return out
        registers = self.registers
        for name, shown in spec.shown_as:
            if shown is Shown.PROVISIONAL:
                register = registers.get(name)
                if not register:
                    out[name] = None
                else:
                    out[name] = register[0].value if len(register) == 1 else provisional(register).value
            elif shown is Shown.NOTES:
                notes = self.notes.get(name)
                if not notes:
                    out[name] = []
                else:
                    ordered = notes if len(notes) == 1 else sorted(notes, key=ORDER_KEY)
                    out[name] = [{"text": e.value, "by": e.user, "at": e.at, "hlc": e.hlc} for e in ordered]
            elif shown is Shown.ELEMENTS:
                seen: dict[str, Any] = {}
                for entry in sorted(self.sets.get(name, []), key=ORDER_KEY):
                    seen.setdefault(canonical(entry.value), entry.value)
                out[name] = [seen[k] for k in sorted(seen)]
            else:
                register = registers.get(name)
                if not register:
                    out[name] = None
                elif len(register) == 1:
                    out[name] = register[0].value
                else:
                    rank = spec.workflow.rank if spec.workflow is not None else {}
                    out[name] = furthest(register, rank).value
        return out

    def contested_fields(self) -> list[str]:
        """Fields whose register holds different values written without seeing each other."""
        if self.contested is not None:
            return list(self.contested)
        return sorted(
            name
            for name, register in self.registers.items()
            if len({canonical(e.value) for e in register}) > 1
        )

    def copy(self) -> RecordState:
        """A copy that can change without touching this one. Its dicts are its own; the lists in them are
        shared, because a merge only ever puts new lists in place (``sync.merge``), and entries are
        immutable (a deep copy of every entry dominated push time)."""
        twin = object.__new__(RecordState)
        fields = dict(self.__dict__)  # the plain values, and the lists shared as the docstring says
        for name in ("registers", "sets", "notes", "previous", "trails", "removals"):
            fields[name] = dict(fields[name])
        twin.__dict__ = fields
        return twin

    def entries(self) -> list[tuple[str, Entry]]:
        """Every live entry of every field, with its field name."""
        found: list[tuple[str, Entry]] = []
        for group in (self.registers, self.sets, self.notes):
            for name, items in group.items():
                found.extend((name, e) for e in items)
        return found

    def to_json(self) -> dict[str, Any]:
        """The record as JSON-ready data, in the order of the fields above. Entries stay named tuples, which
        JSON writes as arrays in ``Entry`` field order: a stored record is read for every operation on it,
        and arrays are a third smaller and faster to read than objects."""

        # Written out by hand: dataclasses.asdict deep-copies every entry and dominated push time.
        def entries(group: dict[str, list[Entry]]) -> dict[str, list[Entry]]:
            return {name: list(items) for name, items in group.items()}

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
            "previous": dict(self.previous),
            "created_by": self.created_by,
            "updated_at": self.updated_at,
            "deletion": list(self.deletion),
            "trails": entries(self.trails),
            "contested": self.contested,
            "disputes": self.disputes,
            "removals": entries(self.removals),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RecordState:
        """Reads both entry forms: arrays, and the objects that records stored before arrays were used."""

        def entries(raw: dict[str, list[Any]]) -> dict[str, list[Entry]]:
            return {name: [_entry(e) for e in items] for name, items in raw.items()}

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
            previous={name: _entry(e) for name, e in data.get("previous", {}).items()},
            created_by=data.get("created_by", ""),
            updated_at=data.get("updated_at", ""),
            deletion=[_entry(e) for e in data.get("deletion", [])],
            trails=entries(data.get("trails", {})),
            contested=data.get("contested"),
            disputes=data.get("disputes"),
            removals=entries(data.get("removals", {})),
        )


def _entry(raw: Any) -> Entry:
    return Entry(**raw) if isinstance(raw, dict) else Entry(*raw)


def canonical(value: Any) -> str:
    """A stable text form of a JSON value, so set elements compare by content."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
