"""A disagreement between two tablets, decided by the section chief in the browser."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from litestar import Litestar

from server.conflicts import service
from server.models import AuditEvent, SectionGoal, SyncConflict, SyncHistory, User
from sync import Kind
from tests.server.conftest import LoginAs, post_form
from tests.server.deciding import accept_all, decide, inbox_form, keep_choices
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
    response = await decide(chief, conflict_id, detail.text, choice=keep_choices(detail.text)[keep])
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
    empty = await decide(manager, conflict_id, choice="edit", value=" ")
    assert empty.status_code == 422 and "残す値を入力してください" in empty.text
    await decide(manager, conflict_id, choice="edit", value="平均12分以内")
    assert (await SectionGoal.get(id=goal)).target == "平均12分以内"
    await post_form(manager, "/logout", {})
    goal2, conflict2 = await two_tablets_disagree(login_as)
    manager = await login_as("demo-manager")
    provisional = (await SyncConflict.get(id=conflict2)).provisional_value
    inbox = (await manager.get("/conflicts")).text
    await accept_all(manager, inbox_form(inbox, conflict2))
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
    page = (await desk.get(f"/conflicts/{conflict_id}")).text
    decided = await decide(desk, conflict_id, page, choice=keep_choices(page)[0])
    assert decided.status_code == 302
    assert (await SyncConflict.get(id=conflict_id)).status == "resolved"
    # A staff member with no inbox of their own has no way in at all.
    await sign_out(desk)
    staff = await login_as("demo-staff")
    assert (await staff.get("/conflicts")).status_code == 403


ARRIVED = "確認中に新しい値が届きました"


async def a_third_value_arrives(app: Litestar, goal: str, value: str = "平均20分以内") -> None:
    """Another tablet's value, written without having seen the other two (base version 1)."""
    staff = await User.get(login="demo-staff")
    result = await app.state.madoguchi.sync.web_write(
        staff, "section_goals", goal, Kind.PATCH, {"target": value}, 1
    )
    assert result["status"] == "conflict"


@pytest.mark.parametrize("decision", ["keep", "edit", "accept_all"])
async def test_a_value_that_arrived_after_the_reviewer_looked_keeps_the_conflict_open(
    login_as: LoginAs, app: Litestar, decision: str
) -> None:
    goal, conflict_id = await two_tablets_disagree(login_as)
    manager = await login_as("demo-manager")
    looked = (
        await manager.get("/conflicts" if decision == "accept_all" else f"/conflicts/{conflict_id}")
    ).text
    provisional_before = (await SectionGoal.get(id=goal)).target
    await a_third_value_arrives(app, goal)
    if decision == "keep":
        # The manager chose the first value shown; whatever the list looks like now, it is not applied.
        answer = await decide(manager, conflict_id, looked, choice=keep_choices(looked)[0])
    elif decision == "edit":
        answer = await decide(manager, conflict_id, looked, choice="edit", value="平均12分以内")
    else:
        answer = await accept_all(manager, inbox_form(looked, conflict_id))
    assert answer.status_code == 409
    assert ARRIVED in answer.text and "平均20分以内" in answer.text, "shown again, with the new value"
    if decision == "edit":
        assert 'value="平均12分以内"' in answer.text, "what the manager typed is kept"
    conflict = await SyncConflict.get(id=conflict_id)
    assert conflict.status == "open"
    assert {c["value"] for c in json.loads(conflict.candidates)} == {
        "平均10分以内",
        "平均15分以内",
        "平均20分以内",
    }
    assert not await SyncHistory.filter(record_id=goal, kind="resolve").exists()
    assert (await SectionGoal.get(id=goal)).target in (provisional_before, "平均20分以内")

    # Looking again, the decision is taken on the three values now shown.
    again = (await manager.get(f"/conflicts/{conflict_id}")).text
    first = "平均10分以内" if again.index("平均10分以内") < again.index("平均15分以内") else "平均15分以内"
    done = await decide(manager, conflict_id, again, choice=keep_choices(again)[0])
    assert done.status_code == 302
    assert (await SyncConflict.get(id=conflict_id)).status == "resolved"
    assert (await SectionGoal.get(id=goal)).target == first


async def test_a_decision_sent_with_an_older_version_settles_only_the_values_seen(
    login_as: LoginAs, app: Litestar
) -> None:
    """The engine's own guarantee, should a value arrive between the check and the write: accepting the
    provisional value keeps the one the reviewer saw, and the later value stays open for review."""
    goal, conflict_id = await two_tablets_disagree(login_as)
    state = app.state.madoguchi
    conflict = await service.conflict_for(await User.get(login="demo-manager"), conflict_id)
    assert conflict is not None
    seen = (await service.record_of(state, conflict)).version
    shown = conflict.provisional_value
    await a_third_value_arrives(app, goal, "平均99分以内")  # a later clock stamp: provisional now
    manager = await User.get(login="demo-manager")
    await service.resolve(state, manager, conflict, "dismiss", {}, seen)
    still = await SyncConflict.get(record_id=goal, status="open")
    assert {c["value"] for c in json.loads(still.candidates)} == {shown, "平均99分以内"}


