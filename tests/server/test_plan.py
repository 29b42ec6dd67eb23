"""The year's plan (/plan) and the teams that run it (/teams): seeded word for word from the ward's plan,
read by every member of staff and by residents, drafted for next year and published by the 管理者."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import httpx
from litestar import Litestar

from server.models import AuditEvent, PlanItem, PlanPolicy, ServicePlan, Team, TeamMembership, User
from server.plan.service import seed_data
from tests.server.conftest import LoginAs, post_form

PLAN_DOCUMENT = Path(__file__).resolve().parents[1] / "data" / "takatsu-service-plan-r6.txt"


def normalised(text: str) -> str:
    """The plan's words without its layout: line breaks and spaces dropped, full-width digits folded."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


async def test_the_seeded_plan_is_the_ward_s_plan_word_for_word(app: Litestar) -> None:
    document = normalised(PLAN_DOCUMENT.read_text(encoding="utf-8"))
    plan = await ServicePlan.get(fiscal_year=2024)
    policies = await PlanPolicy.filter(plan=plan).order_by("number")
    items = await PlanItem.filter(plan=plan).order_by("sort_order")
    teams = await Team.all().order_by("sort_order")
    texts = [plan.title, plan.purpose, plan.policy_intro, plan.city_required_note]
    texts += [p["name"] for p in plan.principles] + [p["text"] for p in plan.principles]
    texts += plan.basic_policies + [p.text for p in policies]
    texts += [g["title"] for g in plan.groups] + [g["text"] for g in plan.groups if g["text"]]
    texts += [i.title for i in items] + [point for i in items for point in i.points]
    texts += [t.name for t in teams] + [duty for t in teams for duty in t.duties]
    missing = [text for text in texts if normalised(text) not in document]
    assert missing == []
    assert plan.title == "令和６年度高津区役所サービス向上計画"
    assert (len(plan.principles), len(plan.basic_policies), len(policies)) == (8, 5, 4)
    assert [i.code for i in items if i.city_required] == ["2-2", "2-3", "3-2"]
    assert [t.code for t in teams] == ["voice", "training", "amenity", "communication", "okuyami", "bukai"]
    assert len(seed_data()["teams"]) == 6


async def test_every_member_of_staff_reads_the_plan_in_force(login_as: LoginAs) -> None:
    client = await login_as("demo-okuyami")
    page = await client.get("/plan")
    assert page.status_code == 200
    assert "令和６年度高津区役所サービス向上計画" in page.text
    # Today's fiscal year has no plan of its own yet: the page says it shows the latest one.
    assert "公開されていない" in page.text or "has not been published" in page.text
    for policy in seed_data()["policies"]:
        assert policy in page.text
    assert "/plan/2024/copy" not in page.text  # drafting is the 管理者's
    assert (await client.get("/plan/2024")).status_code == 200
    assert (await client.get("/plan/2031")).status_code == 404


async def test_residents_read_the_published_plan(client: httpx.AsyncClient) -> None:
    page = await client.get("/voice/plan")
    assert page.status_code == 200
    assert "令和６年度高津区役所サービス向上計画" in page.text and "区民の声に耳を傾け" in page.text
    assert "/teams/" not in page.text and "/plan/2024/copy" not in page.text


