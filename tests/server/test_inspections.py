"""職場点検 on the server: seeded templates, answers from a tablet, scoring, locking, repeat findings, CSV."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

import httpx
import pytest
from litestar import Litestar
from pypdf import PdfReader

from server.i18n import LANGUAGE_COOKIE
from server.inspections.records import answer_id
from server.inspections.templates import items_of
from server.models import Inspection, InspectionAnswer, InspectionTemplate, SyncConflict, SyncRejected, User
from tests.server.conftest import LoginAs, post_form
from tests.server.deciding import decide

HEADERS = {"X-Madoguchi-Sync": "1", "Content-Type": "application/json"}


class Tablet:
    """A tablet speaking the sync API, as static/js/inspections.js does."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.client_id = str(uuid.uuid4())
        self.seq = 0
        self.ops: list[dict[str, Any]] = []

    def queue(
        self, table: str, record_id: str, kind: str, fields: dict[str, Any], base: int | None = None
    ) -> None:
        self.seq += 1
        self.ops.append(
            {
                "op_id": str(uuid.uuid4()),
                "client_seq": self.seq,
                "hlc": f"{1730000000000 + self.seq:013d}:00000:{self.client_id}",
                "table": table,
                "record_id": record_id,
                "kind": kind,
                "base_version": base,
                "fields": fields,
            }
        )

    async def sync(self) -> list[dict[str, Any]]:
        await self.client.post(
            "/api/sync/v1/clients", headers=HEADERS, content=json.dumps({"client_id": self.client_id})
        )
        response = await self.client.post(
            "/api/sync/v1/push",
            headers=HEADERS,
            content=json.dumps({"client_id": self.client_id, "ops": self.ops}),
        )
        assert response.status_code == 200, response.text
        self.ops = []
        results: list[dict[str, Any]] = response.json()["results"]
        return results


async def shokuba() -> InspectionTemplate:
    return await InspectionTemplate.get(family="shokuba-tenken", status="published")


async def start(tablet: Tablet, place: str = "2階 区民課 3番窓口") -> str:
    template = await shokuba()
    section = (await User.get(login="demo-staff")).section_id
    inspection = str(uuid.uuid4())
    tablet.queue(
        "inspections",
        inspection,
        "create",
        {
            "template_id": template.id,
            "section_id": section,
            "place": place,
            "status": "draft",
            "started_at": "2026-11-20T10:00:00+09:00",
        },
    )
    return inspection


def answer(tablet: Tablet, inspection: str, key: str, **fields: Any) -> str:
    record = answer_id(inspection, key)
    tablet.queue(
        "inspection_answers",
        record,
        "create",
        {"inspection_id": inspection, "item_key": key, "status": "draft", **fields},
    )
    return record


async def test_the_plan_s_two_templates_are_seeded_with_stable_item_keys(app: Litestar) -> None:
    templates = {t.family: t for t in await InspectionTemplate.filter(status="published")}
    assert {t.name for t in templates.values()} == {"職場点検", "区役所アメニティ点検"}
    shokuba_items = items_of(templates["shokuba-tenken"])
    amenity_items = items_of(templates["amenity-tenken"])
    assert 15 <= len(shokuba_items) <= 40 and 15 <= len(amenity_items) <= 40
    assert {i.type for i in shokuba_items.values()} >= {"pass_fail", "number", "date", "signature"}
    assert shokuba_items["mado-08"].unit == "人" and shokuba_items["mado-08"].max == 200
    assert templates["amenity-tenken"].frequency_months == 3


