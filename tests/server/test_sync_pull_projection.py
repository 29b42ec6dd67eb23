"""What each role receives when it pulls: the rows of its scopes, each without the fields its role may
not see, and an audit row for each delivery of a resident's contact details."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Litestar

from server.compliance.rules import answer_id
from server.feedback.records import FEEDBACK
from server.models import AppliesTo, AuditEvent, ServiceStandard
from server.state import AppState
from tests.server.sync_people import ROLES, people, this_month

# For each role: the feedback fields it receives (None: no feedback row at all), whether it receives the
# bereavement case and the self-check answer of the demo staff's section and ward.
ALL_FEEDBACK = frozenset(FEEDBACK.fields)
WITHOUT_CONTACT = ALL_FEEDBACK - {"contact"}
# Sections are the deployment's, so a manager of any ward receives every section's answers (None: not
# asserted here).
EXPECTED: dict[str, tuple[frozenset[str] | None, bool, bool | None]] = {
    "staff": (WITHOUT_CONTACT, False, True),
    "chief": (ALL_FEEDBACK, False, True),
    "other_staff": (WITHOUT_CONTACT, False, False),
    "other_chief": (ALL_FEEDBACK, False, False),
    "manager": (ALL_FEEDBACK, False, True),
    "okuyami": (WITHOUT_CONTACT, True, True),  # the desk sits in 区民課: it receives its section's answers
    "other_ward_desk": (None, False, False),  # another ward's comments never reach it
    "other_ward_manager": (None, False, None),
    "admin": (WITHOUT_CONTACT, False, False),
}


async def pulled(app: Litestar, who: Any) -> dict[str, dict[str, Any]]:
    state: AppState = app.state.madoguchi
    rows: dict[str, dict[str, Any]] = {}
    cursor, more = "", True
    while more:
        page = await state.sync.pull(who.user, cursor, 1000)
        rows.update({change.id: change.row for change in page.changes if change.row is not None})
        cursor, more = page.cursor, page.has_more
    return rows


async def test_each_role_receives_what_its_pages_show_and_contact_deliveries_are_audited(
    app: Litestar,
) -> None:
    who = await people(app)
    section = who["staff"].user.section_id
    comment = str(uuid.uuid4())
    fields = {
        "received_on": "2024-10-01",
        "channel": "box",
        "text": "丁寧でした",
        "contact": "044-000-0000",
        "sections": [section],
    }
    assert (await who["staff"].push("feedback", comment, "create", fields))["status"] == "applied"
    case = str(uuid.uuid4())
    desk = {"visit_date": "2024-10-01", "notice_shown_at": "2024-10-01T09:00:00+09:00"}
    assert (await who["okuyami"].push("okuyami_cases", case, "create", desk))["status"] == "applied"
    standard = await ServiceStandard.filter(active=True, applies_to=AppliesTo.ALL).first()
    assert standard is not None
    respondent = f"user:{who['staff'].user.id}"
    answer = answer_id(this_month(), respondent, standard.code)
    sheet = {
        "section_id": section,
        "period": this_month(),
        "respondent": respondent,
        "standard_code": standard.code,
        "result": "compliant",
    }
    assert (await who["staff"].push("self_check_answers", answer, "create", sheet))["status"] == "applied"

    wrong = []
    for role in ROLES:
        rows = await pulled(app, who[role])
        feedback_fields, gets_case, gets_answer = EXPECTED[role]
        got = frozenset(rows[comment]) if comment in rows else None
        if got != feedback_fields:
            wrong.append(f"{role} feedback: {sorted(got or [])}")
        if (case in rows) != gets_case or (gets_answer is not None and (answer in rows) != gets_answer):
            wrong.append(f"{role}: case {case in rows}, answer {answer in rows}")
    assert wrong == []
    audited = await AuditEvent.filter(action="feedback.contact.view", target_id=comment).values_list(
        "login", flat=True
    )
    receivers = sorted(who[r].user.login for r, (f, _, _) in EXPECTED.items() if f == ALL_FEEDBACK)
    assert sorted(audited) == receivers
