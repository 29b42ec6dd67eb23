"""Next year's goals are drafted before April: a goal added from a fiscal year's page belongs to that year."""

from __future__ import annotations

from server.calendar_ja import fiscal_year
from server.models import SectionGoal
from server.timekeeping import today
from tests.server.conftest import LoginAs, post_form


async def test_a_goal_added_from_next_year_s_page_is_next_year_s(login_as: LoginAs) -> None:
    staff = await login_as("demo-staff")
    next_year = fiscal_year(today()) + 1
    listing = await staff.get(f"/goals?year={next_year}")
    assert f'href="/goals/new?year={next_year}"' in listing.text
    form = await staff.get(f"/goals/new?year={next_year}")
    assert f'name="fiscal_year" value="{next_year}"' in form.text and "data-goal-year" in form.text
    created = await post_form(
        staff, "/goals/new", {"title": "来年度の窓口案内", "fiscal_year": str(next_year)}
    )
    assert created.status_code == 302 and created.headers["location"] == f"/goals?year={next_year}"
    assert (await SectionGoal.get(title="来年度の窓口案内")).fiscal_year == next_year


async def test_a_year_far_from_today_is_refused_not_moved(login_as: LoginAs) -> None:
    staff = await login_as("demo-staff")
    refused = await post_form(staff, "/goals/new", {"title": "十年後の目標", "fiscal_year": "2040"})
    assert refused.status_code == 422 and "十年後の目標" in refused.text  # nothing typed is lost
    assert not await SectionGoal.exists(title="十年後の目標")
    # A list of a far year still offers this year's form, never a far one.
    form = await staff.get("/goals/new?year=2040")
    assert f'name="fiscal_year" value="{fiscal_year(today())}"' in form.text
