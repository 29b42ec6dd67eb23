"""The desk's intake: which answers exist, their defaults, and turning a family's answers into the
complete, checked set of values the rules read.

Fields use dotted names grouped as on the questionnaire (``deceased.*``, ``household.*`` …). Any
rule-driving answer may be ``"unknown"`` (わからない). A missing answer takes its default, so a short
intake from a family who only knows a few things still gives a useful guide.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from server.i18n import N_
from server.okuyami.rules import UNKNOWN, Scalar, Value

ENUMS: dict[str, tuple[str, ...]] = {
    "deceased.health_insurance": ("kokuho", "kouki", "employee", "employee_dependent", "none"),
    "pension.receiving": ("none", "kokumin_only", "kosei", "kyosai"),
    "pension.insured_category": ("none", "no1", "no2", "no3"),
}

# The health insurance has no default: the desk must ask (or look it up and answer "unknown").
ENUM_DEFAULTS: dict[str, str] = {"pension.receiving": "none", "pension.insured_category": "none"}

# Yes/no answers and their defaults (a family that says nothing about a card did not have one).
BOOLEANS: dict[str, bool] = {
    "death.registration_submitted": True,
    "funeral.performed_or_planned": True,
    **{
        f"deceased.{name}": False
        for name in [
            "is_householder",
            "kaigo_certified",
            "high_medical_or_care_costs",
            "jidou_teate_recipient",
            "counted_in_jidou_teate",
            "jidou_fuyou_teate_recipient",
            "special_permanent_resident",
            "residence_card_holder",
        ]
    },
    "pension.no1_contribution_36m_plus": False,
    **{
        f"survivors.{name}": False
        for name in [
            "were_dependents_on_employee_insurance",
            "spouse_category3_under_60",
            "has_child_under_18",
            "single_parent_or_guardian_household",
            "financially_dependent_family",
            "same_livelihood_family",
            "child_has_child_medical_cert",
            "child_medical_cert_applicant_was_deceased",
        ]
    },
    **{
        f"cards.{name}": False
        for name in [
            "seal_registration",
            "mynumber_card",
            "juki_card",
            "disability_handbook",
            "severe_disability_medical_cert",
            "child_medical_cert",
            "single_parent_medical_cert",
            "elderly_bus_pass",
            "driver_license",
        ]
    },
    **{f"welfare.{name}": False for name in ("seikatsu_hogo", "disability_services", "elderly_services")},
    **{f"tax.{name}": False for name in ("resident_tax_payer", "income_tax_filer")},
    **{
        f"assets.{name}": False
        for name in [
            "real_estate_in_kawasaki",
            "real_estate_any",
            "moped_or_small_special",
            "kei_car",
            "registered_vehicle",
            "municipal_cemetery_user",
        ]
    },
    **{
        f"services.{name}": False
        for name in (
            "water_account_holder",
            "municipal_housing_named_tenant",
            "municipal_housing_member_not_tenant",
        )
    },
    **{f"pets.{name}": False for name in ("deceased_registered_dog_owner", "registered_dog_died")},
    "applicant.requests_certificates": False,
    # Facts about the visitor that decide who may file; they drive no rule.
    "applicant.same_household": False,
    "applicant.is_heir": False,
    "applicant.is_chief_mourner": False,
    "applicant.has_power_of_attorney": False,
}

COUNTS: dict[str, int] = {
    "household.remaining_members": 0,
    "household.remaining_members_aged_15_plus": 0,
    "household.remaining_kokuho_members": 0,
}

REQUIRED_DATES = ("deceased.date_of_birth", "deceased.date_of_death")
OPTIONAL_DATES = ("funeral.date", "applicant.date_of_birth")
BIRTH, DEATH = REQUIRED_DATES
FUNERAL = "funeral.date"
# Answers without a default, with what to say when they are missing: the desk must ask (or answer "unknown").
ALWAYS_ASKED = {"deceased.health_insurance": N_("Say which health insurance, or don't know.")}
# The household counts that are parts of the remaining members and cannot exceed them.
HOUSEHOLD_TOTAL = "household.remaining_members"
HOUSEHOLD_PARTS = ("household.remaining_members_aged_15_plus", "household.remaining_kokuho_members")
COUNT_MAX = 99

# Free text printed on forms and the guide; never read by a rule.
TEXTS = [
    "deceased.name_kanji",
    "deceased.name_kana",
    "deceased.sex",
    "deceased.address",
    "deceased.honseki",
    "funeral.chief_mourner_name",
    "applicant.name_kanji",
    "applicant.name_kana",
    "applicant.address",
    "applicant.phone",
    "applicant.relationship",
    "applicant.id_document_type",
    "applicant.preferred_language",
]
TEXT_MAX = 200
DECEASED_NAME = "deceased.name_kanji"  # the name a guide is headed with

DERIVED = "deceased.kaigo_category1"

# Things a family might offer that the desk must not keep (利用目的の明示 promises this).
NOT_COLLECTED = {
    "deceased.cause_of_death": N_("The cause of death is not collected."),
    "deceased.my_number": N_("My Number digits are not collected."),
    "applicant.my_number": N_("My Number digits are not collected."),
    "applicant.bank_account": N_("Bank account numbers are not stored; they go only onto a printed form."),
    "funeral.bank_account": N_("Bank account numbers are not stored; they go only onto a printed form."),
    "cards.disability_grade": N_("Disability grades are not collected, only whether there was a handbook."),
}

RULE_FIELDS: dict[str, type[bool] | type[int] | tuple[str, ...]] = {
    **dict.fromkeys(BOOLEANS, bool),
    DERIVED: bool,
    **dict.fromkeys(COUNTS, int),
    **ENUMS,
}


def rule_type(path: str) -> type[bool] | type[int] | tuple[str, ...]:
    """The type a rule may rely on for a field; KeyError for a field rules cannot read."""
    return RULE_FIELDS[path]


class IntakeError(ValueError):
    """One or more answers cannot be used. ``errors`` maps each field to a message (an English msgid the
    page translates); ``details`` adds, for the command line, what was given and what is allowed."""

    def __init__(self, errors: dict[str, str], details: dict[str, str]) -> None:
        self.errors = errors
        self.details = details
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))

    def lines(self) -> list[str]:
        return [
            f"{name}: {message}" + (f" ({self.details[name]})" if name in self.details else "")
            for name, message in self.errors.items()
        ]


@dataclass(frozen=True)
class Intake:
    """Checked answers with defaults applied and the derived field computed."""

    values: dict[str, Value]
    dates: dict[str, date]
    texts: dict[str, str]
    given: frozenset[str]

    @property
    def date_of_death(self) -> date:
        return self.dates[DEATH]


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"deceased": {"is_householder": true}}`` → ``{"deceased.is_householder": True}``. Already
    dotted keys are accepted too, so a form post and a JSON file share one parser."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _is_unknown(value: object) -> bool:
    return value is None or value == "unknown"


def sixty_fifth_birthday_eve(born: date) -> date:
    """The day a person reaches 65 in law (the day before the 65th birthday). Someone born on
    29 February has the birthday on 1 March in a common year, so the eve is 28 February either way."""
    year = born.year + 65
    try:
        birthday = born.replace(year=year)
    except ValueError:
        birthday = date(year, 3, 1)
    return birthday - timedelta(days=1)


def kaigo_category1(born: date, died: date) -> bool:
    """Whether the deceased was a category-1 long-term-care insured (65 or over in law) on death."""
    return died >= sixty_fifth_birthday_eve(born)


def _parse_date(name: str, raw: object, errors: dict[str, str]) -> date | None:
    try:
        if isinstance(raw, str) and len(raw.strip()) == 10:
            return date.fromisoformat(raw.strip())
    except ValueError:
        pass
    errors[name] = N_("This is not a real date (year-month-day).")
    return None


def parse_intake(data: Mapping[str, Any], today: date) -> Intake:
    """Check every answer and apply the defaults. Raises IntakeError naming each bad field."""
    flat = flatten(data)
    errors: dict[str, str] = {}
    details: dict[str, str] = {}
    values: dict[str, Value] = {}
    dates: dict[str, date] = {}
    texts: dict[str, str] = {}

    for name, raw in flat.items():
        if name in NOT_COLLECTED:
            errors[name] = NOT_COLLECTED[name]
        elif name == DERIVED:
            errors[name] = N_("This is worked out from the dates of birth and death; do not enter it.")
        elif name in BOOLEANS:
            if _is_unknown(raw):
                values[name] = UNKNOWN
            elif isinstance(raw, bool):
                values[name] = raw
            else:
                errors[name] = N_("Answer yes, no or don't know.")
                details[name] = f'got {raw!r}; use true, false or "unknown"'
        elif name in COUNTS:
            if _is_unknown(raw):
                values[name] = UNKNOWN
            elif isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw <= COUNT_MAX:
                values[name] = raw
            else:
                errors[name] = N_("Enter a number of people from 0 to 99, or don't know.")
                details[name] = f"got {raw!r}"
        elif name in ENUMS:
            if _is_unknown(raw):
                values[name] = UNKNOWN
            elif raw in ENUMS[name]:
                values[name] = raw
            else:
                errors[name] = N_("This is not one of the choices.")
                details[name] = f"got {raw!r}; one of {', '.join(ENUMS[name])}, unknown"
        elif name in REQUIRED_DATES or name in OPTIONAL_DATES:
            if raw is None or raw == "":
                continue
            parsed = _parse_date(name, raw, errors)
            if parsed is not None:
                dates[name] = parsed
        elif name in TEXTS:
            if raw is None:
                continue
            if not isinstance(raw, str):
                errors[name] = N_("Enter text here.")
            elif len(raw) > TEXT_MAX:
                errors[name] = N_("Keep this under 200 characters.")
            elif raw.strip():
                texts[name] = raw.strip()
        else:
            errors[name] = N_("This is not a question of the intake.")

    for name, message in ALWAYS_ASKED.items():
        if name not in flat:
            errors.setdefault(name, message)
    for name in REQUIRED_DATES:
        if name not in flat or flat[name] in (None, ""):
            errors.setdefault(name, N_("This date is needed."))
    born, died = dates.get(BIRTH), dates.get(DEATH)
    if born and born > today:
        errors.setdefault(BIRTH, N_("The date of birth is in the future."))
    if died and died > today:
        errors.setdefault(DEATH, N_("The date of death is in the future."))
    if born and died and died < born:
        errors.setdefault(DEATH, N_("The date of death is before the date of birth."))
    funeral = dates.get(FUNERAL)
    if funeral and died and funeral < died:
        errors.setdefault(FUNERAL, N_("The funeral cannot be before the death."))
    counts = {name: values.get(name) for name in COUNTS}
    total = counts[HOUSEHOLD_TOTAL]
    if isinstance(total, int):
        for part in HOUSEHOLD_PARTS:
            value = counts[part]
            if isinstance(value, int) and value > total:
                errors.setdefault(part, N_("This is more than the people remaining in the household."))
    if errors:
        raise IntakeError(errors, details)

    given = frozenset(values)
    defaults: dict[str, Value] = {**BOOLEANS, **COUNTS, **ENUM_DEFAULTS}
    for name, default in defaults.items():
        values.setdefault(name, default)
    assert born is not None and died is not None
    values[DERIVED] = kaigo_category1(born, died)
    return Intake(values=values, dates=dates, texts=texts, given=given)


def scalar(value: Value) -> Scalar | None:
    """A value as JSON writes it; UNKNOWN becomes ``"unknown"``."""
    return "unknown" if value is UNKNOWN else value
