"""The plan lists no standards or checklists: Madoguchi's seeded ones are marked as samples until an
administrator adopts them or replaces them, for instance with the city's standards from a sheet."""

from __future__ import annotations

import html
import io

import httpx
from openpyxl import Workbook

from server.models import AuditEvent, SampleContent, ServiceStandard, ServiceStandardVersion
from tests.server.conftest import LoginAs, csrf_token, post_form

SAMPLE = "サンプル（区の基準に置き換えてください）"
HEADER = "コード,基準,グループ,グループ名,対象\n"


async def upload(client: httpx.AsyncClient, name: str, content: bytes) -> httpx.Response:
    token = await csrf_token(client)
    return await client.post(
        "/admin/standards/import", data={"_csrf_token": token}, files={"file": (name, content, "text/csv")}
    )


async def test_seeded_catalogues_are_marked_until_adopted(login_as: LoginAs) -> None:
    admin = await login_as("demo-admin")
    standards = await admin.get("/admin/standards")
    assert SAMPLE in standards.text and "data-sample" in standards.text
    templates = await admin.get("/admin/templates")
    assert templates.text.count("data-sample") == 2  # 職場点検 and アメニティ点検

    assert (await post_form(admin, "/admin/standards/adopt", {})).status_code == 302
    assert SAMPLE not in (await admin.get("/admin/standards")).text
    adopted = await SampleContent.get(key="standards")
    assert adopted.adopted_by == "demo-admin" and adopted.how == "adopted"
    assert await AuditEvent.exists(action="sample_adopted", target_type="service_standard")
    # The checklists stay samples until they are adopted or replaced themselves.
    assert (await admin.get("/admin/templates")).text.count("data-sample") == 2


async def test_the_city_s_standards_come_in_from_a_csv_as_new_versions(login_as: LoginAs) -> None:
    admin = await login_as("demo-admin")
    first = await ServiceStandard.get(code="SB-02")
    sheet = (
        HEADER
        + "SB-01,名札を見える位置に着用し、フルネームを名乗っている,,,全職員\n"
        + f"SB-02,{first.text},{first.group_key},,全職員\n"
        + "SB-31,手話・筆談での応対ができることを案内している,hairyo,配慮,窓口\n"
    )
    preview = await upload(admin, "city.csv", ("\ufeff" + sheet).encode("utf-8"))
    assert preview.status_code == 422
    assert 'data-row="2" data-status="error"' in preview.text  # SB-01 has no group: the row says so
    sheet = sheet.replace(
        "SB-01,名札を見える位置に着用し、フルネームを名乗っている,,",
        f"SB-01,名札を見える位置に着用し、フルネームを名乗っている,{first.group_key},",
    )
    preview = await upload(admin, "city.csv", sheet.encode("utf-8"))
    assert preview.status_code == 200
    assert 'data-row="2" data-status="changed"' in preview.text
    assert 'data-row="3" data-status="same"' in preview.text
    assert 'data-row="4" data-status="new"' in preview.text
    assert await ServiceStandard.filter(code="SB-31").count() == 0  # a preview writes nothing

    payload = preview.text.split('name="payload" value="', 1)[1].split('"', 1)[0]
    confirmed = await post_form(
        admin, "/admin/standards/import/confirm", {"payload": html.unescape(payload), "retire_missing": "1"}
    )
    assert confirmed.status_code == 302 and confirmed.headers["location"] == "/admin/standards?imported=2"
    reworded = await ServiceStandard.get(code="SB-01")
    assert reworded.version == 2 and reworded.text == "名札を見える位置に着用し、フルネームを名乗っている"
    # The old wording is kept: answers given against version 1 keep it.
    assert await ServiceStandardVersion.filter(standard_id=reworded.id).count() == 2
    new = await ServiceStandard.get(code="SB-31")
    assert new.group_name == "配慮" and new.applies_to == "counter" and new.active
    assert (await ServiceStandard.get(code="SB-03")).active is False  # not listed, retired as asked
    assert (await ServiceStandard.get(code="SB-02")).version == 1  # unchanged row, no new version
    assert (await SampleContent.get(key="standards")).how == "imported"
    event = await AuditEvent.get(action="standards_imported")
    assert event.detail["written"] == 2 and "SB-03" in event.detail["retired"]


async def test_a_sheet_with_problems_names_each_row_and_writes_nothing(login_as: LoginAs) -> None:
    admin = await login_as("demo-admin")
    before = await ServiceStandard.all().count()
    group = (await ServiceStandard.get(code="SB-01")).group_key
    sheet = HEADER + f"SB-40,,{group},,全職員\nSB-41,待たせない,{group},,係長\nSB-41,重複,{group},,窓口\n"
    preview = await upload(admin, "bad.csv", sheet.encode("utf-8"))
    assert preview.status_code == 422
    assert "職員に表示する文を入力してください。" in preview.text
    assert "「対象」は全職員・窓口・電話のいずれかにしてください。" in preview.text
    assert 'data-row="4" data-status="error"' in preview.text
    assert "/admin/standards/import/confirm" not in preview.text
    tampered = await post_form(admin, "/admin/standards/import/confirm", {"payload": '[{"code": 1}]'})
    assert tampered.status_code == 422
    assert await ServiceStandard.all().count() == before


async def test_excel_and_shift_jis_sheets_are_read_and_other_files_refused(login_as: LoginAs) -> None:
    admin = await login_as("demo-admin")
    group = (await ServiceStandard.get(code="SB-01")).group_key
    book = Workbook()
    book.active.append(["コード", "基準", "グループ", "対象"])
    book.active.append(["SB-50", "電話は3コール以内に出ている", group, "電話"])
    xlsx = io.BytesIO()
    book.save(xlsx)
    preview = await upload(admin, "city.xlsx", xlsx.getvalue())
    assert preview.status_code == 200 and 'data-status="new"' in preview.text and "SB-50" in preview.text

    shift_jis = (HEADER + f"SB-51,来庁者を名前で呼ぶときは確認している,{group},,全職員\n").encode("cp932")
    preview = await upload(admin, "city.csv", shift_jis)
    assert preview.status_code == 200 and "来庁者を名前で呼ぶときは確認している" in preview.text

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    refused = await upload(admin, "photo.png", png)
    assert refused.status_code == 422 and 'role="alert"' in refused.text
