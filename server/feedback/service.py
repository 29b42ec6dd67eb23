"""ひと言ポスト: counts, response times, the public form's limits and what a published entry shows."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from tortoise.expressions import Subquery
from tortoise.functions import Count

from server import throttle
from server.i18n import N_
from server.models import Feedback, FeedbackSection

CHANNEL_LABELS = {
    "box": N_("Suggestion box"),
    "web": N_("Web form"),
    "phone": N_("Telephone"),
    "evaluation": N_("External evaluation"),
}
CATEGORY_LABELS = {
    "manners": N_("Manners (接遇)"),
    "guidance": N_("Guidance and signs"),
    "waiting": N_("Waiting time"),
    "facilities": N_("Facilities"),
    "procedures": N_("Procedures"),
    "other": N_("Other"),
}
KIND_LABELS = {"praise": N_("Praise"), "request": N_("Request"), "complaint": N_("Complaint")}
STATE_LABELS = {
    "received": N_("New"),
    "triaged": N_("Triaged"),
    "drafted": N_("Answer drafted"),
    "approved": N_("Answer approved"),
    "published": N_("Published"),
}
PUBLIC_LIMIT = 5  # comments per address
PUBLIC_WINDOW = dt.timedelta(hours=1)
MAX_COMMENT = 2000  # characters on the public form


def percentile(values: list[int], fraction: float) -> float | None:
    """Nearest-rank percentile: the value at or below which ``fraction`` of the values lie."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return float(ordered[rank - 1])


def median(values: list[int]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return float(ordered[middle]) if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


@dataclass(frozen=True)
class ResponseTime:
    answered: int
    median_days: float | None
    p90_days: float | None


async def response_times() -> dict[int, ResponseTime]:
    """Days from receipt to the approved answer, per responsible section."""
    days: dict[int, list[int]] = defaultdict(list)
    answered = {
        f.id: (f.answered_on - f.received_on).days
        for f in await Feedback.filter(deleted=False, answered_on__isnull=False, received_on__isnull=False)
        if f.answered_on and f.received_on
    }
    for link in await FeedbackSection.filter(feedback_id__in=list(answered)):
        days[link.section_id].append(answered[link.feedback_id])
    return {
        section: ResponseTime(len(values), median(values), percentile(values, 0.9))
        for section, values in days.items()
    }


async def counts() -> tuple[Counter[str], Counter[int]]:
    """Comments per category and per responsible section, counted by the database."""
    by_category: Counter[str] = Counter()
    for category, n in (
        await Feedback.filter(deleted=False)
        .annotate(n=Count("id"))
        .group_by("category")
        .values_list("category", "n")
    ):
        by_category[str(category or "")] += int(n)
    live = Feedback.filter(deleted=False).values_list("id", flat=True)
    by_section: Counter[int] = Counter(
        {
            int(section): int(n)
            for section, n in await FeedbackSection.filter(feedback_id__in=Subquery(live))
            .annotate(n=Count("id"))
            .group_by("section_id")
            .values_list("section_id", "n")
        }
    )
    return by_category, by_section


def address_hash(secret: str, address: str) -> str:
    return hmac.new(secret.encode(), f"public-form:{address}".encode(), hashlib.sha256).hexdigest()


def public_bucket(secret: str, address: str) -> str:
    return f"voice:{address_hash(secret, address)}"


async def take_public_slot(secret: str, address: str) -> bool:
    """Count one comment from this address; False when it already left the most allowed in the window."""
    await throttle.forget_older_than(2 * PUBLIC_WINDOW)
    return await throttle.take(public_bucket(secret, address), PUBLIC_LIMIT, PUBLIC_WINDOW)


async def give_back_public_slot(secret: str, address: str) -> None:
    """A comment that was not stored does not count."""
    await throttle.give_back(public_bucket(secret, address))


def sections_of(feedback: Feedback) -> list[int]:
    return [int(s) for s in json.loads(feedback.section_ids or "[]")]


def actions_of(feedback: Feedback) -> list[str]:
    return [str(a) for a in json.loads(feedback.action_ids or "[]")]
