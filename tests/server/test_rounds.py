"""Inspection rounds: the period arithmetic, and the page each role sees with its statuses."""

from __future__ import annotations

import re
from datetime import date

import httpx

from server.calendar_ja import fiscal_year
from server.models import AuditEvent, Inspection, InspectionRound, Section
from server.rounds.service import (
    PeriodStatus,
    RoundPlan,
    period_bounds,
    period_label,
    period_statuses,
    schedules,
)
from server.timekeeping import today
from tests.server.conftest import LoginAs, post_form
from tests.server.projected import stored

DONE, LATE, MISSED, DUE, UPCOMING = (
    PeriodStatus.DONE,
    PeriodStatus.LATE,
    PeriodStatus.MISSED,
    PeriodStatus.DUE,
    PeriodStatus.UPCOMING,
)


def statuses(year: int, every: int, submitted: list[date], on: date) -> list[PeriodStatus]:
    return [p.status for p in period_statuses(year, every, submitted, on)]


# --- the pure computation -------------------------------------------------------------------------------


def test_monthly_periods_run_from_april_first_to_each_month_end() -> None:
    bounds = period_bounds(2023, 1)
    assert len(bounds) == 12
    assert bounds[0] == (date(2023, 4, 1), date(2023, 4, 30))
    assert bounds[10] == (date(2024, 2, 1), date(2024, 2, 29))  # a leap February
    assert bounds[-1] == (date(2024, 3, 1), date(2024, 3, 31))
    assert period_bounds(2024, 1)[10] == (date(2025, 2, 1), date(2025, 2, 28))


def test_quarterly_periods_and_a_round_that_does_not_divide_the_year() -> None:
    assert period_bounds(2024, 3) == [
        (date(2024, 4, 1), date(2024, 6, 30)),
        (date(2024, 7, 1), date(2024, 9, 30)),
        (date(2024, 10, 1), date(2024, 12, 31)),
        (date(2025, 1, 1), date(2025, 3, 31)),
    ]
    assert period_bounds(2024, 5)[-1] == (date(2025, 2, 1), date(2025, 3, 31))


def test_inspections_on_the_first_and_last_day_count_for_their_own_month() -> None:
    result = statuses(2024, 1, [date(2024, 4, 1), date(2024, 5, 31)], date(2024, 6, 1))
    assert result[:3] == [DONE, DONE, DUE]
    assert result[3:] == [UPCOMING] * 9
    # The day before April 1 belongs to the previous fiscal year.
    assert statuses(2024, 1, [date(2024, 3, 31)], date(2024, 4, 15))[0] == DUE


def test_late_when_done_in_the_next_period_and_missed_when_not() -> None:
    on = date(2024, 8, 20)
    # April: nothing until May 1 (late). May: done on May 1. June: nothing at all (missed), July: nothing
    # in July yet but August has one (late), August done.
    result = period_statuses(2024, 1, [date(2024, 5, 1), date(2024, 8, 3)], on)
    assert [p.status for p in result[:5]] == [LATE, DONE, MISSED, LATE, DONE]
    assert result[0].done_on == date(2024, 5, 1)
    assert result[2].done_on is None
    # Two periods late is missed (the inspection is late for the month before it only).
    assert statuses(2024, 1, [date(2024, 6, 1)], on)[:3] == [MISSED, LATE, DONE]


def test_a_period_just_over_is_missed_until_an_inspection_comes() -> None:
    assert statuses(2024, 1, [], date(2024, 5, 1))[:2] == [MISSED, DUE]
    assert statuses(2024, 1, [], date(2024, 4, 30))[:2] == [DUE, UPCOMING]


def test_quarterly_round_late_into_the_next_fiscal_year() -> None:
    on = date(2025, 5, 10)
    result = statuses(2024, 3, [date(2024, 7, 1), date(2025, 4, 3)], on)
    # Q1 none, Q2's first day only (late for Q1, done for Q2), Q3 none and Q4 none but done in April.
    assert result == [LATE, DONE, MISSED, LATE]
    assert statuses(2024, 3, [date(2024, 10, 1)], on)[0] == MISSED


