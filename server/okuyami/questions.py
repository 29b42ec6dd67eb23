"""The questionnaire as a family answers it: groups in the order of the conversation at the desk, each
question tied to one intake field, and the earlier answer that makes a question matter."""

from __future__ import annotations

from dataclasses import dataclass

from server.i18n import N_

YES, NO, UNKNOWN = "true", "false", "unknown"


@dataclass(frozen=True)
class Question:
    field: str
    label: str
    kind: str  # yesno, count, enum, date, text
    choices: tuple[tuple[str, str], ...] = ()
    show_if: tuple[str, tuple[str, ...]] | None = None  # shown only when that answer is one of these
    required: bool = False


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    questions: tuple[Question, ...]


def _yn(field: str, label: str, show_if: tuple[str, tuple[str, ...]] | None = None) -> Question:
    return Question(field, label, "yesno", show_if=show_if)


_HOUSEHOLDER = ("deceased.is_householder", (YES, UNKNOWN))

GROUPS: tuple[Group, ...] = (
    Group(
        "deceased",
        N_("The deceased"),
        (
            Question("deceased.name_kanji", N_("Name"), "text"),
            Question("deceased.name_kana", N_("Name in kana"), "text"),
            Question("deceased.date_of_birth", N_("Date of birth"), "date", required=True),
            Question("deceased.date_of_death", N_("Date of death"), "date", required=True),
            Question("deceased.address", N_("Registered address"), "text"),
            _yn("death.registration_submitted", N_("Has the death registration been submitted?")),
            _yn("deceased.special_permanent_resident", N_("Was the deceased a special permanent resident?")),
            _yn("deceased.residence_card_holder", N_("Did the deceased hold a residence card?")),
        ),
    ),
    Group(
        "household",
        N_("Household"),
        (
            _yn("deceased.is_householder", N_("Was the deceased the head of the household?")),
            Question(
                "household.remaining_members",
                N_("How many people remain in the household?"),
                "count",
                show_if=_HOUSEHOLDER,
            ),
            Question(
                "household.remaining_members_aged_15_plus",
                N_("How many of them are 15 or older?"),
                "count",
                show_if=_HOUSEHOLDER,
            ),
            Question(
                "household.remaining_kokuho_members",
                N_("How many of them are in the National Health Insurance?"),
                "count",
                show_if=_HOUSEHOLDER,
            ),
        ),
    ),
    Group(
        "insurance",
        N_("Insurance and pension"),
        (
            Question(
                "deceased.health_insurance",
                N_("Health insurance of the deceased"),
                "enum",
                (
                    ("kokuho", N_("National Health Insurance")),
                    ("kouki", N_("Late-stage elderly medical care")),
                    ("employee", N_("Employer's insurance, insured person")),
                    ("employee_dependent", N_("Employer's insurance, as a dependant")),
                    ("none", N_("None (public assistance)")),
                ),
                required=True,
            ),
            _yn(
                "survivors.were_dependents_on_employee_insurance",
                N_("Was anyone in the family a dependant on the deceased's employer insurance?"),
                ("deceased.health_insurance", ("employee", UNKNOWN)),
            ),
            _yn("deceased.kaigo_certified", N_("Was the deceased certified as needing care or support?")),
            _yn(
                "deceased.high_medical_or_care_costs",
                N_("Were hospital or care costs high (a refund may be due)?"),
            ),
            Question(
                "pension.receiving",
                N_("Public pension the deceased received"),
                "enum",
                (
                    ("none", N_("None")),
                    ("kokumin_only", N_("National pension only")),
                    ("kosei", N_("Including employees' pension")),
                    ("kyosai", N_("Mutual aid pension")),
                ),
            ),
            Question(
                "pension.insured_category",
                N_("Pension category at the time of death"),
                "enum",
                (
                    ("none", N_("Not insured")),
                    ("no1", N_("Category 1 (self-employed and others)")),
                    ("no2", N_("Category 2 (employee or civil servant)")),
                    ("no3", N_("Category 3 (dependent spouse)")),
                ),
            ),
            _yn(
                "pension.no1_contribution_36m_plus",
                N_("Did the deceased pay national pension contributions for 36 months or more?"),
                ("pension.receiving", ("none", UNKNOWN)),
            ),
            _yn(
                "survivors.spouse_category3_under_60",
                N_("Is the spouse under 60 and was a category 3 dependant?"),
                ("pension.insured_category", ("no2", UNKNOWN)),
            ),
        ),
    ),
    Group(
        "cards",
        N_("Handbooks and cards"),
        (
            _yn("cards.seal_registration", N_("Seal registration card")),
            _yn("cards.mynumber_card", N_("My Number card")),
            _yn("cards.juki_card", N_("Basic Resident Register card")),
            _yn("cards.disability_handbook", N_("Disability handbook")),
            _yn("cards.severe_disability_medical_cert", N_("Severe disability medical certificate")),
            _yn("cards.child_medical_cert", N_("Child medical certificate in the deceased's name")),
            _yn("cards.single_parent_medical_cert", N_("Single-parent family medical certificate")),
            _yn("cards.elderly_bus_pass", N_("Elderly bus pass")),
            _yn("cards.driver_license", N_("Driving licence")),
        ),
    ),
    Group(
        "welfare",
        N_("Welfare"),
        (
            _yn("welfare.seikatsu_hogo", N_("Did the deceased receive public assistance?")),
            _yn("welfare.disability_services", N_("Did the deceased use disability welfare services?")),
            _yn("welfare.elderly_services", N_("Did the deceased use elderly welfare services?")),
            _yn("deceased.jidou_teate_recipient", N_("Did the deceased receive the child allowance?")),
            _yn(
                "deceased.counted_in_jidou_teate",
                N_("Was the deceased a child counted for the child allowance?"),
            ),
            _yn(
                "deceased.jidou_fuyou_teate_recipient",
                N_("Did the deceased receive the child-rearing allowance?"),
            ),
        ),
    ),
    Group(
        "tax",
        N_("Taxes and property"),
        (
            _yn("tax.resident_tax_payer", N_("Did the deceased pay resident tax?")),
            _yn("tax.income_tax_filer", N_("Did the deceased file income tax returns?")),
            _yn("assets.real_estate_in_kawasaki", N_("Land or buildings in Kawasaki")),
            _yn("assets.real_estate_any", N_("Land or buildings elsewhere")),
            _yn("assets.moped_or_small_special", N_("Moped or small special vehicle")),
            _yn("assets.kei_car", N_("Kei car")),
            _yn("assets.registered_vehicle", N_("Car or motorcycle over 125 cc")),
            _yn("assets.municipal_cemetery_user", N_("User of a municipal cemetery plot")),
            _yn("services.water_account_holder", N_("Holder of the water account")),
            _yn("services.municipal_housing_named_tenant", N_("Named tenant of municipal housing")),
            _yn(
                "services.municipal_housing_member_not_tenant", N_("Member of a municipal housing household")
            ),
            _yn("pets.deceased_registered_dog_owner", N_("Owner of a registered dog")),
            _yn("pets.registered_dog_died", N_("Has a registered dog died?")),
        ),
    ),
    Group(
        "funeral",
        N_("Funeral"),
        (
            _yn(
                "funeral.performed_or_planned",
                N_("Was a funeral (or cremation only) held or is one planned?"),
            ),
            Question(
                "funeral.date",
                N_("Date of the funeral"),
                "date",
                show_if=("funeral.performed_or_planned", (YES,)),
            ),
            Question(
                "funeral.chief_mourner_name",
                N_("Chief mourner"),
                "text",
                show_if=("funeral.performed_or_planned", (YES,)),
            ),
        ),
    ),
    Group(
        "family",
        N_("Family"),
        (
            _yn(
                "survivors.has_child_under_18",
                N_("Are there children up to the end of the school year they turn 18?"),
            ),
            _yn(
                "survivors.single_parent_or_guardian_household",
                N_("Does the family become a single-parent or guardian household?"),
            ),
            _yn(
                "survivors.financially_dependent_family",
                N_("Was anyone supported financially by the deceased?"),
            ),
            _yn("survivors.same_livelihood_family", N_("Did anyone share a livelihood with the deceased?")),
            _yn(
                "survivors.child_has_child_medical_cert", N_("Does a child have a child medical certificate?")
            ),
            _yn(
                "survivors.child_medical_cert_applicant_was_deceased",
                N_("Was the deceased the applicant for that certificate?"),
                ("survivors.child_has_child_medical_cert", (YES, UNKNOWN)),
            ),
        ),
    ),
    Group(
        "applicant",
        N_("Visitor"),
        (
            Question("applicant.name_kanji", N_("Visitor's name"), "text"),
            Question("applicant.relationship", N_("Relationship to the deceased"), "text"),
            Question("applicant.phone", N_("Phone number"), "text"),
            _yn("applicant.same_household", N_("Was the visitor in the same household?")),
            _yn(
                "applicant.requests_certificates",
                N_("Does the visitor need certificates (resident record, family register)?"),
            ),
        ),
    ),
)

