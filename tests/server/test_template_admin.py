"""The inspection template editor: versions, stable item keys, validation at the field, admin only."""

from __future__ import annotations

import re
import uuid

import httpx

from server.inspections.templates import ANSWER_TYPES, FREQUENCIES, items_of, parse_body, published
from server.models import AuditEvent, Inspection, InspectionTemplate, TemplateStatus
from server.template_admin.forms import FREQUENCY_LABELS, TYPE_LABELS
from tests.server.conftest import LoginAs, post_form

FAMILY = "shokuba-tenken"


async def _published() -> InspectionTemplate:
    return await InspectionTemplate.get(family=FAMILY, status=TemplateStatus.PUBLISHED)


async def _new_draft(client: httpx.AsyncClient) -> InspectionTemplate:
    current = await _published()
    response = await post_form(client, f"/admin/templates/{current.id}/new-version", {})
    assert response.status_code in {302, 303}
    return await InspectionTemplate.get(family=FAMILY, status=TemplateStatus.DRAFT)


def _item_data(part: str, text: str, **extra: str) -> dict[str, str]:
    return {"part": part, "text": text, "type": "pass_fail", "required": "on", **extra}


def test_every_answer_type_and_frequency_has_a_label() -> None:
    assert set(TYPE_LABELS) == set(ANSWER_TYPES)
    assert set(FREQUENCY_LABELS) == set(FREQUENCIES)


