"""The dashboard's numbers against values worked out by hand on a small fixed data set."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid

import httpx
from litestar import Litestar
from pypdf import PdfReader

from server.compliance.service import current_period
from server.dashboard import queries
from server.models import (
    ComplianceTarget,
    CorrectiveAction,
    Device,
    Inspection,
    InspectionRound,
    OkuyamiCase,
    Section,
    SectionGoal,
    SelfCheckAnswer,
    SyncConflict,
    User,
)
from server.timekeeping import today
from tests.server.conftest import LoginAs, post_form
from tests.server.projected import stored, stored_feedback

TODAY = dt.date(2026, 11, 20)


async def two_sections() -> tuple[int, int]:
    first, second = await Section.all().order_by("id").limit(2)
    return first.id, second.id


async def inspect(section: int, submitted: dt.date, passed: int, failed: int, na: int = 0) -> None:
    await stored(
        Inspection,
        section_id=section,
        status="submitted",
        started_on=submitted,
        submitted_on=submitted,
        passed=passed,
        failed=failed,
        not_applicable=na,
    )


def test_periods_are_clamped_to_the_fiscal_year() -> None:
    whole = queries.period_of(2026, None, None, None, TODAY)
    assert (whole.start, whole.end) == (dt.date(2026, 4, 1), dt.date(2027, 3, 31))
    autumn = queries.period_of(2026, "2026-10", "2026-11", 3, TODAY)
    assert (autumn.start, autumn.end, autumn.section) == (dt.date(2026, 10, 1), dt.date(2026, 11, 30), 3)
    february = queries.period_of(2027, "2028-02", "2028-02", None, TODAY)
    assert (february.start, february.end) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    outside = queries.period_of(2026, "2025-01", "2030-12", None, TODAY)
    assert (outside.start, outside.end) == (dt.date(2026, 4, 1), dt.date(2027, 3, 31))
    assert queries.period_of(None, "nonsense", None, None, TODAY).year == 2026
    assert len(whole.months) == 12 and whole.months[0] == dt.date(2026, 4, 1)


async def test_inspection_scores_are_pooled_not_averaged(app: Litestar) -> None:
    a, b = await two_sections()
    await inspect(a, dt.date(2026, 4, 1), passed=9, failed=1)  # 90%
    await inspect(a, dt.date(2026, 5, 31), passed=1, failed=1, na=8)  # 50%
    await inspect(a, dt.date(2026, 3, 31), passed=0, failed=10)  # the previous fiscal year
    await inspect(b, dt.date(2026, 6, 1), passed=0, failed=0, na=5)  # nothing applicable
    rows = {
        r.section_id: r
        for r in await queries.inspection_stats(queries.period_of(2026, None, None, None, TODAY))
    }
    assert rows[a].inspections == 2 and (rows[a].passed, rows[a].failed) == (10, 2)
    assert round(rows[a].score or 0, 1) == 83.3  # 10 ÷ 12, not (90 + 50) ÷ 2 = 70
    assert rows[b].score is None
    may = await queries.inspection_stats(queries.period_of(2026, "2026-05", "2026-05", None, TODAY))
    assert [(r.section_id, r.passed) for r in may] == [(a, 1)]


async def test_corrective_actions_by_age_overdue_and_on_time(app: Litestar) -> None:
    a, b = await two_sections()

    async def action(section: int, raised: dt.date, due: dt.date, closed: dt.date | None = None) -> None:
        await stored(
            CorrectiveAction,
            section_id=section,
            title="x",
            raised_on=raised,
            due_on=due,
            closed_on=closed,
            status="confirmed" if closed else "in_progress",
        )

    await action(a, TODAY - dt.timedelta(days=10), TODAY + dt.timedelta(days=5))  # open, 10 days, not due
    await action(a, TODAY - dt.timedelta(days=45), TODAY - dt.timedelta(days=1))  # open, 45 days, overdue
    await action(b, TODAY - dt.timedelta(days=120), TODAY - dt.timedelta(days=90))  # open, 120 days, overdue
    await action(
        a, dt.date(2026, 5, 1), dt.date(2026, 5, 20), closed=dt.date(2026, 5, 11)
    )  # 10 days, on time
    await action(b, dt.date(2026, 6, 1), dt.date(2026, 6, 10), closed=dt.date(2026, 7, 1))  # 30 days, late
    await action(b, dt.date(2026, 6, 1), dt.date(2026, 9, 1), closed=dt.date(2026, 6, 21))  # 20 days, on time
    stats = await queries.action_stats(queries.period_of(2026, None, None, None, TODAY), TODAY)
    assert [n for _, n in stats.by_age] == [1, 1, 0, 1]
    assert (stats.open, stats.overdue, stats.closed, stats.closed_on_time) == (3, 2, 3, 2)
    assert stats.median_days_to_close == 20 and round(stats.on_time_rate or 0) == 67
    per = {s.section_id: s for s in stats.sections}
    assert (per[a].open, per[a].overdue, per[a].closed, per[a].closed_on_time) == (2, 1, 1, 1)
    assert (per[b].open, per[b].overdue, per[b].closed, per[b].closed_on_time) == (1, 1, 2, 1)
    only_b = await queries.action_stats(queries.period_of(2026, None, None, b, TODAY), TODAY)
    assert (only_b.open, only_b.closed) == (1, 2)


async def test_feedback_funnel_and_response_time(app: Litestar) -> None:
    a, _ = await two_sections()
    received = dt.date(2026, 4, 1)
    for days, status, improved in [(2, "published", True), (4, "approved", False), (None, "triaged", False)]:
        await stored_feedback(
            [a],
            text="x",
            received_on=received,
            answered_on=received + dt.timedelta(days=days) if days else None,
            status=status,
            improved=improved,
        )
    await stored_feedback([], text="last year", received_on=dt.date(2026, 3, 31))
    funnel = await queries.feedback_funnel(queries.period_of(2026, None, None, None, TODAY))
    assert (funnel.received, funnel.answered, funnel.published, funnel.improved) == (3, 2, 1, 1)
    assert (funnel.median_days, funnel.p90_days) == (3, 4)


async def test_managers_see_every_panel_and_chiefs_their_own_section(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("demo-manager")
    page = await client.get("/dashboard", params={"year": 2026})
    assert page.status_code == 200 and page.text.count('hx-get="/dashboard/panels/') == 8
    for name in ("compliance", "rounds", "inspections", "actions", "feedback", "goals", "okuyami", "sync"):
        fragment = await client.get(f"/dashboard/panels/{name}?year=2026", headers={"HX-Request": "true"})
        assert fragment.status_code == 200 and "<html" not in fragment.text
    empty = await client.get("/dashboard/panels/inspections?year=2026", headers={"HX-Request": "true"})
    assert "提出された点検はありません" in empty.text
    report = await client.get("/dashboard/report?year=2026")
    assert report.status_code == 200 and report.text.count('class="card panel"') == 8
    assert (await client.get("/dashboard/panels/nothing")).status_code == 404
    exported = await client.get("/dashboard/export/actions.csv?year=2026")
    assert exported.status_code == 200 and exported.content.startswith("\ufeff".encode())
    assert "未完了" in exported.content.decode("utf-8-sig")

    chief = await User.get(login="demo-chief")
    other = await Section.exclude(id=chief.section_id).first()
    assert other is not None
    await inspect(other.id, dt.date(2026, 6, 1), passed=5, failed=0)
    await login_as("demo-chief")
    scoped = await client.get(f"/dashboard/panels/inspections?year=2026&section={other.id}")
    assert other.name not in scoped.text, "a chief sees only their own section"
    own = await client.get("/dashboard", params={"year": 2026})
    assert own.text.count('hx-get="/dashboard/panels/') == 7 and "panels/okuyami" not in own.text
    assert (await client.get("/dashboard/panels/okuyami?year=2026")).status_code == 403
    assert (await client.get("/dashboard/export/okuyami.csv?year=2026")).status_code == 403
    chief_report = await client.get("/dashboard/report?year=2026")
    assert chief_report.text.count('class="card panel"') == 7


async def test_the_fiscal_year_report_and_a_month_s_report_print_and_download(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    a, _ = await two_sections()
    await inspect(a, dt.date(2026, 4, 1), passed=9, failed=1)
    await inspect(a, dt.date(2026, 5, 31), passed=1, failed=1)
    await SectionGoal.create(
        id=uuid.uuid4(), section_id=a, fiscal_year=2026, title="待ち時間の短縮", status="achieved",
        year_end_evaluation="平均4分に短縮できた",
    )  # fmt: skip
    await login_as("demo-manager")
    year = await client.get("/reports", params={"year": 2026, "section": a})
    assert year.status_code == 200 and "年度報告" in year.text and "83%" in year.text
    assert "待ち時間の短縮" in year.text and "達成" in year.text and "平均4分に短縮できた" in year.text
    may = await client.get("/reports", params={"month": "2026-05", "section": a})
    assert "月次報告" in may.text and "50%" in may.text and "令和8年5月31日" in may.text
    document = await client.get("/reports/report.pdf", params={"year": 2026})
    assert document.status_code == 200 and document.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(document.content)).pages)
    assert "年度報告" in text and "課ごとの結果" in text
    assert "年度末評価" in text and "達成" in text and "平均4分に短縮できた" in text
    section_name = (await Section.get(id=a)).name
    assert section_name in text


async def test_rounds_count_done_late_and_missed_periods(app: Litestar) -> None:
    a, _ = await two_sections()
    await InspectionRound.filter(section_id=a, family="shokuba-tenken").update(every_months=1)
    await InspectionRound.filter(section_id=a).exclude(family="shokuba-tenken").update(active=False)
    # April done in April, May done late in June (which also counts for June), July to October missed.
    for day in (dt.date(2026, 4, 10), dt.date(2026, 6, 3)):
        await stored(Inspection, section_id=a, family="shokuba-tenken", status="submitted", submitted_on=day)
    rows = {
        r.section_id: r
        for r in await queries.round_stats(queries.period_of(2026, None, None, a, TODAY), TODAY)
    }
    assert (rows[a].done, rows[a].late, rows[a].missed, rows[a].due) == (2, 1, 4, 1)


async def test_compliance_is_pooled_per_section_and_month_against_the_target(app: Litestar) -> None:
    a, b = await two_sections()
    await ComplianceTarget.create(fiscal_year=2026, section_id=0, percent=90)
    await ComplianceTarget.create(fiscal_year=2026, section_id=b, percent=50)

    async def answers(
        section: int, period: str, kept: int, missed: int, na: int = 0, code: str = "SB-01"
    ) -> None:
        for n, result in enumerate(["compliant"] * kept + ["noncompliant"] * missed + ["na"] * na):
            await stored(
                SelfCheckAnswer, section_id=section, period=period, respondent=f"user:{n}",
                standard_code=code, result=result,
            )  # fmt: skip

    await answers(a, "2026-04", kept=9, missed=1, na=5)  # 90%: the N/A answers count nowhere
    await answers(a, "2026-05", kept=1, missed=1, code="SB-14")  # 50%
    await answers(b, "2026-04", kept=0, missed=0, na=3)  # nothing applicable
    await answers(a, "2026-03", kept=0, missed=4)  # the previous fiscal year
    stats = await queries.compliance_stats(queries.period_of(2026, None, None, None, TODAY))
    assert stats.periods[0] == "2026-04" and len(stats.periods) == 12
    assert stats.cells[(a, "2026-04")].percent == 90 and stats.cells[(a, "2026-05")].percent == 50
    assert (b, "2026-04") not in stats.cells or stats.cells[(b, "2026-04")].applicable == 0
    year = stats.section_total(a)
    assert (year.compliant, year.applicable) == (10, 12)  # 83.3%, not the 70% an average would give
    assert stats.target(a) == 90 and stats.target(b) == 50
    assert stats.missed == [("SB-01", 1, 10), ("SB-14", 1, 2)]
    may = await queries.compliance_stats(queries.period_of(2026, "2026-05", "2026-05", a, TODAY))
    assert may.periods == ["2026-05"] and list(may.cells) == [(a, "2026-05")]


async def test_goals_progress_counts_the_year_s_goals_by_status(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    a, b = await two_sections()
    for section, title, status, year in [
        (a, "待ち時間を5分短縮", "on_track", 2026),
        (a, "案内表示の改善", "achieved", 2026),
        (b, "電話応対の向上", "behind", 2026),
        (b, "前年度の目標", "achieved", 2025),
    ]:
        await SectionGoal.create(
            id=uuid.uuid4(), section_id=section, fiscal_year=year, title=title, status=status
        )
    await SectionGoal.create(
        id=uuid.uuid4(),
        section_id=a,
        fiscal_year=2026,
        title="取り下げた目標",
        status="planned",
        deleted=True,
    )
    # A month range does not narrow a year's goals; a section does.
    progress = await queries.goal_progress(queries.period_of(2026, "2026-05", "2026-05", None, TODAY))
    assert progress.by_status == {"on_track": 1, "achieved": 1, "behind": 1}
    assert [g.title for g in progress.of_section(a)] == ["待ち時間を5分短縮", "案内表示の改善"]
    only_b = await queries.goal_progress(queries.period_of(2026, None, None, b, TODAY))
    assert [(g.title, g.status) for g in only_b.goals] == [("電話応対の向上", "behind")]
    assert (await queries.goal_progress(queries.period_of(2024, None, None, None, TODAY))).goals == []

    await login_as("demo-manager")
    panel = await client.get("/dashboard/panels/goals?year=2026", headers={"HX-Request": "true"})
    assert (
        "待ち時間を5分短縮" in panel.text and "遅れあり" in panel.text and "取り下げた目標" not in panel.text
    )
    assert "前年度の目標" not in panel.text
    exported = (await client.get("/dashboard/export/goals.csv?year=2026")).content.decode("utf-8-sig")
    assert "電話応対の向上" in exported and "達成" in exported
    empty = await client.get("/dashboard/panels/goals?year=2024", headers={"HX-Request": "true"})
    assert "この年度の課の目標はまだ登録されていません" in empty.text


async def test_desk_volume_counts_visits_and_handling_time_without_names(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    async def visit(day: dt.date, minutes: int | None, **extra: object) -> None:
        await OkuyamiCase.create(
            **{
                "id": uuid.uuid4(),
                "visit_date": day,
                "handling_minutes": minutes,
                "deceased_name": "川崎 太郎",
            }
            | extra
        )

    await visit(dt.date(2026, 4, 1), 40, status="closed", closed_on=dt.date(2026, 4, 1))  # first day of FY
    await visit(dt.date(2026, 4, 30), 60)
    await visit(dt.date(2026, 6, 15), 90, status="closed", purged=True, deceased_name="")  # purged: counted
    await visit(dt.date(2026, 6, 16), None)  # handling time not recorded
    await visit(dt.date(2027, 3, 31), 30, status="closed")  # last day of FY
    await visit(dt.date(2026, 3, 31), 500)  # the previous fiscal year
    await visit(dt.date(2026, 7, 1), 999, deleted=True)  # deleted cases do not count
    await visit(dt.date(2026, 7, 2), 999, ward="中原区")  # another ward's desk

    desk = await queries.desk_volume(queries.period_of(2026, None, None, None, TODAY), "高津区")
    assert desk.months == [("2026-04", 2, 1), ("2026-06", 2, 1), ("2027-03", 1, 1)]
    assert (desk.visits, desk.closed, desk.timed) == (5, 3, 4)
    assert desk.mean_minutes == 55  # (40 + 60 + 90 + 30) / 4
    assert desk.median_minutes == 50  # between 40 and 60
    june = await queries.desk_volume(queries.period_of(2026, "2026-06", "2026-06", None, TODAY), "高津区")
    assert (june.visits, june.timed, june.median_minutes) == (2, 1, 90)
    quiet = await queries.desk_volume(queries.period_of(2026, "2026-08", "2026-08", None, TODAY), "高津区")
    assert (quiet.visits, quiet.mean_minutes, quiet.median_minutes) == (0, None, None)

    await login_as("demo-manager")
    panel = await client.get("/dashboard/panels/okuyami?year=2026", headers={"HX-Request": "true"})
    assert (
        panel.status_code == 200
        and "来庁 5 件（完了 3 件）" in panel.text
        and "平均対応時間 55 分" in panel.text
    )
    assert "川崎" not in panel.text
    exported = (await client.get("/dashboard/export/okuyami.csv?year=2026")).content.decode("utf-8-sig")
    assert "2026-06,2,1" in exported and "川崎" not in exported


async def test_sync_health_shows_each_device_and_the_conflicts_it_is_part_of(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    staff = await User.get(login="demo-staff")
    quiet, busy = uuid.uuid4(), uuid.uuid4()
    await Device.create(client_id=quiet, user=staff, label="窓口タブレット1", unsent_reported=0)
    await Device.create(
        client_id=busy,
        user=staff,
        label="窓口タブレット2",
        unsent_reported=7,
        last_sync_at=dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC),
    )

    async def conflict(status: str, *clients: uuid.UUID) -> None:
        await SyncConflict.create(
            id=str(uuid.uuid4()),
            table_name="section_goals",
            record_id=str(uuid.uuid4()),
            field="title",
            kind="field",
            candidates=json.dumps([{"client_id": str(c), "op_id": str(uuid.uuid4())} for c in clients]),
            base_value="null",
            provisional_value="null",
            status=status,
            opened_at="2026-11-20T09:00:00Z",
        )

    await conflict("open", busy, quiet)
    await conflict("open", busy, busy)  # two edits from one tablet: one conflict for it
    await conflict("resolved", quiet, busy)  # decided: no longer counts
    devices, open_total = await queries.sync_health()
    per = {d.label: d for d in devices}
    assert open_total == 2
    assert (per["窓口タブレット2"].conflicts, per["窓口タブレット2"].unsent) == (2, 7)
    assert per["窓口タブレット1"].conflicts == 1

    await login_as("demo-manager")
    panel = await client.get("/dashboard/panels/sync", headers={"HX-Request": "true"})
    assert "窓口タブレット2" in panel.text and '<a href="/conflicts">2</a>' in panel.text
    exported = (await client.get("/dashboard/export/sync.csv")).content.decode("utf-8-sig")
    assert "未解決の競合" in exported and "窓口タブレット2,demo-staff" in exported


async def test_the_printed_report_shows_the_heat_map_and_its_legend(login_as: LoginAs) -> None:
    """Once a section has compliance answers the printed report draws the heat map with its legend (it
    answered 500 when the report page was not handed the legend)."""
    staff = await login_as("demo-staff")
    period = await current_period(today())
    saved = await post_form(
        staff, "/self-check/answer", {"period": period, "standard_code": "SB-04", "result": "compliant"}
    )
    assert saved.status_code in (200, 302, 303)
    manager = await login_as("demo-manager")
    report = await manager.get("/dashboard/report")
    assert report.status_code == 200
    assert "data-heat-legend" in report.text and "chart-compliance" in report.text
