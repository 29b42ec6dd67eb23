"""The office calendar: no booking lands on a national holiday, the New Year break or a day the ward
closes, and the desk is never offered such a day."""

from __future__ import annotations

import datetime as dt

from server.models import AuditEvent, OkuyamiAppointment
from server.office_calendar.service import fixed_closure
from tests.server.conftest import LoginAs, post_form

BOOKING = {"slot": "1", "caller_name": "高津 花子", "caller_phone": "044-000-0000"}


def test_holidays_come_from_the_maintained_list_and_the_new_year_break_is_kept() -> None:
    assert fixed_closure(dt.date(2027, 1, 1)) == "年末年始"
    assert fixed_closure(dt.date(2027, 1, 11)) == "成人の日"
    assert fixed_closure(dt.date(2026, 12, 29)) == "年末年始"
    assert fixed_closure(dt.date(2027, 5, 3)) == "憲法記念日"
    assert fixed_closure(dt.date(2027, 1, 9)) == "土曜日"
    assert fixed_closure(dt.date(2027, 1, 12)) is None


async def test_the_desk_is_never_offered_or_booked_a_closed_day(login_as: LoginAs) -> None:
    desk = await login_as("demo-okuyami")
    for closed in ("2027-01-01", "2027-01-11"):
        refused = await post_form(desk, "/okuyami/appointments", {**BOOKING, "day": closed})
        assert refused.status_code == 422
        assert "閉庁日" in refused.text and "高津 花子" in refused.text  # what was typed is kept
    assert not await OkuyamiAppointment.exists(caller_name="高津 花子")
    week = await desk.get("/okuyami/appointments", params={"day": "2027-01-04"})
    offered = [
        d for d in ("2027-01-04", "2027-01-08", "2027-01-11", "2027-01-12") if f'data-free="{d}"' in week.text
    ]
    assert offered == ["2027-01-04", "2027-01-08", "2027-01-12"]
    holiday = await desk.get("/okuyami/appointments", params={"day": "2027-01-11"})
    assert "data-closed" in holiday.text and "成人の日" in holiday.text
    booked = await post_form(desk, "/okuyami/appointments", {**BOOKING, "day": "2027-01-12"})
    assert booked.status_code == 302


async def test_the_ward_adds_and_removes_its_own_closed_days(login_as: LoginAs) -> None:
    admin = await login_as("demo-admin")
    added = await post_form(
        admin, "/admin/calendar/closures", {"day": "2027-02-15", "reason": "庁舎設備点検"}
    )
    assert added.status_code == 302 and added.headers["location"] == "/admin/calendar?year=2026"
    page = await admin.get("/admin/calendar?year=2026")
    assert 'data-day="2027-02-15"' in page.text and "庁舎設備点検" in page.text
    assert 'data-day="2027-01-11"' in page.text and "成人の日" in page.text
    on_holiday = await post_form(admin, "/admin/calendar/closures", {"day": "2027-01-11", "reason": "点検"})
    assert on_holiday.status_code == 422
    no_reason = await post_form(admin, "/admin/calendar/closures", {"day": "2027-02-16", "reason": ""})
    assert no_reason.status_code == 422 and 'aria-invalid="true"' in no_reason.text

    desk = await login_as("demo-okuyami")
    refused = await post_form(desk, "/okuyami/appointments", {**BOOKING, "day": "2027-02-15"})
    assert refused.status_code == 422 and "庁舎設備点検" in refused.text

    admin = await login_as("demo-admin")
    removed = await post_form(admin, "/admin/calendar/closures/2027-02-15/remove", {})
    assert removed.status_code == 302
    assert [e.action for e in await AuditEvent.filter(target_type="office_closure").order_by("id")] == [
        "office_closure_added",
        "office_closure_removed",
    ]
    desk = await login_as("demo-okuyami")
    assert (
        await post_form(desk, "/okuyami/appointments", {**BOOKING, "day": "2027-02-15"})
    ).status_code == 302
