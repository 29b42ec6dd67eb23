"""A ward's own checklist from a sheet: previewed row by row, drafted as the next version (items keep
their keys where the sheet names them), reviewed and published in the editor; nothing answered changes."""

from __future__ import annotations

import html

import httpx

from server.inspections.templates import parse_body
from server.models import AuditEvent, InspectionTemplate, SampleContent, TemplateStatus
from tests.server.conftest import LoginAs, csrf_token, post_form

HEADER = "部,項目,種類,必須,単位,最小,最大,選択肢,キー\n"


async def upload(client: httpx.AsyncClient, template_id: int, content: bytes) -> httpx.Response:
    token = await csrf_token(client)
    return await client.post(
        f"/admin/templates/{template_id}/import",
        data={"_csrf_token": token},
        files={"file": ("checklist.csv", content, "text/csv")},
    )


async def test_a_sheet_becomes_the_next_version_with_keys_kept(login_as: LoginAs) -> None:
    admin = await login_as("demo-admin")
    in_use = await InspectionTemplate.get(family="amenity-tenken", status=TemplateStatus.PUBLISHED)
    sheet = (
        HEADER
        + "照明,待合・通路・トイレの照明に切れ・ちらつきがない,適否,○,,,,,shomei-01\n"
        + "照明,非常口の誘導灯が点灯している,適否,○,,,,,\n"
        + "授乳室,室温,数値,,℃,15,30,,\n"
        + "授乳室,おむつ替え台の状態,選択,,,,,良い｜要清掃｜故障,\n"
    )
    preview = await upload(admin, in_use.id, sheet.encode("utf-8"))
    assert preview.status_code == 200, preview.text
    statuses = [preview.text.count(f'data-status="{s}"') for s in ("reworded", "new", "error")]
    assert statuses == [1, 3, 0]
    assert await InspectionTemplate.filter(family="amenity-tenken").count() == 1  # nothing written yet

    payload = html.unescape(preview.text.split('name="payload" value="', 1)[1].split('"', 1)[0])
    made = await post_form(admin, f"/admin/templates/{in_use.id}/import/confirm", {"payload": payload})
    assert made.status_code == 302
    draft = await InspectionTemplate.get(family="amenity-tenken", status=TemplateStatus.DRAFT)
    assert made.headers["location"] == f"/admin/templates/{draft.id}" and draft.version == 2
    parts = parse_body(draft.body)
    old_parts = {p.title: p.key for p in parse_body(in_use.body)}
    assert [p.title for p in parts] == ["照明", "授乳室"]
    assert [p.key for p in parts] == [old_parts["照明"], old_parts["授乳室"]]  # parts keep their keys
    lights = parts[0].items
    assert lights[0].key == "shomei-01" and lights[0].text.startswith("待合・通路・トイレ")
    assert lights[1].key not in {i.key for p in parse_body(in_use.body) for i in p.items}
    room = parts[1].items
    assert (room[0].type, room[0].unit, room[0].min, room[0].max) == ("number", "℃", 15, 30)
    assert room[1].options == ("良い", "要清掃", "故障")
    # The version in use is untouched until the draft is published.
    assert (await InspectionTemplate.get(id=in_use.id)).body == in_use.body
    assert await AuditEvent.exists(action="inspection_template_imported")

    published = await post_form(admin, f"/admin/templates/{draft.id}/publish", {})
    assert published.status_code == 302
    assert (await SampleContent.get(key="template:amenity-tenken")).how == "replaced"


async def test_rows_with_problems_are_named_and_an_open_draft_is_never_overwritten(login_as: LoginAs) -> None:
    admin = await login_as("demo-admin")
    in_use = await InspectionTemplate.get(family="shokuba-tenken", status=TemplateStatus.PUBLISHED)
    bad = (
        HEADER
        + "窓口,,適否,,,,,,\n"  # no item text
        + "窓口,待ち人数,数値,,人,10,1,,\n"  # minimum above maximum
        + "窓口,名札,適否,,,,,,nai-key\n"  # a key the template never had
        + "窓口,案内,はんこ,,,,,,\n"  # no such kind of answer
    )
    preview = await upload(admin, in_use.id, bad.encode("utf-8"))
    assert preview.status_code == 422
    assert preview.text.count('data-status="error"') == 4
    assert "/import/confirm" not in preview.text

    good = (HEADER + "窓口,案内表示が見える位置にある,適否,○,,,,,\n").encode("utf-8")
    assert (await post_form(admin, f"/admin/templates/{in_use.id}/new-version", {})).status_code in (302, 303)
    preview = await upload(admin, in_use.id, good)
    assert preview.status_code == 200 and "/import/confirm" not in preview.text  # a draft is open
    payload = '[{"part": "窓口", "text": "案内表示が見える位置にある", "required": "○"}]'
    refused = await post_form(admin, f"/admin/templates/{in_use.id}/import/confirm", {"payload": payload})
    assert refused.status_code == 409
    draft = await InspectionTemplate.get(family="shokuba-tenken", status=TemplateStatus.DRAFT)
    assert draft.body == in_use.body  # the open draft keeps what the administrator had
