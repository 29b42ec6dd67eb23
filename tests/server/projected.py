"""Projected rows written by a test the way the projection hooks write them: in one transaction, with
the dashboard's tallies following the change, so a dashboard test checks the incremental upkeep too;
and the tallies as plain values, to compare."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, TypeVar

from tortoise.models import Model
from tortoise.transactions import in_transaction

from server.dashboard import sql
from server.models import CorrectiveAction, Feedback, FeedbackSection, Inspection, SelfCheckAnswer
from server.rollups import tracking
from server.rollups.tallies import ALL

M = TypeVar("M", bound=Model)
READERS: dict[type[Model], tracking.Reader] = {
    SelfCheckAnswer: tracking.answer,
    Inspection: tracking.inspection,
    CorrectiveAction: tracking.action,
}


async def stored(model: type[M], **fields: Any) -> M:
    row_id = fields.setdefault("id", uuid.uuid4())
    async with in_transaction("default"), tracking.tracking(READERS[model], row_id):
        return await model.create(**fields)


async def stored_feedback(sections: Iterable[int], **fields: Any) -> Feedback:
    """A comment and the sections it concerns."""
    row_id = fields.setdefault("id", uuid.uuid4())
    async with in_transaction("default"), tracking.tracking(tracking.feedback, row_id):
        row = await Feedback.create(**fields)
        for section in sections:
            await FeedbackSection.create(feedback_id=row.id, section_id=section)
    return row


async def snapshot() -> dict[str, dict[tuple[str, ...], tuple[int, ...]]]:
    """Every tally's rows that count something, keys as text (dates read back differently per database)."""
    out: dict[str, dict[tuple[str, ...], tuple[int, ...]]] = {}
    for tally in ALL:
        rows = await sql.rows(f"SELECT * FROM {tally.table}", [])  # noqa: S608 - declared names
        out[tally.table] = {
            tuple(str(r[k]) for k in tally.keys): counts
            for r in rows
            if any(counts := tuple(int(r[c]) for c in tally.counts))
        }
    return out