async def test_the_manager_drafts_next_year_from_this_year_and_publishes_it(login_as: LoginAs) -> None:
    manager = await login_as("demo-manager")
    copied = await post_form(manager, "/plan/2024/copy", {})
    assert copied.status_code == 302 and copied.headers["location"] == "/plan/2025/edit"
    draft = await ServicePlan.get(fiscal_year=2025)
    assert draft.title == "令和７年度高津区役所サービス向上計画" and "令和７年度" in draft.purpose
    assert await PlanPolicy.filter(plan=draft).count() == 4 and await PlanItem.filter(plan=draft).count() == 8

    editor = await manager.get("/plan/2025/edit")
    assert editor.status_code == 200
    form = {
        "title": draft.title,
        "purpose": draft.purpose,
        "organisational_goals": "窓口の待ち時間を半分にする",
        "policy_1": "新しい方針その一",
        "policy_2": "",
        "policy_3": "新しい方針その三",
    }
    for item in await PlanItem.filter(plan=draft):
        form[f"item_{item.code}"] = "\n".join(item.points)
        form[f"required_{item.code}"] = "1" if item.city_required else ""
    refused = await post_form(manager, "/plan/2025/edit", {**form, "title": " "})
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
    saved = await post_form(manager, "/plan/2025/edit", form)
    assert saved.status_code == 302
    assert [p.text for p in await PlanPolicy.filter(plan=draft).order_by("number")] == [
        "新しい方針その一",
        "新しい方針その三",
    ]

    staff = await login_as("demo-staff")
    assert (await staff.get("/plan/2025")).status_code == 404  # a draft is not shown
    assert (await post_form(staff, "/plan/2025/publish", {})).status_code == 403
    manager = await login_as("demo-manager")
    assert (await post_form(manager, "/plan/2025/publish", {})).status_code == 302
    assert await AuditEvent.exists(action="plan.published", target_id=str(draft.id))
    staff = await login_as("demo-staff")
    shown = await staff.get("/plan")
    assert "令和７年度高津区役所サービス向上計画" in shown.text and "新しい方針その三" in shown.text
    # Published is the ward's record of the year: the editor no longer changes it.
    manager = await login_as("demo-manager")
    assert (await post_form(manager, "/plan/2025/edit", {**form, "policy_1": "書き換え"})).status_code == 302
    assert await PlanPolicy.filter(plan=draft, text="書き換え").count() == 0


async def test_teams_show_members_with_their_section_and_the_sections_missing(login_as: LoginAs) -> None:
    staff_user = await User.get(login="demo-staff").select_related("section")
    manager = await login_as("demo-manager")
    page = await manager.get("/teams/voice?year=2026")
    assert page.status_code == 200 and "市民アンケート(ひと言ポスト)ワーキング" in page.text
    assert staff_user.section.name in re.search(r"data-missing>(.*?)</p>", page.text, re.S).group(1)  # type: ignore[union-attr]

    added = await post_form(
        manager, "/teams/voice/members", {"user_id": str(staff_user.id), "year": "2026", "role": "leader"}
    )
    assert added.status_code == 302
    again = await post_form(manager, "/teams/voice/members", {"user_id": str(staff_user.id), "year": "2026"})
    assert again.status_code == 422 and "この職員は今年度すでにこのチームのメンバーです。" in again.text
    page = await manager.get("/teams/voice?year=2026")
    members = re.search(r"<table data-members>(.*?)</table>", page.text, re.S).group(1)  # type: ignore[union-attr]
    assert staff_user.display_name in members and staff_user.section.name in members
    assert staff_user.section.name not in re.search(r"data-missing>(.*?)</p>", page.text, re.S).group(1)  # type: ignore[union-attr]
    # A year is a year: the next one starts empty.
    next_year = (await manager.get("/teams/voice?year=2027")).text
    assert staff_user.display_name not in re.search(
        r"<table data-members>(.*?)</table>", next_year, re.S
    ).group(1)  # type: ignore[union-attr]

    staff = await login_as("demo-staff")
    overview = await staff.get("/teams?year=2026")
    assert overview.status_code == 200 and overview.text.count("data-team=") == 6
    refused = await post_form(staff, "/teams/voice/members", {"user_id": str(staff_user.id), "year": "2026"})
    assert refused.status_code == 403

    manager = await login_as("demo-manager")
    membership = await TeamMembership.get(user=staff_user, fiscal_year=2026)
    removed = await post_form(manager, f"/teams/voice/members/{membership.id}/remove", {})
    assert removed.status_code == 302 and not await TeamMembership.exists(id=membership.id)
    assert await AuditEvent.filter(action__startswith="team.member_").count() == 2