QUESTIONS = {q.field: q for group in GROUPS for q in group.questions}
COUNT_CHOICES = tuple(str(n) for n in range(10))


def answers_from_form(form: dict[str, str]) -> tuple[dict[str, object], dict[str, str]]:
    """Form strings → typed intake answers (dotted names). Hidden and unanswered questions are left out
    so they take their defaults. Returns the answers and the fields whose text could not be read."""
    answers: dict[str, object] = {}
    errors: dict[str, str] = {}
    for name, raw in form.items():
        question = QUESTIONS.get(name)
        if question is None:
            continue
        value = raw.strip()
        if question.show_if and form.get(question.show_if[0], "") not in question.show_if[1]:
            continue
        if value == "":
            if question.required and question.kind != "enum":
                answers[name] = ""  # the intake names the missing date
            continue
        if value == UNKNOWN and question.kind in ("yesno", "count", "enum"):
            answers[name] = "unknown"
        elif question.kind == "yesno":
            if value not in (YES, NO):
                errors[name] = N_("Answer yes, no or don't know.")
                continue
            answers[name] = value == YES
        elif question.kind == "count":
            if not value.isdigit():
                errors[name] = N_("Enter a number of people from 0 to 99, or don't know.")
                continue
            answers[name] = int(value)
        else:
            answers[name] = value
    return answers, errors