def test_sections_without_rounds_are_listed_with_none() -> None:
    plans = [
        RoundPlan(1, "shokuba", 1),
        RoundPlan(1, "amenity", 3),
        RoundPlan(99, "shokuba", 1),  # a section not shown: ignored
    ]
    done = [
        (1, "shokuba", date(2024, 4, 2)),
        (2, "shokuba", date(2024, 4, 3)),
        (1, "other", date(2024, 7, 1)),
    ]
    result = schedules(
        2024, date(2024, 7, 15), [(1, "総務課"), (2, "企画課")], plans, {"shokuba": "職場点検"}, done
    )
    assert [s.name for s in result] == ["総務課", "企画課"]
    assert result[1].rows == []
    rows = {r.plan.family: r for r in result[0].rows}
    assert [p.status for p in rows["shokuba"].periods[:4]] == [DONE, MISSED, MISSED, DUE]
    assert [p.status for p in rows["amenity"].periods] == [MISSED, DUE, UPCOMING, UPCOMING]
    assert rows["amenity"].name == "amenity"


def test_period_labels() -> None:
    monthly = period_statuses(2024, 1, [], date(2024, 4, 1))
    quarterly = period_statuses(2024, 3, [], date(2024, 4, 1))
    assert period_label(monthly[0], "ja") == "4月" and period_label(monthly[0], "en") == "Apr"
    assert period_label(quarterly[3], "ja") == "1–3月" and period_label(quarterly[3], "en") == "Jan–Mar"


# --- the page -------------------------------------------------------------------------------------------


def statuses_on_page(html: str, section_id: int, template_name: str) -> list[str]:
    card = re.search(
        rf'<section class="card" aria-labelledby="section-{section_id}">(.*?)</section>', html, re.S
    )
    assert card, f"section {section_id} is not on the page"
    row = re.search(
        rf'<ul class="period-list" role="list" aria-label="{template_name}">(.*?)</ul>', card[1], re.S
    )
    assert row, f"{template_name} is not scheduled for section {section_id}"
    return re.findall(r'data-status="(\w+)"', row[1])


async def _inspection(section: Section, day: date, family: str = "shokuba-tenken", **extra: object) -> None:
    values: dict[str, object] = {"status": "submitted", "deleted": False, **extra}
    await stored(Inspection, family=family, section_id=section.id, submitted_on=day, **values)


async def test_last_year_shows_done_late_and_missed_from_the_inspections(login_as: LoginAs) -> None:
    client = await login_as("demo-manager")
    year = fiscal_year(today()) - 1
    kumin = await Section.get(code="kumin")
    eisei = await Section.get(code="eisei")
    await _inspection(kumin, date(year, 4, 1))
    await _inspection(kumin, date(year, 6, 30))  # late for May, done for June
    await _inspection(kumin, date(year, 7, 31), deleted=True)  # deleted: does not count
    await _inspection(kumin, date(year, 8, 15), status="draft")  # not submitted: does not count
    await _inspection(eisei, date(year, 9, 1))  # another section's
    # The other template's (quarterly): late for Q2 and done for Q3.
    await _inspection(kumin, date(year, 10, 1), family="amenity-tenken")
    await _inspection(kumin, date(year + 1, 3, 31))  # late for February, done for March
    response = await client.get(f"/inspections/rounds?year={year}")
    assert response.status_code == 200
    shokuba = statuses_on_page(response.text, kumin.id, "職場点検")
    assert shokuba == ["done", "late", "done"] + ["missed"] * 7 + ["late", "done"]
    assert statuses_on_page(response.text, eisei.id, "職場点検")[5] == "done"
    assert statuses_on_page(response.text, kumin.id, "区役所アメニティ点検") == [
        "missed",
        "late",
        "done",
        "missed",
    ]
    assert "遅れて実施" in response.text and "未実施" in response.text


async def test_this_year_marks_the_current_period_done_once_inspected(login_as: LoginAs) -> None:
    client = await login_as("demo-staff")
    kumin = await Section.get(code="kumin")
    month = today().month - 4 if today().month >= 4 else today().month + 8
    before = statuses_on_page((await client.get("/inspections/rounds")).text, kumin.id, "職場点検")
    assert before[month] == "due" and all(s == "upcoming" for s in before[month + 1 :])
    await _inspection(kumin, today())
    after = statuses_on_page((await client.get("/inspections/rounds")).text, kumin.id, "職場点検")
    assert after[month] == "done"


