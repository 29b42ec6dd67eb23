"""A disagreement between two tablets, decided by the section chief in the browser."""

from __future__ import annotations

import uuid

from server.models import AuditEvent, SectionGoal, SyncConflict, SyncHistory, User
from tests.server.conftest import LoginAs, post_form
from tests.server.test_okuyami_wards import push, register_tablet, sign_out, sync_op
from tests.server.test_sync_api import Tablet, goal_fields


async def two_tablets_disagree(login_as: LoginAs) -> tuple[str, str]:
    client = await login_as("demo-staff")
    first, second = Tablet(client), Tablet(client)
    await first.register()
    await second.register()
    goal = str(uuid.uuid4())
    await first.push(first.op(goal, "create", await goal_fields()))
    await first.pull()
    await second.pull()
    await first.push(first.op(goal, "patch", {"target": "平均10分以内"}, base=1))
    answer = await second.push(
        second.op(goal, "patch", {"target": "平均15分以内", "progress": "案内係を配置"}, base=1)
    )
    result = answer.json()["results"][0]
    assert result["status"] == "conflict"
    await post_form(client, "/logout", {})
    return goal, result["conflict_ids"][0]


async def test_the_chief_sees_both_values_and_keeps_one(login_as: LoginAs) -> None:
    goal, conflict_id = await two_tablets_disagree(login_as)
    chief = await login_as("demo-chief")
    inbox = await chief.get("/conflicts")
    assert "平均10分以内" in inbox.text and "平均15分以内" in inbox.text and "目標値" in inbox.text
    detail = await chief.get(f"/conflicts/{conflict_id}")
    assert detail.text.count("data-candidate") == 2 and "デモ 係員" in detail.text and "窓口用" in detail.text
    projected = await SectionGoal.get(id=goal)
    assert projected.contested and projected.progress == "案内係を配置"  # the other field merged quietly
    keep = 0 if "平均15分以内" in detail.text.split("data-candidate")[1] else 1
    response = await post_form(chief, f"/conflicts/{conflict_id}", {"choice": f"keep:{keep}"})
    assert response.status_code == 302
    conflict = await SyncConflict.get(id=conflict_id)
    assert (conflict.status, conflict.resolved_by) == ("resolved", "demo-chief")
    projected = await SectionGoal.get(id=goal)
    assert projected.target == "平均15分以内" and not projected.contested
    assert await SyncHistory.filter(record_id=goal, kind="resolve", login="demo-chief").exists()
    assert await AuditEvent.filter(action="conflict_resolved", target_id=goal).exists()
    assert "判断が必要な競合はありません" in (await chief.get("/conflicts")).text


async def test_a_new_value_or_bulk_accepting_the_provisional_one(login_as: LoginAs) -> None:
    goal, conflict_id = await two_tablets_disagree(login_as)
    manager = await login_as("demo-manager")
    empty = await post_form(manager, f"/conflicts/{conflict_id}", {"choice": "edit", "value": " "})
    assert empty.status_code == 422 and "残す値を入力してください" in empty.text
    await post_form(manager, f"/conflicts/{conflict_id}", {"choice": "edit", "value": "平均12分以内"})
    assert (await SectionGoal.get(id=goal)).target == "平均12分以内"
    await post_form(manager, "/logout", {})
    goal2, conflict2 = await two_tablets_disagree(login_as)
    manager = await login_as("demo-manager")
    provisional = (await SyncConflict.get(id=conflict2)).provisional_value
    await post_form(manager, "/conflicts/accept", {"conflict_id": conflict2})
    assert (await SyncConflict.get(id=conflict2)).status == "resolved"
    assert f'"{(await SectionGoal.get(id=goal2)).target}"' == provisional


async def test_goals_can_be_edited_without_script_and_bad_input_keeps_the_text(login_as: LoginAs) -> None:
    staff = await login_as("demo-staff")
    created = await post_form(
        staff, "/goals/new", {"title": "電話の取次ぎを早くする", "target": "3コール以内"}
    )
    assert created.status_code == 302
    goal = await SectionGoal.get(title="電話の取次ぎを早くする")
    user = await User.get(login="demo-staff")
    assert goal.section_id == user.section_id
    page = await staff.get(f"/goals/{goal.id}")
    assert 'data-sync-table="section_goals"' in page.text and 'data-sync-version="1"' in page.text
    bad = await post_form(
        staff, f"/goals/{goal.id}", {"title": "", "target": "2コール以内", "base_version": "1"}
    )
    assert (
        bad.status_code == 422 and 'value="2コール以内"' in bad.text and "目標を入力してください" in bad.text
    )
    await post_form(
        staff, f"/goals/{goal.id}", {"title": goal.title, "target": "2コール以内", "base_version": "1"}
    )
    assert (await SectionGoal.get(id=goal.id)).target == "2コール以内"
    listing = await staff.get("/goals")
    assert "電話の取次ぎを早くする" in listing.text


async def test_a_desk_case_s_conflict_is_decided_by_the_desk_and_never_shown_to_a_manager(
    login_as: LoginAs,
) -> None:
    desk = await login_as("demo-okuyami")
    first, second = await register_tablet(desk), await register_tablet(desk)
    case = str(uuid.uuid4())
    created = {"visit_date": "2026-11-02", "notice_shown_at": "2026-11-02T01:00:00Z", "status": "open"}
    assert [
        r["status"] for r in await push(desk, first, [sync_op(first, 1, case, "create", created, None)])
    ] == ["applied"]
    # Both tablets change the family's answers without having seen each other's change.
    await push(
        desk, first, [sync_op(first, 2, case, "patch", {"answers": {"deceased.name_kanji": "高津 一郎"}}, 1)]
    )
    clash = await push(
        desk,
        second,
        [sync_op(second, 1, case, "patch", {"answers": {"deceased.name_kanji": "高津 次郎"}}, 1)],
    )
    assert clash[0]["status"] == "conflict", clash
    conflict_id = clash[0]["conflict_ids"][0]
    inbox = await desk.get("/conflicts")
    assert inbox.status_code == 200 and "おくやみ案件" in inbox.text and "高津 次郎" in inbox.text
    await sign_out(desk)

    # The family's data is not a manager's or a chief's to see, nor to decide.
    for login in ("demo-manager", "demo-chief"):
        other = await login_as(login)
        listed = (await other.get("/conflicts")).text
        assert "高津 一郎" not in listed and "高津 次郎" not in listed and "おくやみ案件" not in listed
        assert (await other.get(f"/conflicts/{conflict_id}")).status_code == 404
        refused = await post_form(other, f"/conflicts/{conflict_id}", {"choice": "keep:0"})
        assert refused.status_code == 404
        await sign_out(other)
    assert (await SyncConflict.get(id=conflict_id)).status == "open"

    desk = await login_as("demo-okuyami")
    decided = await post_form(desk, f"/conflicts/{conflict_id}", {"choice": "keep:0"})
    assert decided.status_code == 302
    assert (await SyncConflict.get(id=conflict_id)).status == "resolved"
    # A staff member with no inbox of their own has no way in at all.
    await sign_out(desk)
    staff = await login_as("demo-staff")
    assert (await staff.get("/conflicts")).status_code == 403
