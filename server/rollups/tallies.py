"""The tally tables and how a change is added to them.

A change to one projected row becomes a ``Deltas``: its contribution after the change minus its
contribution before. ``apply`` adds it with one upsert per tally table (``INSERT … ON CONFLICT DO UPDATE
SET n = n + excluded.n``), which PostgreSQL runs atomically against concurrent writers; rows are written
in one order (table, then key), so two transactions adding to the same tallies wait for each other
rather than deadlock. Rows that drop to zero are kept: their number is bounded by the keys anyway.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from server.dashboard import sql

Key = tuple[Any, ...]


@dataclass(frozen=True)
class Tally:
    # Only these declared names are formatted into SQL, never a value.
    table: str
    keys: tuple[str, ...]
    counts: tuple[str, ...]


COMPLIANCE = Tally(
    "compliance_tally", ("period", "section_id", "standard_code"), ("answers", "kept", "applicable", "missed")
)
COMPLIANCE_SECTIONS = Tally(
    "compliance_section_tally", ("period", "section_id"), ("answers", "kept", "applicable")
)
COMPLIANCE_STANDARDS = Tally(
    "compliance_standard_tally", ("period", "standard_code"), ("applicable", "missed")
)
INSPECTIONS = Tally("inspection_tally", ("day", "section_id", "family"), ("inspections", "passed", "failed"))
ACTIONS_OPEN = Tally("action_open_tally", ("section_id", "raised_on", "due_on"), ("actions",))
ACTIONS_CLOSED = Tally("action_closed_tally", ("month", "section_id"), ("closed", "on_time"))
ACTION_CLOSE_DAYS = Tally("action_close_days", ("scope", "month", "days"), ("actions",))
FEEDBACK = Tally("feedback_tally", ("scope", "month"), ("received", "answered", "published", "improved"))
FEEDBACK_ANSWER_DAYS = Tally("feedback_answer_days", ("scope", "month", "days"), ("comments",))
ALL = (
    COMPLIANCE,
    COMPLIANCE_SECTIONS,
    COMPLIANCE_STANDARDS,
    INSPECTIONS,
    ACTIONS_OPEN,
    ACTIONS_CLOSED,
    ACTION_CLOSE_DAYS,
    FEEDBACK,
    FEEDBACK_ANSWER_DAYS,
)

WARD = 0  # the scope of the whole ward, and the section of a row that has none
NO_DUE_DATE = dt.date(9999, 12, 31)  # an open action without a due date: never overdue


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


class Deltas:
    """Counts to add to tally rows, summed per row."""

    def __init__(self) -> None:
        self.rows: dict[tuple[Tally, Key], list[int]] = {}

    def add(self, tally: Tally, key: Key, *counts: int) -> None:
        row = self.rows.setdefault((tally, key), [0] * len(tally.counts))
        for index, count in enumerate(counts):
            row[index] += count

    def minus(self, other: Deltas) -> Deltas:
        out = Deltas()
        for (tally, key), counts in self.rows.items():
            out.add(tally, key, *counts)
        for (tally, key), counts in other.rows.items():
            out.add(tally, key, *(-c for c in counts))
        return out

    def nonzero(self, tally: Tally) -> list[tuple[Key, list[int]]]:
        found = [(key, counts) for (t, key), counts in self.rows.items() if t == tally and any(counts)]
        return sorted(found, key=lambda item: tuple(str(k) for k in item[0]))


async def apply(deltas: Deltas, conn: BaseDBAsyncClient | None = None) -> None:
    """Add the deltas to the tallies, on the connection of the transaction that changed the projection."""
    conn = conn or sql.connection()
    for tally in ALL:
        rows = deltas.nonzero(tally)
        if not rows:
            continue
        columns = (*tally.keys, *tally.counts)
        marks = ", ".join(["(" + ", ".join("?" * len(columns)) + ")"] * len(rows))
        updates = ", ".join(f"{c} = {tally.table}.{c} + excluded.{c}" for c in tally.counts)
        statement = (
            f"INSERT INTO {tally.table} ({', '.join(columns)}) VALUES {marks} "  # noqa: S608 - declared names
            f"ON CONFLICT ({', '.join(tally.keys)}) DO UPDATE SET {updates}"
        )
        params = [value for key, counts in rows for value in (*key, *counts)]
        await sql.execute(statement, params, conn)