async def test_staff_and_chiefs_see_their_own_section_managers_and_admins_all(
    login_as: LoginAs, client: httpx.AsyncClient
) -> None:
    kumin = await Section.get(code="kumin")
    somu = await Section.get(code="somu")
    for login, sees_all in (
        ("demo-staff", False),
        ("demo-chief", False),
        ("demo-manager", True),
        ("demo-admin", True),
    ):
        await login_as(login)
        text = (await client.get("/inspections/rounds")).text
        assert f'aria-labelledby="section-{kumin.id}"' in text, login
        assert (f'aria-labelledby="section-{somu.id}"' in text) == sees_all, login
        assert ("/inspections/rounds/manage" in text) == (login == "demo-admin"), login
        await post_form(client, "/logout", {})
    await login_as("demo-okuyami")
    assert (await client.get("/inspections/rounds")).status_code == 403


async def test_a_section_without_rounds_says_so(login_as: LoginAs) -> None:
    client = await login_as("demo-chief")
    kumin = await Section.get(code="kumin")
    await InspectionRound.filter(section_id=kumin.id).update(active=False)
    text = (await client.get("/inspections/rounds")).text
    assert "この課には点検の予定がありません" in text and 'class="period-list"' not in text


async def test_admin_changes_stops_and_adds_rounds(login_as: LoginAs) -> None:
    client = await login_as("demo-admin")
    kumin = await Section.get(code="kumin")
    found = await InspectionRound.get(section_id=kumin.id, family="shokuba-tenken")
    forms = re.findall(r"<form\b.*?</form>", (await client.get("/inspections/rounds/manage")).text, re.S)
    assert len(forms) > 2 and all('name="_csrf_token"' in form for form in forms)
    response = await post_form(
        client, f"/inspections/rounds/{found.id}", {"every_months": "3", "active": "on"}
    )
    assert response.status_code in {302, 303}
    assert (await InspectionRound.get(id=found.id)).every_months == 3
    assert await AuditEvent.filter(action="inspection_round_saved", target_id=str(found.id)).exists()
    page = (await client.get("/inspections/rounds")).text
    assert len(statuses_on_page(page, kumin.id, "職場点検")) == 4

    response = await post_form(
        client, f"/inspections/rounds/{found.id}", {"every_months": "7", "active": "on"}
    )
    assert response.status_code == 422 and "点検の頻度を選んでください" in response.text
    await post_form(client, f"/inspections/rounds/{found.id}", {"every_months": "3"})
    assert not (await InspectionRound.get(id=found.id)).active
    assert (
        "職場点検" not in (await client.get("/inspections/rounds")).text.split(f"section-{kumin.id}")[1][:400]
    )

    data = {"section_id": str(kumin.id), "family": "amenity-tenken", "every_months": "6"}
    response = await post_form(client, "/inspections/rounds/new", data)
    assert response.status_code == 422 and "既にこの点検の予定があります" in response.text
    response = await post_form(client, "/inspections/rounds/new", {**data, "family": "shokuba-tenken"})
    assert response.status_code in {302, 303}
    again = await InspectionRound.get(id=found.id)
    assert again.active and again.every_months == 6
    response = await post_form(
        client, "/inspections/rounds/new", {"section_id": "x", "family": "nope", "every_months": "1"}
    )
    assert response.status_code == 422
    assert 'id="f-section_id-error"' in response.text and 'id="f-family-error"' in response.text


async def test_only_the_administrator_changes_rounds(login_as: LoginAs) -> None:
    client = await login_as("demo-manager")
    found = await InspectionRound.first()
    assert found is not None
    assert (await client.get("/inspections/rounds/manage")).status_code == 403
    response = await post_form(client, f"/inspections/rounds/{found.id}", {"every_months": "12"})
    assert response.status_code == 403
    assert (await InspectionRound.get(id=found.id)).every_months == found.every_months


async def test_the_page_in_english_names_months_templates_and_sections_in_english(login_as: LoginAs) -> None:
    client = await login_as("demo-chief")
    client.cookies.set("lang", "en")
    text = (await client.get("/inspections/rounds")).text
    assert "Residents Section" in text and "Workplace inspection" in text
    assert "Apr–Jun" in text and ">Apr<" in text