async def deleted_while_disputed(login_as: LoginAs, app: Litestar) -> tuple[str, str]:
    goal, conflict_id = await two_tablets_disagree(login_as)
    staff = await User.get(login="demo-staff")
    sync = app.state.madoguchi.sync
    version = (await sync.store.get_records([("section_goals", goal)]))[("section_goals", goal)].version
    deleted = await sync.web_write(staff, "section_goals", goal, Kind.DELETE, {}, version)
    assert deleted["status"] == "applied"
    return goal, conflict_id


async def open_on(goal: str) -> list[str]:
    return [c.kind for c in await SyncConflict.filter(record_id=goal, status="open")]


@pytest.mark.parametrize("decision", ["keep", "accept_all"])
async def test_deciding_a_field_of_a_deleted_record_closes_it_without_opening_another(
    login_as: LoginAs, app: Litestar, decision: str
) -> None:
    goal, conflict_id = await deleted_while_disputed(login_as, app)
    manager = await login_as("demo-manager")
    inbox = (await manager.get("/conflicts")).text
    row = next(part for part in inbox.split("<tr data-record=")[1:] if goal in part)
    assert "削除済み" in row
    page = (await manager.get(f"/conflicts/{conflict_id}")).text
    assert "この記録は削除されています" in page and "復元してこの値にする" in page
    if decision == "keep":
        answer = await decide(manager, conflict_id, page, choice=keep_choices(page)[0])
    else:
        answer = await accept_all(manager, inbox_form(inbox, conflict_id))
    assert answer.status_code == 302
    assert await open_on(goal) == [], "no conflict in the reviewer's name"
    assert "判断が必要な競合はありません" in (await manager.get("/conflicts")).text
    assert (await SectionGoal.get(id=goal)).deleted


async def test_restoring_is_a_choice_of_its_own(login_as: LoginAs, app: Litestar) -> None:
    goal, conflict_id = await deleted_while_disputed(login_as, app)
    manager = await login_as("demo-manager")
    page = (await manager.get(f"/conflicts/{conflict_id}")).text
    second = page.split("data-candidate")[2]
    value = "平均10分以内" if "平均10分以内" in second else "平均15分以内"
    choice = next(v for v in re.findall(r'value="(restore:[^"]+)"', page) if v.split(":")[1] in second)
    answer = await decide(manager, conflict_id, page, choice=choice)
    assert answer.status_code == 302
    restored = await SectionGoal.get(id=goal)
    assert not restored.deleted and restored.target == value
    assert await open_on(goal) == []


async def test_a_delete_after_the_reviewer_looked_keeps_the_conflict_open(
    login_as: LoginAs, app: Litestar
) -> None:
    goal, conflict_id = await two_tablets_disagree(login_as)
    manager = await login_as("demo-manager")
    page = (await manager.get(f"/conflicts/{conflict_id}")).text
    staff = await User.get(login="demo-staff")
    sync = app.state.madoguchi.sync
    version = (await sync.store.get_records([("section_goals", goal)]))[("section_goals", goal)].version
    await sync.web_write(staff, "section_goals", goal, Kind.DELETE, {}, version)
    answer = await decide(manager, conflict_id, page, choice=keep_choices(page)[0])
    assert (
        answer.status_code == 409 and ARRIVED in answer.text and "この記録は削除されています" in answer.text
    )
    assert (await SyncConflict.get(id=conflict_id)).status == "open"


async def test_the_status_bar_count_is_the_inbox_s_row_count(login_as: LoginAs, app: Litestar) -> None:
    """Three values of one field and a second disputed field: one record, one inbox row, and the pull
    that feeds every tablet's status bar (and the sync page) says 1, for the staff and the chief."""
    goal, _ = await two_tablets_disagree(login_as)
    await a_third_value_arrives(app, goal)
    staff = await User.get(login="demo-staff")
    await app.state.madoguchi.sync.web_write(staff, "section_goals", goal, Kind.PATCH, {"indicator": "A"}, 1)
    other = await User.get(login="demo-manager")
    await app.state.madoguchi.sync.web_write(other, "section_goals", goal, Kind.PATCH, {"indicator": "B"}, 1)
    assert len(await SyncConflict.filter(record_id=goal, status="open")) == 2
    for login in ("demo-staff", "demo-chief"):
        client = await login_as(login)
        tablet = Tablet(client)
        await tablet.register()
        page = await tablet.pull()
        assert page["open_conflicts"] == 1, login
        assert 'data-awaiting="1"' in (await client.get("/sync")).text
        if login == "demo-chief":
            assert (await client.get("/conflicts")).text.count("<tr data-record=") == 1
        await post_form(client, "/logout", {})
