"""課のサービス向上目標 through the year: linked standards, status, mid-year review, year-end evaluation,
the managers' page of every section, and copying the goals into the next fiscal year."""

from __future__ import annotations

import httpx

from server.calendar_ja import fiscal_year
from server.models import SectionGoal, SyncRejected, User
from server.timekeeping import today
from tests.server.conftest import LoginAs, csrf_token
from tests.server.test_sync_api import Tablet, goal_fields


async def post_multi(client: httpx.AsyncClient, url: str, pairs: list[tuple[str, str]]) -> httpx.Response:
    """A form with several values under one name, as ticked checkboxes send it."""
    body = httpx.QueryParams([*pairs, ("_csrf_token", await csrf_token(client))])
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return await client.post(url, content=str(body), headers=headers)


async def test_a_goal_links_standards_and_records_its_reviews(login_as: LoginAs) -> None:
    staff = await login_as("demo-staff")
    created = await post_multi(
        staff,
        "/goals/new",
        [("title", "待ち時間の目安を伝える"), ("target", "100%"), ("standards", "SB-17"),
         ("standards", "SB-04"), ("status", "on_track")],
    )  # fmt: skip
    assert created.status_code == 302
    goal = await SectionGoal.get(title="待ち時間の目安を伝える")
    assert (goal.standards, goal.status, goal.fiscal_year) == (
        ["SB-04", "SB-17"],
        "on_track",
        fiscal_year(today()),
    )
    page = await staff.get(f"/goals/{goal.id}")
    assert 'value="SB-17" data-type="list" checked' in page.text and "中間振り返り" in page.text
    bad = await post_multi(
        staff,
        f"/goals/{goal.id}",
        [("title", goal.title), ("status", "finished"), ("midyear_review", "上半期は案内表示を改善"),
         ("standards", "SB-99"), ("base_version", "1")],
    )  # fmt: skip
    assert bad.status_code == 422
    assert "目標の状況を一覧から選んでください" in bad.text and "一覧から基準を選んでください" in bad.text
    assert "上半期は案内表示を改善" in bad.text  # nothing typed is lost
    saved = await post_multi(
        staff,
        f"/goals/{goal.id}",
        [("title", goal.title), ("target", "100%"), ("status", "achieved"), ("standards", "SB-17"),
         ("midyear_review", "上半期は案内表示を改善"), ("year_end_evaluation", "目安の掲示を全窓口に広げた"),
         ("base_version", "1")],
    )  # fmt: skip
    assert saved.status_code == 302
    goal = await SectionGoal.get(id=goal.id)
    assert goal.standards == ["SB-17"] and goal.status == "achieved"
    assert (goal.midyear_review, goal.year_end_evaluation) == (
        "上半期は案内表示を改善",
        "目安の掲示を全窓口に広げた",
    )
    listing = await staff.get("/goals")
    assert "達成" in listing.text and "SB-17" in listing.text


async def test_a_tablet_sets_the_new_fields_and_bad_values_are_refused(login_as: LoginAs) -> None:
    tablet = Tablet(await login_as("demo-staff"))
    await tablet.register()
    import uuid

    goal = str(uuid.uuid4())
    fields = {**await goal_fields(), "standards": ["SB-01"], "status": "behind", "midyear_review": "遅れ気味"}
    response = await tablet.push(tablet.op(goal, "create", fields))
    assert response.json()["results"][0]["status"] == "applied"
    assert (await SectionGoal.get(id=goal)).status == "behind"
    refused = await tablet.push(tablet.op(goal, "patch", {"status": "done?"}, base=1))
    assert refused.json()["results"][0]["status"] == "rejected"
    refused = await tablet.push(tablet.op(goal, "patch", {"standards": "SB-01"}, base=1))
    assert refused.json()["results"][0]["status"] == "rejected"
    assert await SyncRejected.filter(record_id=goal).count() == 2


async def test_the_manager_sees_every_section_and_copies_the_year_forward(login_as: LoginAs) -> None:
    staff = await login_as("demo-staff")
    year = fiscal_year(today())
    for title in ("窓口の待ち時間を短くする", "電話の取次ぎを早くする"):
        await post_multi(staff, "/goals/new", [("title", title), ("target", "10分"), ("standards", "SB-17")])
    goal = await SectionGoal.get(title="窓口の待ち時間を短くする")
    await post_multi(
        staff,
        f"/goals/{goal.id}",
        [("title", goal.title), ("target", "10分"), ("standards", "SB-17"), ("progress", "案内係を配置"),
         ("midyear_review", "半分達成"), ("base_version", "1")],
    )  # fmt: skip
    await post_multi(staff, "/logout", [])

    manager = await login_as("demo-manager")
    overview = await manager.get("/goals/overview")
    assert overview.status_code == 200
    kumin = overview.text.split('data-section="kumin"')
    assert len(kumin) == 3 and "記入済み" in overview.text
    assert "目標が未登録" in overview.text.split('data-section="somu"')[1].split("</tr>")[0]
    copied = await post_multi(manager, "/goals/copy-forward", [("year", str(year))])
    assert copied.status_code == 302 and copied.headers["location"] == f"/goals?year={year + 1}&copied=2"
    again = await post_multi(manager, "/goals/copy-forward", [("year", str(year))])
    assert again.headers["location"].endswith("copied=0")
    next_year = await SectionGoal.filter(fiscal_year=year + 1).order_by("title")
    assert [g.title for g in next_year] == ["窓口の待ち時間を短くする", "電話の取次ぎを早くする"]
    copy = next_year[0]
    assert (copy.target, copy.standards, copy.status, copy.progress, copy.midyear_review) == (
        "10分",
        ["SB-17"],
        "planned",
        "",
        "",
    )
    user = await User.get(login="demo-staff")
    assert {g.section_id for g in next_year} == {user.section_id}
    page = await manager.get("/goals", params={"year": year + 1, "copied": 2})
    assert "data-copied" in page.text


async def test_a_chief_copies_only_their_own_section(login_as: LoginAs) -> None:
    manager = await login_as("demo-manager")
    tablet = Tablet(manager)
    await tablet.register()
    import uuid

    await tablet.push(tablet.op(str(uuid.uuid4()), "create", await goal_fields("demo-manager")))  # 総務課
    await post_multi(manager, "/logout", [])
    chief = await login_as("demo-chief")
    await post_multi(chief, "/goals/new", [("title", "区民課の目標")])
    await post_multi(chief, "/goals/copy-forward", [("year", str(fiscal_year(today())))])
    assert [g.title for g in await SectionGoal.filter(fiscal_year=fiscal_year(today()) + 1)] == [
        "区民課の目標"
    ]
