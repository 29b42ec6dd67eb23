"""Reading the audit log: what each recorded action and target is called, and the filters (person,
action, dates in Japan time)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from server.i18n import N_
from server.models import AuditEvent, User
from server.timekeeping import OFFICE_TZ

# Every action the app records; an action recorded by newer code than this list shows its code.
ACTION_LABELS = {
    "login": N_("Signed in"),
    "login_failed": N_("Sign-in failed"),
    "logout": N_("Signed out"),
    "audit_log_viewed": N_("Viewed the audit log"),
    "user_created": N_("Account created"),
    "user_updated": N_("Account changed"),
    "section_saved": N_("Section saved"),
    "device_revoked": N_("Device revoked"),
    "device_renamed": N_("Device renamed"),
    "standard_saved": N_("Service standard saved"),
    "standard_retired": N_("Service standard retired"),
    "standard_reinstated": N_("Service standard reinstated"),
    "compliance_targets_saved": N_("Compliance targets saved"),
    "self_check_confirmed": N_("Self-check period confirmed"),
    "goals_copied_forward": N_("Goals copied into the next year"),
    "inspection_template_published": N_("Inspection template published"),
    "inspection_round_saved": N_("Inspection round saved"),
    "conflict_viewed": N_("Conflict viewed"),
    "conflict_resolved": N_("Conflict decided"),
    "report.pdf": N_("Report downloaded as PDF"),
    "feedback.contact.view": N_("Resident's contact details viewed"),
    "feedback.publish": N_("Comment published"),
    "okuyami.cases_listed": N_("Bereavement cases listed"),
    "okuyami.intake_viewed": N_("Bereavement intake viewed"),
    "okuyami.guide_viewed": N_("Bereavement guide viewed"),
    "okuyami.guide_printed": N_("Bereavement guide printed"),
    "okuyami.guide_pdf": N_("Bereavement guide downloaded as PDF"),
    "okuyami.progress_saved": N_("Bereavement procedure progress saved"),
    "okuyami.sheet_viewed": N_("Bereavement sheet viewed"),
    "okuyami.sheet_pdf": N_("Bereavement sheet downloaded as PDF"),
    "okuyami.notice_shown": N_("Bereavement notice shown"),
    "okuyami.appointments_viewed": N_("Bereavement appointments viewed"),
    "okuyami.appointment_booked": N_("Bereavement appointment booked"),
    "okuyami.appointment_cancelled": N_("Bereavement appointment cancelled"),
    "okuyami.case_purged": N_("Bereavement case purged"),
    "okuyami.retention_purge": N_("Retention purge of bereavement cases"),
}
TARGET_LABELS = {
    "user": N_("Account"),
    "section": N_("Section"),
    "device": N_("Device"),
    "feedback": N_("Citizen comment"),
    "fiscal_year": N_("Fiscal year"),
    "inspection_round": N_("Inspection round"),
    "inspection_template": N_("Inspection template"),
    "okuyami_appointment": N_("Bereavement appointment"),
    "okuyami_case": N_("Bereavement case"),
    "report": N_("Report"),
    "service_standard": N_("Service standard"),
    "section_goals": N_("Section goal"),
    "self_check_answers": N_("Self-check answer"),
    "inspections": N_("Inspection"),
    "inspection_answers": N_("Inspection answer"),
    "corrective_actions": N_("Corrective action"),
}


@dataclass(frozen=True)
class AuditFilters:
    login: str = ""
    action: str = ""
    since: dt.date | None = None
    until: dt.date | None = None

    @staticmethod
    def parse(login: str | None, action: str | None, since: str | None, until: str | None) -> AuditFilters:
        def day(text: str | None) -> dt.date | None:
            try:
                return dt.date.fromisoformat(text) if text else None
            except ValueError:
                return None

        return AuditFilters((login or "").strip(), (action or "").strip(), day(since), day(until))

    def as_query(self) -> str:
        pairs = {"who": self.login, "action": self.action, "since": self.since, "until": self.until}
        return "&".join(f"{key}={value}" for key, value in pairs.items() if value)


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight in Japan: the log's dates are the office's, whatever the stored zone."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=OFFICE_TZ)


async def events(filters: AuditFilters, before: int | None, limit: int) -> list[AuditEvent]:
    query = AuditEvent.all()
    if before is not None:
        query = query.filter(id__lt=before)
    if filters.login:
        query = query.filter(login=filters.login)
    if filters.action:
        query = query.filter(action=filters.action)
    if filters.since:
        query = query.filter(at__gte=_start_of(filters.since))
    if filters.until:
        query = query.filter(at__lt=_start_of(filters.until + dt.timedelta(days=1)))
    return await query.order_by("-id").limit(limit)


async def people() -> dict[str, str]:
    """Every account's name by login, for the "who" column and the filter."""
    return {u.login: u.display_name for u in await User.all().order_by("display_name")}


def target_of(event: AuditEvent, names_by_id: dict[str, str]) -> dict[str, Any]:
    """What an entry was about: its kind in words, and a person's name instead of an account number."""
    label = TARGET_LABELS.get(event.target_type, "")
    shown = event.target_id
    if event.target_type == "user" and event.target_id in names_by_id:
        shown = names_by_id[event.target_id]
    return {"label": label, "code": event.target_type, "id": shown}
