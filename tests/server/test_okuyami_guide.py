"""The family's guide: counters in walking order, the pressing deadline first, dates or what to count from."""

from __future__ import annotations

from datetime import date

from server.i18n import Catalogs
from server.okuyami.catalogue import default_catalogue
from server.okuyami.guide import Guide, build_guide
from server.okuyami.intake import parse_intake
from server.okuyami.plan import make_plan

TODAY = date(2026, 11, 29)
INTAKE = {
    "deceased": {
        "date_of_birth": "1940-05-05",
        "date_of_death": "2026-11-10",
        "health_insurance": "kokuho",
        "is_householder": True,
        "kaigo_certified": True,
    },
    "household": {"remaining_members": 2, "remaining_members_aged_15_plus": 2, "remaining_kokuho_members": 1},
    "cards": {"seal_registration": True, "disability_handbook": True},
    "pension": {"receiving": "kokumin_only"},
}


def guide_for(answers: dict[str, object]) -> Guide:
    intake = parse_intake(answers, TODAY)
    catalogue = default_catalogue()
    return build_guide(make_plan(intake, catalogue, "refined_15plus"), intake, catalogue)


def test_counters_come_in_walking_order_and_the_pressing_deadline_first() -> None:
    guide = guide_for(INTAKE)
    counters = [stop.counter.name_ja for stop in guide.stops]
    assert counters.index("区民課") < counters.index("保険年金課")
    assert counters[-1] == "地域みまもり支援センター 高齢・障害課"
    juki = next(stop for stop in guide.stops if stop.counter.id == "kumin_juki")
    # 世帯主変更届 (14 days) before the seal card, which has no deadline.
    assert [item.procedure.id for item in juki.items] == ["household_head_change", "seal_registration_return"]


def test_deadlines_are_dates_when_the_intake_knows_the_day_and_a_rule_otherwise() -> None:
    ja = Catalogs().gettext("ja")
    guide = guide_for(INTAKE)
    items = {item.procedure.id: item for stop in guide.stops for item in stop.items}
    assert items["kokuho_loss"].deadline.label(ja, "ja") == "令和8年11月24日（2026年）"
    # No funeral date given: the family is told what to count from.
    assert items["kokuho_funeral_allowance"].deadline.label(ja, "ja") == "葬儀の翌日から730日以内"
    assert items["seal_registration_return"].deadline.label(ja, "ja") == "期限の定めなし(お早めに)"
    with_funeral = guide_for({**INTAKE, "funeral": {"date": "2026-11-14"}})
    allowance = next(
        i for s in with_funeral.stops for i in s.items if i.procedure.id == "kokuho_funeral_allowance"
    )
    assert allowance.deadline.day == date(2028, 11, 13)
    assert allowance.deadline.label(lambda text: text, "en") == "2028-11-13"
