"""Marking seeded catalogues as samples, and clearing the mark when the ward adopts or replaces them."""

from __future__ import annotations

from server.models import SampleContent, User
from server.timekeeping import now

STANDARDS = "standards"


def template_key(family: str) -> str:
    return f"template:{family}"


async def mark(key: str) -> None:
    """Seeded now: a sample until adopted (a catalogue seeded again after adoption stays adopted)."""
    await SampleContent.get_or_create(key=key)


async def is_sample(key: str) -> bool:
    return await SampleContent.exists(key=key, adopted_at=None)


async def sample_keys() -> set[str]:
    return {str(key) for key in await SampleContent.filter(adopted_at=None).values_list("key", flat=True)}


async def adopt(key: str, user: User, how: str = "adopted") -> bool:
    """The ward makes the catalogue its own; False when it was not a sample (nothing to do)."""
    updated = await SampleContent.filter(key=key, adopted_at=None).update(
        adopted_at=now(), adopted_by=user.login, how=how
    )
    return bool(updated)
