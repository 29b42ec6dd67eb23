"""Families as they come to the desk, with the exact procedures each must be guided to.

The expected lists were worked out by hand from the research rules, not by running the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from server.okuyami.catalogue import default_catalogue
from server.okuyami.intake import IntakeError, parse_intake
from server.okuyami.plan import make_plan

TODAY = date(2026, 11, 29)


@dataclass
class Family:
    story: str
    intake: dict[str, Any]
    municipal: list[str]
    external: list[str] = field(default_factory=list)
    to_confirm: list[str] = field(default_factory=list)
    mode: str = "refined_15plus"


FAMILIES = [
    Family(
        "82-year-old retired company man, householder; his wife stays alone in their Kawasaki house",
        {
            "deceased": {
                "date_of_birth": "1944-03-10",
                "date_of_death": "2026-10-20",
                "health_insurance": "kouki",
                "is_householder": True,
            },
            "household": {"remaining_members": 1, "remaining_members_aged_15_plus": 1},
            "pension": {"receiving": "kosei"},
            "survivors": {"financially_dependent_family": True, "same_livelihood_family": True},
            "cards": {"mynumber_card": True, "seal_registration": True, "driver_license": True},
            "tax": {"resident_tax_payer": True},
            "assets": {"real_estate_in_kawasaki": True},
        },
        [
            "city_tax_heir_representative",
            "fixed_asset_owner_declaration",
            "kaigo_loss",
            "kouki_funeral_allowance",
            "kouki_loss",
            "mynumber_card_return",
            "seal_registration_return",
        ],
        [
            "driver_license_return",
            "inheritance_registration",
            "pension_death_report_employee",
            "survivor_employee_pension",
        ],
    ),
    Family(
        "45-year-old self-employed father; wife and children of 16 and 10 remain, all in national insurance",
        {
            "deceased": {
                "date_of_birth": "1981-06-01",
                "date_of_death": "2026-11-02",
                "health_insurance": "kokuho",
                "is_householder": True,
            },
            "household": {
                "remaining_members": 3,
                "remaining_members_aged_15_plus": 2,
                "remaining_kokuho_members": 3,
            },
            "pension": {"insured_category": "no1", "no1_contribution_36m_plus": True},
            "survivors": {
                "has_child_under_18": True,
                "same_livelihood_family": True,
                "financially_dependent_family": True,
            },
            "cards": {"mynumber_card": True},
            "assets": {"moped_or_small_special": True},
        },
        [
            "household_head_change",
            "kokuho_funeral_allowance",
            "kokuho_householder_change",
            "kokuho_loss",
            "moped_transfer_or_scrap",
            "mynumber_card_return",
            "survivor_basic_pension_no1",
        ],
    ),
    Family(
        "70-year-old mother, householder; her daughter (40) and grandson (8) remain — refined rule",
        {
            "deceased": {
                "date_of_birth": "1956-04-04",
                "date_of_death": "2026-11-10",
                "health_insurance": "kokuho",
                "is_householder": True,
            },
            "household": {
                "remaining_members": 2,
                "remaining_members_aged_15_plus": 1,
                "remaining_kokuho_members": 2,
            },
            "pension": {"receiving": "kokumin_only"},
        },
        [
            "kaigo_loss",
            "kokuho_funeral_allowance",
            "kokuho_householder_change",
            "kokuho_loss",
            "pension_death_report_basic",
        ],
    ),
    Family(
        "the same family under the Kawasaki guidebook's wording: two members remain, so a new householder",
        {
            "deceased": {
                "date_of_birth": "1956-04-04",
                "date_of_death": "2026-11-10",
                "health_insurance": "kokuho",
                "is_householder": True,
            },
            "household": {
                "remaining_members": 2,
                "remaining_members_aged_15_plus": 1,
                "remaining_kokuho_members": 2,
            },
            "pension": {"receiving": "kokumin_only"},
        },
        [
            "household_head_change",
            "kaigo_loss",
            "kokuho_funeral_allowance",
            "kokuho_householder_change",
            "kokuho_loss",
            "pension_death_report_basic",
        ],
        mode="kawasaki_simple",
    ),
    Family(
        "52-year-old company employee; his wife (category 3, 50) and son (20) were his dependants",
        {
            "deceased": {
                "date_of_birth": "1974-02-14",
                "date_of_death": "2026-11-05",
                "health_insurance": "employee",
                "is_householder": True,
            },
            "household": {"remaining_members": 2, "remaining_members_aged_15_plus": 2},
            "pension": {"insured_category": "no2"},
            "survivors": {
                "were_dependents_on_employee_insurance": True,
                "spouse_category3_under_60": True,
                "financially_dependent_family": True,
                "same_livelihood_family": True,
            },
            "assets": {"registered_vehicle": True},
        },
        ["household_head_change", "kokuho_enrol_survivors", "spouse_pension_category_change"],
        ["employer_insurance_loss_burial", "registered_vehicle_transfer", "survivor_employee_pension"],
    ),
    Family(
        "90-year-old in a care home, death not yet registered, family unsure whether a funeral will be held",
        {
            "death": {"registration_submitted": False},
            "funeral": {"performed_or_planned": "unknown"},
            "deceased": {
                "date_of_birth": "1936-01-20",
                "date_of_death": "2026-11-27",
                "health_insurance": "kouki",
                "kaigo_certified": True,
                "high_medical_or_care_costs": True,
            },
            "welfare": {"elderly_services": True},
            "cards": {"elderly_bus_pass": True},
        },
        [
            "death_registration",
            "elderly_bus_pass",
            "elderly_welfare_services_end",
            "high_cost_medical_claim",
            "kaigo_high_cost_claim",
            "kaigo_loss",
            "kouki_loss",
        ],
        to_confirm=["kouki_funeral_allowance"],
    ),
    Family(
        "60-year-old; the family knows neither the health insurance nor the pension",
        {
            "deceased": {
                "date_of_birth": "1966-05-05",
                "date_of_death": "2026-09-01",
                "health_insurance": "unknown",
            },
            "pension": {"receiving": "unknown"},
            "cards": {"mynumber_card": True},
        },
        ["mynumber_card_return"],
        to_confirm=[
            "employer_insurance_loss_burial",
            "kokuho_funeral_allowance",
            "kokuho_loss",
            "kouki_funeral_allowance",
            "kouki_loss",
            "pension_death_report_basic",
            "pension_death_report_employee",
        ],
    ),
    Family(
        "an 8-year-old child, counted for the child allowance, on a parent's employer insurance",
        {
            "deceased": {
                "date_of_birth": "2018-07-07",
                "date_of_death": "2026-10-30",
                "health_insurance": "employee_dependent",
                "counted_in_jidou_teate": True,
            },
            "cards": {"child_medical_cert": True},
        },
        ["jidou_teate_child_death", "medical_subsidy_cert_return"],
        ["employer_insurance_loss_burial"],
    ),
    Family(
        "38-year-old single mother; her children (12 and 9) go to their grandmother as guardian",
        {
            "deceased": {
                "date_of_birth": "1988-09-09",
                "date_of_death": "2026-11-12",
                "health_insurance": "kokuho",
                "is_householder": True,
                "jidou_teate_recipient": True,
                "jidou_fuyou_teate_recipient": True,
            },
            "household": {
                "remaining_members": 2,
                "remaining_members_aged_15_plus": 0,
                "remaining_kokuho_members": 2,
            },
            "pension": {"insured_category": "no1"},
            "survivors": {
                "has_child_under_18": True,
                "single_parent_or_guardian_household": True,
                "child_has_child_medical_cert": True,
                "child_medical_cert_applicant_was_deceased": True,
            },
            "cards": {"single_parent_medical_cert": True},
        },
        [
            "child_medical_cert_change",
            "jidou_fuyou_teate_apply",
            "jidou_fuyou_teate_end",
            "jidou_teate_recipient_death",
            "kokuho_funeral_allowance",
            "kokuho_householder_change",
            "kokuho_loss",
            "medical_subsidy_cert_return",
            "single_parent_medical_apply",
            "survivor_basic_pension_no1",
        ],
    ),
    Family(
        "55-year-old foreign resident with a residence card, employed; his working wife depended on him",
        {
            "deceased": {
                "date_of_birth": "1971-03-03",
                "date_of_death": "2026-11-01",
                "health_insurance": "employee",
                "residence_card_holder": True,
            },
            "pension": {"insured_category": "no2"},
            "survivors": {"financially_dependent_family": True},
            "cards": {"mynumber_card": True},
            "assets": {"kei_car": True},
        },
        ["mynumber_card_return"],
        [
            "employer_insurance_loss_burial",
            "kei_car_transfer",
            "residence_card_return",
            "survivor_employee_pension",
        ],
    ),
    Family(
        "78-year-old special permanent resident living alone in municipal housing, with a dog and a grave",
        {
            "deceased": {
                "date_of_birth": "1948-08-15",
                "date_of_death": "2026-11-20",
                "health_insurance": "kouki",
                "is_householder": True,
                "special_permanent_resident": True,
            },
            "pension": {"receiving": "kokumin_only"},
            "cards": {"seal_registration": True, "juki_card": True},
            "services": {"water_account_holder": True, "municipal_housing_named_tenant": True},
            "assets": {"municipal_cemetery_user": True},
            "pets": {"deceased_registered_dog_owner": True},
        },
        [
            "dog_owner_change",
            "juki_card_return",
            "kaigo_loss",
            "kouki_funeral_allowance",
            "kouki_loss",
            "municipal_cemetery_succession",
            "municipal_housing_succession",
            "pension_death_report_basic",
            "seal_registration_return",
            "special_permanent_resident_cert_return",
            "water_account_change",
        ],
    ),
    Family(
        "67-year-old on public assistance with a disability handbook; no health insurance",
        {
            "deceased": {
                "date_of_birth": "1959-01-31",
                "date_of_death": "2026-11-03",
                "health_insurance": "none",
            },
            "welfare": {"seikatsu_hogo": True, "disability_services": True},
            "cards": {"disability_handbook": True, "severe_disability_medical_cert": True},
        },
        [
            "disability_handbook_return",
            "disability_services_end",
            "kaigo_loss",
            "seikatsu_hogo_death",
            "severe_disability_medical_return",
        ],
    ),
    Family(
        "died on the day before the 65th birthday: already category 1 of long-term care",
        {
            "deceased": {
                "date_of_birth": "1961-11-20",
                "date_of_death": "2026-11-19",
                "health_insurance": "kokuho",
            }
        },
        ["kaigo_loss", "kokuho_funeral_allowance", "kokuho_loss"],
    ),
    Family(
        "died two days before the 65th birthday: not yet category 1",
        {
            "deceased": {
                "date_of_birth": "1961-11-20",
                "date_of_death": "2026-11-18",
                "health_insurance": "kokuho",
            }
        },
        ["kokuho_funeral_allowance", "kokuho_loss"],
    ),
    Family(
        "62-year-old self-employed husband; his wife (60) had no children with him; land in another city",
        {
            "deceased": {
                "date_of_birth": "1964-05-20",
                "date_of_death": "2026-10-01",
                "health_insurance": "kokuho",
                "is_householder": True,
            },
            "household": {
                "remaining_members": 1,
                "remaining_members_aged_15_plus": 1,
                "remaining_kokuho_members": 1,
            },
            "pension": {"insured_category": "no1", "no1_contribution_36m_plus": True},
            "survivors": {"same_livelihood_family": True},
            "tax": {"resident_tax_payer": True, "income_tax_filer": True},
            "assets": {"real_estate_any": True},
        },
        [
            "city_tax_heir_representative",
            "kokuho_funeral_allowance",
            "kokuho_householder_change",
            "kokuho_loss",
            "pension_lump_sum_or_widow",
        ],
        ["inheritance_registration", "quasi_final_tax_return"],
    ),
    Family(
        "40-year-old employee; the family does not know his pension category; two small children",
        {
            "deceased": {
                "date_of_birth": "1986-12-12",
                "date_of_death": "2026-11-15",
                "health_insurance": "employee",
            },
            "pension": {"insured_category": "unknown"},
            "survivors": {
                "has_child_under_18": True,
                "financially_dependent_family": True,
                "were_dependents_on_employee_insurance": True,
            },
            "cards": {"mynumber_card": True},
        },
        ["kokuho_enrol_survivors", "mynumber_card_return"],
        ["employer_insurance_loss_burial"],
        ["survivor_basic_pension_no1", "survivor_employee_pension"],
    ),
    Family(
        "85-year-old householder; three remain but the visitor is unsure how many are 15 or over",
        {
            "deceased": {
                "date_of_birth": "1941-02-02",
                "date_of_death": "2026-11-21",
                "health_insurance": "kouki",
                "is_householder": True,
            },
            "household": {"remaining_members": 3, "remaining_members_aged_15_plus": "unknown"},
        },
        ["kaigo_loss", "kouki_funeral_allowance", "kouki_loss"],
        to_confirm=["household_head_change"],
    ),
    Family(
        "the same household under the Kawasaki wording: three remain, so the count of adults does not matter",
        {
            "deceased": {
                "date_of_birth": "1941-02-02",
                "date_of_death": "2026-11-21",
                "health_insurance": "kouki",
                "is_householder": True,
            },
            "household": {"remaining_members": 3, "remaining_members_aged_15_plus": "unknown"},
        },
        ["household_head_change", "kaigo_loss", "kouki_funeral_allowance", "kouki_loss"],
        mode="kawasaki_simple",
    ),
    Family(
        "73-year-old retired civil servant with high hospital bills; his dog died too; certificates wanted",
        {
            "deceased": {
                "date_of_birth": "1953-06-30",
                "date_of_death": "2026-11-08",
                "health_insurance": "kokuho",
                "high_medical_or_care_costs": True,
            },
            "pension": {"receiving": "kyosai"},
            "pets": {"deceased_registered_dog_owner": True, "registered_dog_died": True},
            "applicant": {"requests_certificates": True},
        },
        [
            "certificate_request",
            "dog_death_report",
            "dog_owner_change",
            "high_cost_medical_claim",
            "kaigo_loss",
            "kokuho_funeral_allowance",
            "kokuho_loss",
        ],
        ["pension_death_report_employee"],
    ),
    Family(
        "50-year-old whose householder status is unknown to the visiting cousin",
        {
            "deceased": {
                "date_of_birth": "1976-01-15",
                "date_of_death": "2026-11-11",
                "health_insurance": "kokuho",
                "is_householder": "unknown",
            },
            "household": {
                "remaining_members": 2,
                "remaining_members_aged_15_plus": 2,
                "remaining_kokuho_members": 1,
            },
        },
        ["kokuho_funeral_allowance", "kokuho_loss"],
        to_confirm=["household_head_change", "kokuho_householder_change"],
    ),
    Family(
        "58-year-old employee; funeral plans unknown — a known 'no' outweighs the unknown for NHI allowances",
        {
            "deceased": {
                "date_of_birth": "1968-10-10",
                "date_of_death": "2026-11-25",
                "health_insurance": "employee",
            },
            "funeral": {"performed_or_planned": "unknown"},
        },
        [],
        ["employer_insurance_loss_burial"],
    ),
]


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.story[:60])
def test_each_family_is_guided_to_exactly_its_procedures(family: Family) -> None:
    plan = make_plan(parse_intake(family.intake, TODAY), default_catalogue(), family.mode)
    assert plan.ids() == {
        "municipal": sorted(family.municipal),
        "external": sorted(family.external),
        "to_confirm": sorted(family.to_confirm),
    }


def test_there_are_at_least_fifteen_families() -> None:
    assert len({f.story for f in FAMILIES}) >= 15


@pytest.mark.parametrize(
    ("intake", "field", "message"),
    [
        (
            {
                "deceased": {
                    "date_of_birth": "1950-02-30",
                    "date_of_death": "2026-11-01",
                    "health_insurance": "kokuho",
                }
            },
            "deceased.date_of_birth",
            "not a real date",
        ),
        (
            {
                "deceased": {
                    "date_of_birth": "1950-02-01",
                    "date_of_death": "1949-11-01",
                    "health_insurance": "kokuho",
                }
            },
            "deceased.date_of_death",
            "before the date of birth",
        ),
        (
            {
                "deceased": {
                    "date_of_birth": "1950-02-01",
                    "date_of_death": "2026-12-01",
                    "health_insurance": "kokuho",
                }
            },
            "deceased.date_of_death",
            "in the future",
        ),
        (
            {"deceased": {"date_of_birth": "1950-02-01", "health_insurance": "kokuho"}},
            "deceased.date_of_death",
            "needed",
        ),
        (
            {
                "deceased": {
                    "date_of_birth": "1950-02-01",
                    "date_of_death": "2026-11-01",
                    "health_insurance": "shakai",
                }
            },
            "deceased.health_insurance",
            "not one of the choices",
        ),
        (
            {
                "deceased": {
                    "date_of_birth": "1950-02-01",
                    "date_of_death": "2026-11-01",
                    "health_insurance": "kokuho",
                    "favourite_colour": "blue",
                }
            },
            "deceased.favourite_colour",
            "not a question",
        ),
        (
            {
                "deceased": {
                    "date_of_birth": "1950-02-01",
                    "date_of_death": "2026-11-01",
                    "health_insurance": "kokuho",
                    "is_householder": "yes",
                }
            },
            "deceased.is_householder",
            "Answer yes, no",
        ),
        (
            {
                "deceased": {
                    "date_of_birth": "1950-02-01",
                    "date_of_death": "2026-11-01",
                    "health_insurance": "kokuho",
                },
                "household": {"remaining_members": 1, "remaining_members_aged_15_plus": 2},
            },
            "household.remaining_members_aged_15_plus",
            "more than the people remaining",
        ),
        (
            {
                "deceased": {
                    "date_of_birth": "1950-02-01",
                    "date_of_death": "2026-11-01",
                    "health_insurance": "kokuho",
                    "cause_of_death": "x",
                }
            },
            "deceased.cause_of_death",
            "not collected",
        ),
        (
            {
                "deceased": {
                    "date_of_birth": "1950-02-01",
                    "date_of_death": "2026-11-01",
                    "health_insurance": "kokuho",
                    "kaigo_category1": True,
                }
            },
            "deceased.kaigo_category1",
            "worked out",
        ),
    ],
)
def test_impossible_or_unknown_answers_are_named(intake: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(IntakeError) as caught:
        parse_intake(intake, TODAY)
    assert field in caught.value.errors and message in caught.value.errors[field]
