"""Keeping the tallies in step with a projection: read the row's contribution before the change (locking
the row on PostgreSQL, so no other transaction changes it in between), let the projection change, read
it again, and add the difference, all in the transaction of the change. Deletes, undeletes and purges
need nothing special: a missing or deleted row contributes nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from server.models import CorrectiveAction, Feedback, FeedbackSection, Inspection, SelfCheckAnswer
from server.rollups import contributions
from server.rollups.tallies import Deltas, apply

Reader = Callable[[Any], Awaitable[Deltas]]


async def answer(record_id: Any) -> Deltas:
    return contributions.of_answer(await SelfCheckAnswer.filter(id=record_id).select_for_update().first())


async def inspection(record_id: Any) -> Deltas:
    if not record_id:
        return Deltas()
    return contributions.of_inspection(await Inspection.filter(id=record_id).select_for_update().first())


async def action(record_id: Any) -> Deltas:
    return contributions.of_action(await CorrectiveAction.filter(id=record_id).select_for_update().first())


async def feedback(record_id: Any) -> Deltas:
    row = await Feedback.filter(id=record_id).select_for_update().first()
    if row is None:
        return Deltas()
    sections = await FeedbackSection.filter(feedback_id=record_id).values_list("section_id", flat=True)
    return contributions.of_feedback(row, [int(str(s)) for s in sections])


@asynccontextmanager
async def tracking(read: Reader, record_id: Any) -> AsyncIterator[None]:
    """Around a change of one projected row (``read`` gives its contribution): the tallies follow it."""
    before = await read(record_id)
    yield
    after = await read(record_id)
    await apply(after.minus(before))
