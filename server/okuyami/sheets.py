"""申請書の作成支援: what the desk writes onto a procedure's application form for the family, from the
answers given once (Beppu's "write once" idea). Signatures stay handwritten. A bank account is typed only
when printing and goes onto that printout alone: it is never stored."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from server.calendar_ja import format_date
from server.i18n import N_
from server.okuyami.catalogue import Procedure
from server.okuyami.intake import Intake

BANK_FIELDS = ("bank_name", "bank_branch", "account_type", "account_number", "account_holder")
ACCOUNT_TYPES = {"ordinary": N_("Ordinary"), "current": N_("Current")}


def pays_money(procedure: Procedure) -> bool:
    """Procedures that pay into an account ask for it on the form."""
    return any("口座" in doc or "通帳" in doc for doc in procedure.documents)


@dataclass(frozen=True)
class Line:
    label: str  # English msgid
    value: str


def lines_for(procedure: Procedure, intake: Intake) -> list[Line]:
    texts, dates = intake.texts, intake.dates

    def day(name: str) -> str:
        return format_date(dates[name]) if name in dates else ""

    lines = [
        Line(N_("Name of the deceased"), texts.get("deceased.name_kanji", "")),
        Line(N_("Name in kana"), texts.get("deceased.name_kana", "")),
        Line(N_("Date of birth"), day("deceased.date_of_birth")),
        Line(N_("Date of death"), day("deceased.date_of_death")),
        Line(N_("Registered address"), texts.get("deceased.address", "")),
        Line(N_("Applicant"), texts.get("applicant.name_kanji", "")),
        Line(N_("Relationship to the deceased"), texts.get("applicant.relationship", "")),
        Line(N_("Phone number"), texts.get("applicant.phone", "")),
    ]
    if "funeral" in procedure.id:
        lines += [
            Line(N_("Chief mourner"), texts.get("funeral.chief_mourner_name", "")),
            Line(N_("Date of the funeral"), day("funeral.date")),
        ]
    return lines


@dataclass
class BankForm:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> str:
        return self.values.get(name, "")

    @property
    def given(self) -> bool:
        return any(self.values.values())


def parse_bank(data: dict[str, str]) -> BankForm:
    form = BankForm({name: data.get(name, "").strip()[:60] for name in BANK_FIELDS})
    if not form.given:
        return form
    number = form.values["account_number"]
    if number and not re.fullmatch(r"[0-9]{1,8}", number):
        form.errors["account_number"] = N_("An account number has up to 8 digits.")
    if form.values["account_type"] not in ("", *ACCOUNT_TYPES):
        form.errors["account_type"] = N_("Choose one of the choices.")
    return form
