"""遵守率: pooled over answers (never an average of percentages), 該当なし outside the denominator,
periods without applicable answers, targets and their validation."""

from __future__ import annotations

import uuid
from decimal import Decimal

from litestar import Litestar

from server.compliance import periods
from server.compliance.rules import answer_id
from server.compliance.service import current_period, inspection_rates, pareto, pooled, rates, total
from server.inspections.templates import items_of
from server.models import (
    ComplianceTarget,
    Inspection,
    InspectionAnswer,
    InspectionTemplate,
    SelfCheckAnswer,
    SelfCheckSchedule,
    User,
)
from server.timekeeping import today
from tests.server.conftest import LoginAs, post_form


def test_not_applicable_is_outside_the_denominator() -> None:
    rate = pooled(["compliant", "compliant", "noncompliant", "na", "na", None])
    assert (rate.compliant, rate.applicable, rate.not_applicable) == (2, 3, 2)
    assert rate.percent is not None and round(rate.percent, 1) == 66.7
    assert rate.few  # 3 applicable answers: shown, and marked


def test_a_period_without_applicable_answers_has_no_rate() -> None:
    for results in ([], ["na", "na"], [None]):
        rate = pooled(results)
        assert rate.percent is None and rate.applicable == 0 and not rate.few


def test_periods_follow_the_fiscal_year() -> None:
    assert periods.periods_of(2024, 1)[0] == "2024-04" and periods.periods_of(2024, 1)[-1] == "2025-03"
    assert periods.periods_of(2024, 3) == ["2024-04", "2024-07", "2024-10", "2025-01"]
    from datetime import date

    assert periods.period_containing(date(2025, 2, 14), 3) == "2025-01"
    assert periods.period_containing(date(2025, 2, 14), 1) == "2025-02"
    assert not periods.is_start("2024-05", 3) and periods.is_start("2024-07", 3)
    assert periods.label("2024-04", 3, "ja") == "2024年4月〜6月"
    assert periods.label("2025-01", 1, "ja") == "2025年1月"


async def _answers(section_id: int, period: str, respondent: str, results: list[str]) -> None:
    for i, result in enumerate(results):
        code = f"T-{i:02d}"
        await SelfCheckAnswer.create(
            id=uuid.UUID(answer_id(period, respondent, code)),
            section_id=section_id,
            period=period,
            respondent=respondent,
            standard_code=code,
            result=result,
            version=1,
        )


async def test_a_section_rate_is_pooled_not_averaged(app: Litestar) -> None:
    # One person kept 1 of 1, another 1 of 9: pooled 2 of 10 = 20%, where an average would say 55.6%.
    await _answers(1, "2024-04", "user:1", ["compliant"])
    await _answers(1, "2024-04", "user:2", ["compliant", *["noncompliant"] * 8, "na"])
    await _answers(2, "2024-04", "user:3", ["compliant"] * 10)
    found = await rates(["2024-04", "2024-05"])
    section = found[(1, "2024-04")]
    assert (section.compliant, section.applicable, section.not_applicable) == (2, 10, 1)
    assert section.percent == 20.0 and not section.few
    # The ward roll-up pools again: 12 of 20, not the mean of 20% and 100%.
    ward = total(found, period="2024-04")
    assert (ward.compliant, ward.applicable, ward.percent) == (12, 20, 60.0)
    assert total(found, period="2024-05").percent is None  # no answers: no rate, not 0%
    missed = await pareto(["2024-04"])
    assert [(m.code, m.missed, m.applicable) for m in missed[:2]] == [("T-01", 1, 2), ("T-02", 1, 2)]
    assert missed[-1].cumulative == 100.0


async def test_the_rates_page_shows_each_section_against_its_target(login_as: LoginAs) -> None:
    staff = await User.get(login="demo-staff")
    period = await current_period(today())
    await _answers(staff.section_id or 0, period, f"user:{staff.id}", ["compliant"] * 9 + ["noncompliant"])
    manager = await login_as("demo-manager")
    year = periods.parse(period)
    assert year is not None
    fiscal = year.year if year.month >= 4 else year.year - 1
    saved = await post_form(
        manager,
        "/compliance/targets",
        {"year": str(fiscal), "ward": "100", f"section_{staff.section_id}": "95.5", "months_per_period": "1"},
    )
    assert saved.status_code == 302
    page = await manager.get("/compliance", params={"year": fiscal})
    assert page.status_code == 200
    row = page.text.split('data-section="kumin"')[1].split("</tr>")[0]
    assert "95.5%" in row and "90.0%" in row and "（10件中9件）" in row and "rate-below" in row
    ward = page.text.split("data-ward")[1].split("</tr>")[0]
    assert "<td>100.0%</td>" in ward and "90.0%" in ward  # the ward's target beside the ward's rate
    assert 'data-missed="T-09"' in page.text


