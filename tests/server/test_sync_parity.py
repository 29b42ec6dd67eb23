"""Page and sync parity: a page may offer fewer writes than the rule book allows, never more, and every
write a page refuses a person is refused when that person sends it through sync.

The roles a page admits are read from its route (``opt["roles"]``); the step buttons of a corrective
action from ``actions.service.allowed_steps``, the same definition the sync rules use.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Litestar

from server.actions import routes as action_routes
from server.actions.service import STEPS, allowed_steps
from server.feedback import routes as feedback_routes
from server.goals import routes as goal_routes
from server.models import CorrectiveAction, Role
from tests.server.sync_people import ROLES, Pusher, people

# Pages read the typed tables, which do not hold the ward yet: another ward's accounts are compared with
# the rules in the authorisation matrix (they may neither change nor decide this ward's records).
SAME_WARD = tuple(r for r in ROLES if not r.startswith("other_ward_"))

ACCEPTED = {"applied", "merged", "conflict"}
PATH = ("raised", "accepted", "in_progress", "reported")


def page_roles(handler: Any) -> frozenset[Role]:
    roles: frozenset[Role] = handler.opt["roles"]
    return roles


async def action_at(who: dict[str, Pusher], state: str) -> tuple[str, int]:
    """An action of the demo staff's section, moved to ``state`` by the manager."""
    manager = who["manager"]
    record = str(uuid.uuid4())
    section = who["staff"].user.section_id
    await manager.push("corrective_actions", record, "create", {"section_id": section, "title": "掲示"})
    version = 1
    for target in PATH[1 : PATH.index(state) + 1]:
        fields = {"status": target, **({"report_note": "済"} if target == "reported" else {})}
        version = int(
            (await manager.push("corrective_actions", record, "patch", fields, version))["record_version"]
        )
    return record, version


async def test_every_step_button_is_exactly_what_sync_accepts(app: Litestar) -> None:
    who = await people(app)
    mismatched = []
    for state in PATH:
        for step in STEPS[state]:
            for role in SAME_WARD:
                record, version = await action_at(who, state)
                row = await CorrectiveAction.get(id=record)
                page_offers = who[role].user.role in page_roles(
                    action_routes.take_step
                ) and step in allowed_steps(who[role].user, row)
                result = await who[role].push(
                    "corrective_actions", record, "patch", {"status": step.target}, version
                )
                if page_offers != (result["status"] in ACCEPTED):
                    mismatched.append(
                        f"{state}→{step.target} by {role}: page {page_offers}, sync {result['status']}"
                    )
    assert mismatched == []


async def comment_at(who: dict[str, Pusher], state: str) -> tuple[str, int]:
    manager = who["manager"]
    record = str(uuid.uuid4())
    fields = {
        "received_on": "2024-10-01",
        "channel": "box",
        "text": "丁寧でした",
        "sections": [who["staff"].user.section_id],
    }
    await manager.push("feedback", record, "create", fields)
    version = 1
    steps = {
        "triaged": {"status": "triaged", "category": "manners"},
        "drafted": {"status": "drafted", "answer": "ありがとうございます"},
        "approved": {"status": "approved", "answered_on": "2024-10-05"},
    }
    for target, change in steps.items():
        if state == "received" or list(steps).index(target) > list(steps).index(state):
            break
        version = int((await manager.push("feedback", record, "patch", change, version))["record_version"])
    return record, version


# Each feedback page write: the route, the state it starts from, the patch it sends, and who besides the
# route's roles the page refuses (the answer is the responsible section's chief's).
FEEDBACK_WRITES = [
    (feedback_routes.triage_feedback, "received", {"status": "triaged", "category": "manners"}, set()),
    (feedback_routes.draft_answer, "triaged", {"status": "drafted", "answer": "回答"}, {"other_chief"}),
    (feedback_routes.approve_answer, "drafted", {"status": "approved", "answered_on": "2024-10-05"}, set()),
    (
        feedback_routes.publish,
        "approved",
        {
            "status": "published",
            "published_comment": "丁寧でした",
            "published_answer": "感謝",
            "published_on": "2024-10-06",
        },
        set(),
    ),
]


async def test_no_feedback_write_a_page_refuses_goes_through_sync(app: Litestar) -> None:
    who = await people(app)
    leaks = []
    for handler, state, fields, also_refused in FEEDBACK_WRITES:
        for role in ROLES:
            refused = who[role].user.role not in page_roles(handler) or role in also_refused
            if not refused:
                continue
            record, version = await comment_at(who, state)
            result = await who[role].push("feedback", record, "patch", fields, version)
            if result["status"] != "rejected":
                leaks.append(f"{handler.handler_name} by {role}: {result['status']}")
    assert leaks == []


async def test_a_goal_is_created_through_sync_exactly_by_whom_the_page_lets_create_it(app: Litestar) -> None:
    """The page creates a goal for the person's own section; another section's goal is refused too,
    except to a manager, who acts for every section (the rule book allows more than the page here)."""
    who = await people(app)
    wrong = []
    kumin = who["staff"].user.section_id
    for role in ROLES:
        user = who[role].user
        page_offers = user.role in page_roles(goal_routes.create_goal) and user.section_id is not None
        fields = {"section_id": user.section_id, "fiscal_year": 2024, "title": "目標"}
        result = await who[role].push("section_goals", str(uuid.uuid4()), "create", fields)
        if page_offers != (result["status"] in ACCEPTED):
            wrong.append(f"own-section goal by {role}: page {page_offers}, sync {result['status']}")
        if user.section_id != kumin and user.role is not Role.MANAGER:
            other = await who[role].push(
                "section_goals", str(uuid.uuid4()), "create", {**fields, "section_id": kumin}
            )
            if other["status"] != "rejected":
                wrong.append(f"another section's goal by {role}: {other['status']}")
    assert wrong == []