async def test_admin_sees_each_template_with_its_versions(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    response = await client.get("/admin/templates")
    assert response.status_code == 200
    assert "職場点検" in response.text and "第1版" in response.text and "使用中" in response.text


async def test_new_version_copies_the_published_one_and_only_one_draft_is_open(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    current = await _published()
    draft = await _new_draft(client)
    assert draft.version == current.version + 1
    assert draft.body == current.body and draft.name == current.name
    again = await post_form(client, f"/admin/templates/{current.id}/new-version", {})
    assert again.headers["location"] == f"/admin/templates/{draft.id}"
    assert await InspectionTemplate.filter(family=FAMILY, status=TemplateStatus.DRAFT).count() == 1
    page = await client.get(f"/admin/templates/{draft.id}")
    assert "下書き" in page.text and "公開" in page.text
    # Every form on the editor posts its CSRF token, so each works without script.
    forms = re.findall(r"<form\b.*?</form>", page.text, re.S)
    assert len(forms) > 10 and all('name="_csrf_token"' in form for form in forms)


async def test_reworded_item_keeps_its_key_and_a_new_item_gets_a_new_one(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    old = await _published()
    old_body = old.body
    draft = await _new_draft(client)
    first_part = parse_body(draft.body)[0]
    kept = first_part.items[0]
    response = await post_form(
        client,
        f"/admin/templates/{draft.id}/items/{kept.key}",
        _item_data(first_part.key, "案内表示が来庁者から見やすい位置にある（改訂）"),
    )
    assert response.status_code in {302, 303}, response.text
    response = await post_form(
        client, f"/admin/templates/{draft.id}/items/new", _item_data(first_part.key, "消毒液が補充されている")
    )
    assert response.status_code in {302, 303}, response.text
    new_key = response.headers["location"].split("#item-")[1]
    every_old_key = set(items_of(old))
    assert new_key.startswith(f"{FAMILY}-") and new_key not in every_old_key

    # An inspection done with the old version keeps pointing at it.
    done = await Inspection.create(id=uuid.uuid4(), template_id=old.id, family=FAMILY, status="submitted")
    response = await post_form(client, f"/admin/templates/{draft.id}/publish", {})
    assert response.status_code in {302, 303}, response.text

    retired = await InspectionTemplate.get(id=old.id)
    new = await InspectionTemplate.get(id=draft.id)
    assert retired.status == TemplateStatus.RETIRED and retired.body == old_body
    assert new.status == TemplateStatus.PUBLISHED and new.published_by == "demo-admin"
    assert [t.id for t in await published() if t.family == FAMILY] == [new.id]
    new_items = items_of(new)
    assert new_items[kept.key].text == "案内表示が来庁者から見やすい位置にある（改訂）"
    assert items_of(retired)[kept.key].text == kept.text
    assert new_items[new_key].text == "消毒液が補充されている"
    assert (await Inspection.get(id=done.id)).template_id == old.id
    event = await AuditEvent.get(action="inspection_template_published", target_id=str(new.id))
    assert event.detail["retired"] == [old.id]

    # The next version keeps both keys, and yet another new item gets a key used by no version.
    newer = await _new_draft(client)
    assert set(items_of(newer)) == set(new_items)
    response = await post_form(
        client, f"/admin/templates/{newer.id}/items/new", _item_data(first_part.key, "もう一つの項目")
    )
    third_key = response.headers["location"].split("#item-")[1]
    assert third_key not in set(new_items) | every_old_key


async def test_a_removed_draft_item_key_is_not_handed_out_again(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    draft = await _new_draft(client)
    part = parse_body(draft.body)[0].key
    keys = []
    for text in ("一つ目", "二つ目"):
        response = await post_form(client, f"/admin/templates/{draft.id}/items/new", _item_data(part, text))
        keys.append(response.headers["location"].split("#item-")[1])
        await post_form(client, f"/admin/templates/{draft.id}/items/{keys[-1]}/delete", {})
    assert keys[0] != keys[1]
    assert not set(keys) & set(items_of(await InspectionTemplate.get(id=draft.id)))


async def test_bad_item_keeps_what_was_typed_and_explains_each_field(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    draft = await _new_draft(client)
    part = parse_body(draft.body)[0].key
    before = draft.body
    response = await post_form(
        client,
        f"/admin/templates/{draft.id}/items/new",
        {"part": part, "text": "室温", "type": "number", "unit": "℃", "min": "30", "max": "ten"},
    )
    assert response.status_code == 422
    assert "数値を入力してください" in response.text and 'id="f-max-error"' in response.text
    assert 'value="ten"' in response.text and "室温" in response.text and 'value="℃"' in response.text
    response = await post_form(
        client,
        f"/admin/templates/{draft.id}/items/new",
        {"part": part, "text": "室温", "type": "number", "min": "30", "max": "10"},
    )
    assert response.status_code == 422 and "最大値は最小値以上" in response.text
    response = await post_form(
        client,
        f"/admin/templates/{draft.id}/items/new",
        {"part": part, "text": "", "type": "single_choice", "options": "はい", "standard": "SB-99"},
    )
    assert response.status_code == 422
    text = response.text
    assert 'id="f-text-error"' in text and 'id="f-options-error"' in text and 'id="f-standard-error"' in text
    assert "選択肢を2つ以上" in text and "はい</textarea>" in text
    assert (await InspectionTemplate.get(id=draft.id)).body == before


async def test_choice_item_with_a_linked_standard_is_saved(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    draft = await _new_draft(client)
    part = parse_body(draft.body)[0].key
    response = await post_form(
        client,
        f"/admin/templates/{draft.id}/items/new",
        {
            "part": part,
            "text": "名札の着用状況",
            "type": "single_choice",
            "options": "全員\n一部\n\nなし\n",
            "standard": "sb-01",
            "min": "5",
        },
    )
    assert response.status_code in {302, 303}, response.text
    key = response.headers["location"].split("#item-")[1]
    item = items_of(await InspectionTemplate.get(id=draft.id))[key]
    assert item.options == ("全員", "一部", "なし") and item.standard == "SB-01"
    assert item.min is None and not item.required


async def test_published_and_retired_versions_cannot_be_changed(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    current = await _published()
    part = parse_body(current.body)[0]
    response = await post_form(
        client, f"/admin/templates/{current.id}/items/{part.items[0].key}", _item_data(part.key, "書き換え")
    )
    assert response.status_code == 409 and "下書きだけ" in response.text
    response = await post_form(client, f"/admin/templates/{current.id}/publish", {})
    assert response.status_code == 409
    assert (await InspectionTemplate.get(id=current.id)).body == current.body


async def test_parts_are_added_renamed_reordered_and_removed(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    draft = await _new_draft(client)
    titles = [p.title for p in parse_body(draft.body)]
    response = await post_form(client, f"/admin/templates/{draft.id}/parts/new", {"title": ""})
    assert response.status_code == 422 and "見出しを入力してください" in response.text
    response = await post_form(client, f"/admin/templates/{draft.id}/parts/new", {"title": "トイレ"})
    assert response.status_code in {302, 303}
    key = response.headers["location"].split("#part-")[1]
    response = await post_form(
        client, f"/admin/templates/{draft.id}/parts/{key}", {"title": "トイレ・洗面所"}
    )
    await post_form(client, f"/admin/templates/{draft.id}/parts/{key}/move", {"direction": "up"})
    parts = parse_body((await InspectionTemplate.get(id=draft.id)).body)
    assert [p.title for p in parts] == [*titles[:-1], "トイレ・洗面所", titles[-1]]
    # A part with items is kept; an empty one goes.
    response = await post_form(client, f"/admin/templates/{draft.id}/parts/{parts[0].key}/delete", {})
    assert response.status_code == 409
    await post_form(client, f"/admin/templates/{draft.id}/parts/{key}/delete", {})
    assert [p.title for p in parse_body((await InspectionTemplate.get(id=draft.id)).body)] == titles


async def test_items_move_within_their_part(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    draft = await _new_draft(client)
    part = parse_body(draft.body)[0]
    first, second = part.items[0].key, part.items[1].key
    await post_form(client, f"/admin/templates/{draft.id}/items/{first}/move", {"direction": "down"})
    await post_form(client, f"/admin/templates/{draft.id}/items/{first}/move", {"direction": "sideways"})
    items = parse_body((await InspectionTemplate.get(id=draft.id)).body)[0].items
    assert [i.key for i in items[:2]] == [second, first]


async def test_a_new_template_is_drafted_filled_and_published(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    response = await post_form(
        client, "/admin/templates/new", {"family": "Bad Code!", "name": "防災点検", "frequency": "quarterly"}
    )
    assert response.status_code == 422 and 'value="防災点検"' in response.text
    assert 'id="f-family-error"' in response.text
    response = await post_form(
        client, "/admin/templates/new", {"family": FAMILY, "name": "重複", "frequency": "monthly"}
    )
    assert response.status_code == 422 and "既にあります" in response.text
    response = await post_form(
        client, "/admin/templates/new", {"family": "bosai", "name": "防災点検", "frequency": "quarterly"}
    )
    assert response.status_code in {302, 303}
    draft = await InspectionTemplate.get(family="bosai")
    assert draft.version == 1 and draft.status == TemplateStatus.DRAFT and draft.frequency_months == 3
    response = await post_form(client, f"/admin/templates/{draft.id}/publish", {})
    assert response.status_code == 409 and "項目を1つ以上" in response.text
    response = await post_form(client, f"/admin/templates/{draft.id}/parts/new", {"title": "避難経路"})
    part = response.headers["location"].split("#part-")[1]
    await post_form(
        client, f"/admin/templates/{draft.id}/items/new", _item_data(part, "避難経路に物が置かれていない")
    )
    await post_form(
        client, f"/admin/templates/{draft.id}/details", {"name": "防災点検", "frequency": "half_yearly"}
    )
    response = await post_form(client, f"/admin/templates/{draft.id}/publish", {})
    assert response.status_code in {302, 303}
    done = await InspectionTemplate.get(id=draft.id)
    assert done.status == TemplateStatus.PUBLISHED and done.frequency_months == 6


async def test_bad_details_are_shown_at_the_field(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    draft = await _new_draft(client)
    response = await post_form(
        client, f"/admin/templates/{draft.id}/details", {"name": "", "name_en": "Kept", "frequency": "weekly"}
    )
    assert response.status_code == 422
    assert 'id="f-name-error"' in response.text and 'id="f-frequency-error"' in response.text
    assert 'value="Kept"' in response.text


async def test_only_the_system_administrator_edits_templates(login_as: LoginAs) -> None:
    client = await login_as("demo-manager")
    assert (await client.get("/admin/templates")).status_code == 403
    current = await _published()
    assert (await post_form(client, f"/admin/templates/{current.id}/new-version", {})).status_code == 403
    assert not await InspectionTemplate.exists(family=FAMILY, status=TemplateStatus.DRAFT)


async def test_a_retired_version_is_not_copied_and_a_draft_can_be_discarded(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    old = await _published()
    draft = await _new_draft(client)
    assert (await post_form(client, f"/admin/templates/{draft.id}/publish", {})).status_code in {302, 303}
    response = await post_form(client, f"/admin/templates/{old.id}/new-version", {})
    assert response.status_code == 409 and "使用中の版から" in response.text
    assert "廃止" in (await client.get(f"/admin/templates/{old.id}")).text
    newer = await _new_draft(client)
    response = await post_form(client, f"/admin/templates/{newer.id}/discard", {})
    assert response.headers["location"] == "/admin/templates"
    assert not await InspectionTemplate.exists(id=newer.id)
    assert (await _published()).id == draft.id


async def test_number_item_accepts_full_width_digits_and_keeps_whole_numbers(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    draft = await _new_draft(client)
    part = parse_body(draft.body)[0].key
    response = await post_form(
        client,
        f"/admin/templates/{draft.id}/items/new",
        {"part": part, "text": "室温", "type": "number", "unit": "℃", "min": "１０", "max": "28.5"},
    )
    assert response.status_code in {302, 303}, response.text
    key = response.headers["location"].split("#item-")[1]
    item = items_of(await InspectionTemplate.get(id=draft.id))[key]
    assert (item.min, item.max, item.unit) == (10, 28.5, "℃") and isinstance(item.min, int)
    form = await client.get(f"/admin/templates/{draft.id}/items/{key}")
    assert 'value="10"' in form.text and 'value="28.5"' in form.text


async def test_an_item_edited_in_place_comes_back_as_a_form_or_as_the_redrawn_list(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    draft = await _new_draft(client)
    part = parse_body(draft.body)[0]
    key = part.items[0].key
    htmx = {"HX-Request": "true"}
    opened = await client.get(f"/admin/templates/{draft.id}/items/{key}", headers=htmx)
    assert "<html" not in opened.text and f'hx-target="#item-{key}-editor"' in opened.text
    refused = await post_form(
        client, f"/admin/templates/{draft.id}/items/{key}", _item_data(part.key, ""), headers=htmx
    )
    assert refused.status_code == 422 and "<html" not in refused.text and 'id="f-text-error"' in refused.text
    saved = await post_form(
        client,
        f"/admin/templates/{draft.id}/items/{key}",
        _item_data(part.key, "言い換えた項目"),
        headers=htmx,
    )
    assert saved.status_code == 200 and saved.headers["HX-Retarget"] == "#editor-parts"
    assert 'id="editor-parts"' in saved.text and "言い換えた項目" in saved.text
    assert items_of(await InspectionTemplate.get(id=draft.id))[key].text == "言い換えた項目"


async def test_an_item_s_english_wording_is_saved_and_choices_must_pair_up(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    draft = await _new_draft(client)
    part = parse_body(draft.body)[0].key
    base = {"part": part, "text": "待合の混雑", "type": "single_choice", "options": "空いている\n混雑"}
    mismatched = await post_form(
        client,
        f"/admin/templates/{draft.id}/items/new",
        {**base, "text_en": "Waiting area", "options_en": "Quiet\nCrowded\nVery crowded"},
    )
    assert mismatched.status_code == 422 and "同じ数を同じ順に" in mismatched.text
    assert "Very crowded" in mismatched.text, "what was typed comes back"
    saved = await post_form(
        client,
        f"/admin/templates/{draft.id}/items/new",
        {**base, "text_en": "Waiting area", "options_en": "Quiet\nCrowded"},
    )
    assert saved.status_code in {302, 303}
    key = saved.headers["location"].split("#item-")[1]
    item = items_of(await InspectionTemplate.get(id=draft.id))[key]
    assert (item.text_en, item.options_en) == ("Waiting area", ("Quiet", "Crowded"))
    assert item.option_label("混雑", "en") == "Crowded" and item.option_label("混雑", "ja") == "混雑"
    form = await client.get(f"/admin/templates/{draft.id}/items/{key}")
    assert "Waiting area" in form.text and "Quiet\nCrowded" in form.text
    # The seeded templates come with their English wording.
    seeded = items_of(await _published())
    assert all(i.text_en for i in seeded.values())
