"""Projected rows written by a test the way the projection hooks write them: in one transaction, with
the dashboard's tallies following the change, so a dashboard test checks the incremental upkeep too."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, TypeVar

from tortoise.models import Model
from tortoise.transactions import in_transaction

from server.models import CorrectiveAction, Feedback, FeedbackSection, Inspection, SelfCheckAnswer
from server.rollups import tracking

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
