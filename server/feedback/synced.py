"""The rule book of ひと言ポスト (see ``server/sync_api/rulebook.py``).

The working team enters and triages slips; a resident's words are kept as received (only the published
copy, masked, is written later); the responsible section's 課長 (or a 管理者) answers; only a 管理者
approves, publishes (after the masking check, with the same audit event whichever way it arrives) and
deletes. A resident's contact details reach only 課長 and 管理者, and each delivery is audited.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from server.feedback import records
from server.feedback.masking import mask
from server.feedback.records import CATEGORIES, CHANNELS, ENTRY_FIELDS, FEEDBACK, KINDS, TRIAGE_FIELDS
from server.i18n import N_
from server.models import Role, Section, User
from server.sync_api.rulebook import Attempt, Event, SyncedTable
from sync import Kind, Op

WRITERS = frozenset({Role.STAFF, Role.CHIEF, Role.MANAGER})
READERS_OF_CONTACT = frozenset({Role.CHIEF, Role.MANAGER})
PUBLISHED_TEXTS = ("published_comment", "published_answer")

NOT_A_WRITER = N_("Your role does not handle comments.")
TEXT_KEPT = N_("A resident's comment is kept as it was received and cannot be changed.")
ONLY_ANSWERER = N_("Only the responsible section's chief or a manager answers.")
ONLY_MANAGER = N_("Only a manager approves, publishes or deletes a comment.")
STILL_PERSONAL = N_("This still contains what looks like personal information.")
EMPTY_PUBLISHED = N_("The published comment and answer must not be empty.")
ONLY_CHIEF_IMPROVES = N_("Only a chief or a manager marks a comment improved.")


def _answers(user: User, sections: Any) -> bool:
    """The responsible sections' 課長, or a 管理者: who answers a comment and decides its conflicts."""
    if user.role is Role.MANAGER:
        return True
    return user.role is Role.CHIEF and user.section_id is not None and user.section_id in set(sections or [])


async def _values_problem(attempt: Attempt) -> str | None:
    fields = attempt.fields
    if fields.get("channel") not in (None, *CHANNELS):
        return "unknown channel"
    if fields.get("category") not in (None, "", *CATEGORIES):
        return "unknown category"
    if fields.get("kind") not in (None, "", *KINDS):
        return "unknown kind of comment"
    sections = set(fields.get("sections") or []) if attempt.op.kind is not Kind.SET_REMOVE else set()
    if sections and await Section.filter(id__in=list(sections)).count() != len(sections):
        return "no such section"
    for action in fields.get("actions") or []:
        try:
            uuid.UUID(str(action))
        except ValueError:
            return "a linked action is named by its id"
    return None


async def authorize(attempt: Attempt) -> str | None:
    user, op, fields = attempt.user, attempt.op, attempt.fields
    if user.role not in WRITERS:
        return NOT_A_WRITER
    problem = await _values_problem(attempt)
    if problem:
        return problem
    if op.kind is Kind.CREATE:
        if set(fields) - ENTRY_FIELDS - TRIAGE_FIELDS - {"ward"}:
            return "a new comment carries what the slip says and its triage only"
        if not str(fields.get("text") or "").strip():
            return "the comment is empty"
        return None
    if op.kind in (Kind.DELETE, Kind.RESTORE):
        return None if user.role is Role.MANAGER else ONLY_MANAGER
    if {"text", "channel"} & set(fields):
        return TEXT_KEPT
    target = attempt.target_status
    before = attempt.seen_status()
    answering = bool({"answer", "answered_on"} & set(fields)) or target == "drafted"
    sending_back = before == "drafted" and target == "triaged"
    if (answering or sending_back) and not _answers(user, attempt.value("sections")):
        return ONLY_ANSWERER
    publishing = bool({*PUBLISHED_TEXTS, "published_on"} & set(fields))
    if (target in ("approved", "published") or publishing) and user.role is not Role.MANAGER:
        return ONLY_MANAGER
    for name in PUBLISHED_TEXTS:
        if name in fields and mask(str(fields[name] or ""))[1]:
            return STILL_PERSONAL
    if target == "published" and not all(str(attempt.value(n) or "").strip() for n in PUBLISHED_TEXTS):
        return EMPTY_PUBLISHED
    if "improved" in fields and user.role not in READERS_OF_CONTACT:
        return ONLY_CHIEF_IMPROVES
    return None


async def decides(user: User, values: Mapping[str, Any]) -> bool:
    return _answers(user, values.get("sections"))


def hidden(user: User) -> frozenset[str]:
    return frozenset() if user.role in READERS_OF_CONTACT else frozenset({"contact"})


async def events(user: User, op: Op, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Event]:
    """Publishing writes ``feedback.publish`` however it was done: the page, a tablet, a decision."""
    if after.get("status") == "published" and before.get("status") != "published":
        return [("feedback.publish", {})]
    return []


TABLE = SyncedTable(
    spec=FEEDBACK,
    label=N_("Comment"),
    field_labels={
        "received_on": N_("Received on"),
        "channel": N_("Channel"),
        "text": N_("Comment"),
        "place": N_("Place"),
        "wants_answer": N_("Wants an answer"),
        "contact": N_("Contact"),
        "category": N_("Category"),
        "kind": N_("Kind"),
        "standard_code": N_("Service standard"),
        "sections": N_("Responsible sections"),
        "answer": N_("Answer"),
        "answered_on": N_("Answered on"),
        "published_comment": N_("Published comment"),
        "published_answer": N_("Published answer"),
        "published_on": N_("Published on"),
        "actions": N_("Corrective actions"),
        "improved": N_("Improved"),
        "status": N_("Status"),
    },
    authorize=authorize,
    project=records.project,
    decides=decides,
    hidden=hidden,
    audited_deliveries={"contact": "feedback.contact.view"},
    events=events,
    target_type="feedback",
    choose_only=frozenset({"channel", "category", "kind", "status"}),
)