async def test_targets_outside_0_to_100_are_refused_and_kept(login_as: LoginAs) -> None:
    manager = await login_as("demo-manager")
    staff = await User.get(login="demo-staff")
    bad = await post_form(
        manager,
        "/compliance/targets",
        {"year": "2024", "ward": "120", f"section_{staff.section_id}": "-5", "months_per_period": "1"},
    )
    assert bad.status_code == 422
    assert bad.text.count("0〜100の割合") == 2 and 'value="120"' in bad.text and 'value="-5"' in bad.text
    assert not await ComplianceTarget.exists(fiscal_year=2024)
    worded = await post_form(
        manager, "/compliance/targets", {"year": "2024", "ward": "abc", "months_per_period": "1"}
    )
    assert worded.status_code == 422 and 'value="abc"' in worded.text
    ok = await post_form(
        manager, "/compliance/targets", {"year": "2024", "ward": "97.5%", "months_per_period": "3"}
    )
    assert ok.status_code == 302
    target = await ComplianceTarget.get(fiscal_year=2024, section_id=0)
    assert target.percent == Decimal("97.5")
    assert (await SelfCheckSchedule.get(fiscal_year=2024)).months_per_period == 3


async def test_the_period_length_is_fixed_once_answers_exist(login_as: LoginAs) -> None:
    await _answers(1, "2024-04", "user:1", ["compliant"])
    manager = await login_as("demo-manager")
    refused = await post_form(
        manager, "/compliance/targets", {"year": "2024", "ward": "", "months_per_period": "3"}
    )
    assert refused.status_code == 422 and "期間の長さは変更できません" in refused.text


async def test_a_chief_sees_only_their_section(login_as: LoginAs) -> None:
    await _answers(1, "2024-04", "user:1", ["compliant"])
    chief = await login_as("demo-chief")
    page = await chief.get("/compliance", params={"year": 2024})
    assert page.status_code == 200
    assert page.text.count("data-section=") == 1 and "data-ward" not in page.text


async def test_inspections_of_items_linked_to_a_standard_sit_beside_the_self_check_rate(
    login_as: LoginAs,
) -> None:
    staff = await User.get(login="demo-staff")
    section = staff.section_id or 0
    template = await InspectionTemplate.get(family="shokuba-tenken", status="published")
    linked = [key for key, item in items_of(template).items() if item.standard]
    unlinked = next(key for key, item in items_of(template).items() if not item.standard)
    assert linked, "the seeded 職場点検 links items to standards"
    inspection = await Inspection.create(
        id=uuid.uuid4(), template_id=template.id, family=template.family, section_id=section,
        status="submitted", submitted_on=today(),
    )  # fmt: skip
    # Linked items: 3 pass, 1 fail, 1 N/A → 75% of 4; the unlinked fail does not count.
    results = [(linked[0], "pass"), (linked[1], "pass"), (linked[0], "pass"), (linked[1], "fail"),
               (linked[0], "na"), (unlinked, "fail")]  # fmt: skip
    for key, result in results:
        await InspectionAnswer.create(
            id=uuid.uuid4(), inspection_id=inspection.id, item_key=key, result=result
        )
    draft = await Inspection.create(
        id=uuid.uuid4(), template_id=template.id, family=template.family, section_id=section, status="draft"
    )
    await InspectionAnswer.create(id=uuid.uuid4(), inspection_id=draft.id, item_key=linked[0], result="fail")
    year = today().year if today().month >= 4 else today().year - 1
    found = await inspection_rates(year)
    assert (found[section].compliant, found[section].applicable, found[section].not_applicable) == (3, 4, 1)
    manager = await login_as("demo-manager")
    page = await manager.get("/compliance", params={"year": year})
    row = page.text.split('data-section="kumin"')[1].split("</tr>")[0]
    assert "75.0%" in row.split("data-inspected")[1] and "（4件中3件）" in row.split("data-inspected")[1]