async def test_a_walk_through_is_scored_with_n_a_left_out_and_shown_on_its_page(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    tablet = Tablet(client)
    inspection = await start(tablet)
    answer(tablet, inspection, "mado-01", result="pass")
    answer(tablet, inspection, "mado-02", result="pass")
    answer(tablet, inspection, "mado-03", result="fail", note="記入例が古い")
    answer(tablet, inspection, "mado-04", result="na")
    answer(tablet, inspection, "mado-08", value=12)
    results = await tablet.sync()
    assert {r["status"] for r in results} == {"applied"}, results

    row = await Inspection.get(id=inspection)
    assert (row.passed, row.failed, row.not_applicable, row.answered) == (2, 1, 1, 5)
    page = await client.get(f"/inspections/{inspection}")
    assert page.status_code == 200
    # 2 pass of 3 applicable: the N/A item is not in the denominator (2/4 would be 50%).
    assert "67%" in page.text and "記入例が古い" in page.text
    listing = await client.get("/inspections")
    assert "2階 区民課 3番窓口" in listing.text and "67%（2/3）" in listing.text


async def test_bad_answers_are_refused_with_the_reason(login_as: LoginAs) -> None:
    tablet = Tablet(await login_as("demo-staff"))
    inspection = await start(tablet)
    answer(tablet, inspection, "mado-08", value=500)  # 0–200 people
    answer(tablet, inspection, "mado-01", result="maybe")
    tablet.queue(
        "inspection_answers",
        str(uuid.uuid4()),
        "create",
        {"inspection_id": inspection, "item_key": "mado-02", "result": "pass"},
    )
    answer(tablet, inspection, "no-such-item", result="pass")
    results = await tablet.sync()
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected", "rejected", "rejected"]
    assert "outside 0–200" in results[1]["error"]
    assert "derived from its inspection and item" in results[3]["error"]
    assert await SyncRejected.filter(table_name="inspection_answers").count() == 4
    assert await InspectionAnswer.filter(inspection_id=inspection).count() == 0


async def test_a_submitted_inspection_is_locked_and_a_late_edit_goes_to_review(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    first, second = Tablet(client), Tablet(client)
    inspection = await start(first)
    record = answer(first, inspection, "mado-01", result="pass")
    assert {r["status"] for r in await first.sync()} == {"applied"}
    # The second tablet saw the answer at version 1, then lost the network.
    first.queue("inspection_answers", record, "patch", {"status": "submitted"}, base=1)
    submitted = {"status": "submitted", "submitted_at": "2026-11-20T11:00:00+09:00"}
    first.queue("inspections", inspection, "patch", submitted, base=1)
    await first.sync()
    second.queue("inspection_answers", record, "patch", {"result": "fail", "note": "後から変更"}, base=1)
    await second.sync()

    stored = await InspectionAnswer.get(id=record)
    assert stored.result == "pass", "the submitted answer did not change"
    assert (await Inspection.get(id=inspection)).status == "submitted"
    conflicts = await SyncConflict.filter(record_id=record, status="open")
    assert conflicts, "the late edit is kept for review, not dropped"


SIGNED_PHOTO, LATE_PHOTO = "a1" * 32, "b2" * 32


@pytest.mark.parametrize("accept", [True, False])
async def test_photos_changed_after_submission_are_held_until_the_chief_decides(
    login_as: LoginAs, app: Litestar, accept: bool
) -> None:
    staff = await login_as("demo-staff")
    first, second = Tablet(staff), Tablet(staff)
    inspection = await start(first)
    record = answer(first, inspection, "mado-01", result="fail", note="掲示が古い", photos=[SIGNED_PHOTO])
    await first.sync()
    # The second tablet had the answer at version 1, then lost the network while the first submitted.
    first.queue("inspection_answers", record, "patch", {"status": "submitted"}, base=1)
    await first.sync()
    second.queue("inspection_answers", record, "set_add", {"photos": [LATE_PHOTO]}, base=1)
    second.queue("inspection_answers", record, "set_remove", {"photos": [SIGNED_PHOTO]}, base=1)
    results = await second.sync()
    assert [r["status"] for r in results] == ["conflict", "conflict"]
    assert json.loads((await InspectionAnswer.get(id=record)).photos) == [SIGNED_PHOTO], "kept as submitted"
    # The held photo is still wanted: the server asks for its bytes so the chief can look at it.
    assert LATE_PHOTO in await app.state.madoguchi.sync.missing_files()
    await post_form(staff, "/logout", {})

    chief = await login_as("demo-chief")
    inbox = await chief.get("/conflicts")
    row = next(part for part in inbox.text.split("<tr data-record=")[1:] if LATE_PHOTO in part)
    # One row for the answer, naming the inspection it belongs to, with the photos inside.
    assert "点検項目" in row and "写真" in row and "確定（署名）後に変更された" in row
    conflict_id = results[0]["conflict_ids"][0]
    detail = await chief.get(f"/conflicts/{conflict_id}")
    assert detail.status_code == 200
    assert 'data-change="added"' in detail.text and 'data-change="removed"' in detail.text
    assert "確定時の内容" in detail.text and "この変更を受け入れる" in detail.text
    assert "keep:" not in detail.text, "a set has no single value to keep"
    choice = "apply" if accept else "dismiss"
    response = await decide(chief, conflict_id, detail.text, choice=choice)
    assert response.status_code == 302
    conflict = await SyncConflict.get(id=conflict_id)
    assert (conflict.status, conflict.resolved_by) == ("resolved", "demo-chief")
    photos = json.loads((await InspectionAnswer.get(id=record)).photos)
    assert photos == ([LATE_PHOTO] if accept else [SIGNED_PHOTO])
    # Declined, the late photo is no longer wanted by any record; accepted, its bytes are still awaited.
    assert (LATE_PHOTO in await app.state.madoguchi.sync.missing_files()) is accept


async def test_the_same_item_failing_again_at_the_same_place_is_a_repeat_finding(login_as: LoginAs) -> None:
    tablet = Tablet(await login_as("demo-staff"))
    earlier = await start(tablet, place="1階 待合")
    answer(tablet, earlier, "seiri-01", result="fail", note="段ボールが通路に")
    later = await start(tablet, place="1階 待合")
    repeat = answer(tablet, later, "seiri-01", result="fail", note="また段ボール")
    elsewhere = await start(tablet, place="3階 会議室")
    other = answer(tablet, elsewhere, "seiri-01", result="fail", note="段ボール")
    await tablet.sync()
    assert (await InspectionAnswer.get(id=repeat)).repeat is True
    assert (await InspectionAnswer.get(id=other)).repeat is False


async def test_csv_export_has_one_row_per_item_and_opens_in_excel(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    tablet = Tablet(client)
    inspection = await start(tablet)
    answer(tablet, inspection, "mado-03", result="fail", note="記入例が古い")
    await tablet.sync()
    response = await client.get("/inspections/export.csv")
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    template = await shokuba()
    assert len(rows) == 1 + len(items_of(template))
    failed = [r for r in rows if r[10] == "mado-03"]
    assert failed[0][12] == "不適" and failed[0][14] == "記入例が古い" and failed[0][3] == "区民課"


async def test_list_filters_keep_their_values_in_the_address(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    tablet = Tablet(client)
    await start(tablet, place="地下 書庫")
    await tablet.sync()
    other_section = (await User.get(login="demo-manager")).section_id
    hidden = await client.get("/inspections", params={"section": other_section})
    assert "地下 書庫" not in hidden.text
    shown = await client.get("/inspections", params={"status": "draft", "month_from": "2026-11"})
    assert "地下 書庫" in shown.text
    fragment = await client.get(
        "/inspections", params={"status": "submitted"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in fragment.text and "地下 書庫" not in fragment.text
    nonsense = await client.get("/inspections", params={"month_from": "soon", "status": "<script>"})
    assert nonsense.status_code == 200


async def test_walk_page_renders_every_item_for_the_tablet(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    template = await shokuba()
    page = await client.get(f"/inspections/walk/{template.id}")
    assert page.status_code == 200
    assert page.text.count("data-item ") == len(items_of(template))
    assert 'data-key="mado-08"' in page.text and 'data-max="200"' in page.text
    assert (await client.get("/inspections/walk/999999")).status_code == 404


async def test_on_the_english_screen_items_read_in_english_and_answers_keep_the_japanese_value(
    login_as: LoginAs,
) -> None:
    client = await login_as("demo-staff")
    template = await shokuba()
    client.cookies.set(LANGUAGE_COOKIE, "en")
    page = await client.get(f"/inspections/walk/{template.id}")
    assert "Staff wear their name badges where they can be seen" in page.text
    assert "職員が名札を見える位置に着用している" not in page.text
    assert "Visitors waiting" in page.text and "（people）" in page.text
    # A choice is shown in English and stored in Japanese, so results compare across languages.
    assert 'value="文字が小さい" data-choice> Text too small</label>' in page.text
    assert "At the counter" in page.text
    client.cookies.set(LANGUAGE_COOKIE, "ja")
    japanese = await client.get(f"/inspections/walk/{template.id}")
    assert "職員が名札を見える位置に着用している" in japanese.text and "Visitors waiting" not in japanese.text


async def test_the_report_is_a_pdf_with_japanese_text(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    tablet = Tablet(client)
    inspection = await start(tablet)
    answer(tablet, inspection, "mado-03", result="fail", note="記入例が古い")
    answer(
        tablet, inspection, "anzen-07", value={"w": 600, "h": 200, "strokes": [[10, 10, 200, 150, 400, 20]]}
    )
    await tablet.sync()
    response = await client.get(f"/inspections/{inspection}/report.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("職場点検", "2階 区民課 3番窓口", "記入例が古い", "不適の項目（1件）", "区民課"):
        assert expected in text
