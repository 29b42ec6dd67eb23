"""The family's guide on the desk tablet: what the server gives the tablet's engine (generated from the
Python reference, so the two cannot drift), the page that builds the guide (kept offline, holding no
answers), the case pages that are never kept, and the offline views audited when the tablet syncs.

The engines' agreement on every family scenario is tested in the browser
(tests/e2e/test_okuyami_guide_offline.py).
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import httpx
from litestar import Litestar

from server.calendar_ja import eras
from server.models import AuditEvent
from server.okuyami import intake
from server.okuyami.catalogue import DATA_FILE, default_catalogue
from server.okuyami.engine_data import CATALOGUE_PATH, INTAKE_PATH, intake_definitions
from server.okuyami.guide import EVENT_OF_ANCHOR
from server.okuyami.questions import QUESTIONS
from server.pwa import SHELL_ASSETS
from server.state import AppState
from server.templating import release_fingerprint
from tests.server.conftest import LoginAs, post_form
from tests.server.test_okuyami_desk import ANSWERS, HEADERS, start_case
from tests.server.test_okuyami_wards import register_tablet, sync_op

ROOT = Path(__file__).resolve().parents[2]
ENGINE_JS = sorted((ROOT / "static/js/okuyami").glob("*.js")) + [ROOT / "static/js/calendar-ja.js"]


async def test_the_engine_documents_are_the_python_definitions(client: httpx.AsyncClient) -> None:
    catalogue = await client.get(CATALOGUE_PATH)
    assert catalogue.status_code == 200 and catalogue.headers["content-type"].startswith("application/json")
    assert catalogue.json() == json.loads(DATA_FILE.read_text(encoding="utf-8"))
    served = (await client.get(INTAKE_PATH)).json()
    # Every definition the tablet reads, compared with the Python objects the reference engine uses.
    assert served["booleans"] == intake.BOOLEANS
    assert served["counts"] == intake.COUNTS
    assert served["count_max"] == intake.COUNT_MAX
    assert served["enums"] == {name: list(values) for name, values in intake.ENUMS.items()}
    assert served["enum_defaults"] == intake.ENUM_DEFAULTS
    assert served["required_dates"] == list(intake.REQUIRED_DATES)
    assert served["optional_dates"] == list(intake.OPTIONAL_DATES)
    dates = (served["birth"], served["death"], served["funeral"])
    assert dates == (intake.BIRTH, intake.DEATH, intake.FUNERAL)
    assert served["always_asked"] == intake.ALWAYS_ASKED
    assert served["household_total"] == intake.HOUSEHOLD_TOTAL
    assert served["household_parts"] == list(intake.HOUSEHOLD_PARTS)
    assert served["texts"] == list(intake.TEXTS) and served["text_max"] == intake.TEXT_MAX
    assert served["derived"] == intake.DERIVED and served["deceased_name"] == intake.DECEASED_NAME
    assert served["not_collected"] == intake.NOT_COLLECTED
    assert served["anchor_events"] == EVENT_OF_ANCHOR
    assert [tuple(era) for era in served["eras"]] == eras()
    assert [q["field"] for q in served["questions"]] == list(QUESTIONS)
    for question in served["questions"]:
        python = QUESTIONS[question["field"]]
        assert (question["kind"], question["required"]) == (python.kind, python.required)
        show_if = [python.show_if[0], list(python.show_if[1])] if python.show_if else None
        assert question["show_if"] == show_if
    # Every field a rule can read is defined for the tablet (the derived one is worked out there).
    rule_fields = set(served["booleans"]) | set(served["counts"]) | set(served["enums"]) | {served["derived"]}
    assert rule_fields == set(intake.RULE_FIELDS)
    anchors = {p.deadline.anchor for p in default_catalogue().procedures if p.deadline}
    assert anchors <= set(catalogue.json()["deadline_anchors"])


def test_the_tablet_engine_holds_no_copy_of_the_intake_fields() -> None:
    """A field name, a default or an era written into the JS would be a second definition that could
    drift from intake.py; the JS takes them all from the served definitions."""
    definitions = intake_definitions()
    names = set(intake.RULE_FIELDS) | set(QUESTIONS) | set(intake.TEXTS) | set(intake.NOT_COLLECTED)
    names |= {*intake.REQUIRED_DATES, *intake.OPTIONAL_DATES}
    values = {value for values in intake.ENUMS.values() for value in values} - {"none"}
    for path in ENGINE_JS:
        source = path.read_text(encoding="utf-8")
        assert not [n for n in names if f'"{n}"' in source or f"'{n}'" in source], path.name
        assert not [v for v in values if f'"{v}"' in source], path.name
        assert not [era for _, era, _ in definitions["eras"] if era in source], path.name
        # Rules come from a data file: they are parsed, never run.
        assert not re.search(r"\beval\s*\(|\bnew\s+Function\b|\bFunction\s*\(", source), path.name


def test_the_service_worker_keeps_the_engine_and_a_changed_rule_is_a_new_version() -> None:
    for path in ENGINE_JS:
        assert path.relative_to(ROOT / "static").as_posix() in SHELL_ASSETS
    document = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    document["procedures"][0]["applies_when"] = "true"
    changed = json.dumps(document).encode()
    assert release_fingerprint("r", changed) != release_fingerprint("r", DATA_FILE.read_bytes())


async def test_the_worker_precaches_the_engine_documents_with_the_release_version(
    app: Litestar, client: httpx.AsyncClient
) -> None:
    state: AppState = app.state.madoguchi
    version = state.asset_version
    worker = (await client.get("/sw.js")).text
    assert f'"{CATALOGUE_PATH}?v={version}"' in worker and f'"{INTAKE_PATH}?v={version}"' in worker
    assert '"/static/js/okuyami/guide-view.js?v=' in worker


async def test_case_pages_are_never_kept_and_the_tablet_s_guide_page_holds_no_answers(
    login_as: LoginAs,
) -> None:
    client = await login_as("demo-okuyami")
    case_id = await start_case(client)
    assert (await post_form(client, f"/okuyami/cases/{case_id}/intake", ANSWERS)).status_code == 302
    for path in ("/okuyami", f"/okuyami/cases/{case_id}", f"/okuyami/cases/{case_id}/intake"):
        page = await client.get(path)
        assert page.status_code == 200, path
        assert "no-store" in page.headers["cache-control"], path
        assert "x-madoguchi-user" not in page.headers, path  # the service worker keeps only tagged pages
    shell = await client.get("/okuyami/guide")
    assert shell.status_code == 200
    assert "no-store" not in shell.headers["cache-control"] and shell.headers["x-madoguchi-user"]
    assert "高津 太郎" not in shell.text and case_id not in shell.text
    assert 'data-rule-mode="refined_15plus"' in shell.text
    assert f'data-catalogue-url="{CATALOGUE_PATH}?v=' in shell.text
    assert "期限の定めなし" in shell.text  # the labels come translated from the template
    # The desk's list keeps the tablet's guide page for offline use.
    assert "/okuyami/guide" in (await client.get("/okuyami")).text


async def test_a_guide_viewed_or_printed_offline_is_audited_once_when_the_tablet_syncs(
    login_as: LoginAs,
) -> None:
    client = await login_as("demo-okuyami")
    client_id = await register_tablet(client)
    case_id = str(uuid.uuid4())
    created = {"visit_date": "2026-11-01", "notice_shown_at": "2026-11-01T01:00:00Z"}
    ops = [
        sync_op(client_id, 1, case_id, "create", created, None),
        *(
            sync_op(client_id, seq, case_id, "patch", fields, None)
            for seq, fields in [
                (2, {"answers": ANSWERS}),
                (3, {"tablet_views": "guide_viewed"}),
                (4, {"tablet_views": "guide_printed"}),
                (5, {"tablet_views": "guide_deleted"}),
            ]
        ),
    ]
    body = json.dumps({"client_id": client_id, "ops": ops})
    pushed = await client.post("/api/sync/v1/push", headers=HEADERS, content=body)
    assert [r["status"] for r in pushed.json()["results"]] == [
        "applied",
        "applied",
        "applied",
        "applied",
        "rejected",
    ], pushed.text
    # The same batch again (a tablet that never got the answer): nothing is audited twice.
    again = await client.post("/api/sync/v1/push", headers=HEADERS, content=body)
    assert {r["status"] for r in again.json()["results"]} <= {"duplicate", "rejected", "applied"}
    events = await AuditEvent.filter(target_id=case_id).order_by("id")
    assert [e.action for e in events] == [
        "okuyami.notice_shown",
        "okuyami.guide_viewed",
        "okuyami.guide_printed",
    ]
    viewed = events[1]
    assert viewed.login == "demo-okuyami"
    detail = viewed.detail if isinstance(viewed.detail, dict) else json.loads(str(viewed.detail))
    assert detail["on_tablet"] is True and detail["at"].startswith("2026-")


async def test_only_the_desk_may_report_a_view(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    client_id = str(uuid.uuid4())
    await client.post(
        "/api/sync/v1/clients", headers=HEADERS, content=json.dumps({"client_id": client_id, "label": "x"})
    )
    case_id = str(uuid.uuid4())
    view = {
        "op_id": str(uuid.uuid4()),
        "client_seq": 1,
        "hlc": f"{1790000000000:013d}:00000:{client_id}",
        "table": "okuyami_cases",
        "record_id": case_id,
        "kind": "patch",
        "base_version": None,
        "fields": {"tablet_views": "guide_viewed"},
    }
    pushed = await client.post(
        "/api/sync/v1/push", headers=HEADERS, content=json.dumps({"client_id": client_id, "ops": [view]})
    )
    assert pushed.json()["results"][0]["status"] == "rejected"
    assert not await AuditEvent.filter(target_id=case_id).exists()
