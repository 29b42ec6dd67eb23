"""Which work appears on whose home page. Features add their cards here as they are built."""

from __future__ import annotations

from dataclasses import dataclass

from server.i18n import N_
from server.models import Role


@dataclass(frozen=True)
class WorkCard:
    title: str
    description: str
    href: str
    roles: frozenset[Role]


CARDS = (
    WorkCard(
        N_("Service improvement plan"),
        N_("This year's plan: its policies, what sections and teams do, the items the city requires."),
        "/plan",
        frozenset(Role),
    ),
    WorkCard(
        N_("Service promotion teams"),
        N_("The five working teams and the council: members from every section and what each team does."),
        "/teams",
        frozenset(Role),
    ),
    WorkCard(
        N_("Workplace inspections"),
        N_("Walk through counters, signs and safety with the checklist; works offline."),
        "/inspections",
        frozenset({Role.STAFF, Role.CHIEF, Role.MANAGER}),
    ),
    WorkCard(
        N_("Corrective actions"),
        N_("What inspections found and who fixes it by when; overdue ones first."),
        "/actions",
        frozenset({Role.STAFF, Role.CHIEF, Role.MANAGER}),
    ),
    WorkCard(
        N_("Service standards self-check"),
        N_("This period's self-check: one tap per standard. Works offline."),
        "/self-check",
        frozenset({Role.STAFF, Role.CHIEF}),
    ),
    WorkCard(
        N_("Section self-check"),
        N_("Who has answered, reminders, the section's compliance rate, confirming the period."),
        "/self-check/section",
        frozenset({Role.CHIEF}),
    ),
    WorkCard(
        N_("Section service goals"),
        N_("This fiscal year's goals of your section and their progress. Works offline."),
        "/goals",
        frozenset({Role.STAFF, Role.CHIEF, Role.MANAGER}),
    ),
    WorkCard(
        N_("Citizen comments"),
        N_("Comments from the box and the web: enter slips, triage, answer, publish and improve."),
        "/feedback",
        frozenset({Role.STAFF, Role.CHIEF, Role.MANAGER}),
    ),
    WorkCard(
        N_("Dashboard"),
        N_("The plan's results per section and month: inspections, actions, comments, sync health."),
        "/dashboard",
        frozenset({Role.CHIEF, Role.MANAGER}),
    ),
    WorkCard(
        N_("Bereavement desk"),
        N_("Purpose notice, the family's questionnaire (works offline) and their personal procedure guide."),
        "/okuyami",
        frozenset({Role.OKUYAMI}),
    ),
    WorkCard(
        N_("Bereavement desk statistics"),
        N_("Visits, handling times and the procedures listed, without names."),
        "/okuyami/statistics",
        frozenset({Role.MANAGER}),
    ),
    WorkCard(
        N_("Compliance rates"),
        N_("Compliance rate against target by section and period, the most-missed standards and the trend."),
        "/compliance",
        frozenset({Role.CHIEF, Role.MANAGER}),
    ),
    WorkCard(
        N_("Compliance targets"),
        N_("The ward's and each section's target compliance rate, and the self-check period length."),
        "/compliance/targets",
        frozenset({Role.MANAGER}),
    ),
    WorkCard(
        N_("Conflicts to decide"),
        N_("Values entered on different tablets that need a decision."),
        "/conflicts",
        frozenset({Role.CHIEF, Role.MANAGER, Role.OKUYAMI}),
    ),
    WorkCard(
        N_("Users"),
        N_("Add staff accounts, set roles and sections, reset passwords."),
        "/admin/users",
        frozenset({Role.ADMIN}),
    ),
    WorkCard(
        N_("Office calendar"),
        N_("National holidays, the New Year break and the ward's own closed days."),
        "/admin/calendar",
        frozenset({Role.ADMIN}),
    ),
    WorkCard(
        N_("Sections"),
        N_("The sections (課) of the ward office and their order."),
        "/admin/sections",
        frozenset({Role.ADMIN}),
    ),
    WorkCard(
        N_("Service standards"),
        N_("The catalogue of ward office service standards: add, reword or retire, with history."),
        "/admin/standards",
        frozenset({Role.ADMIN}),
    ),
    WorkCard(
        N_("Devices"),
        N_("Tablets that sync: last contact, unsent changes, revoking a lost one."),
        "/admin/devices",
        frozenset({Role.ADMIN}),
    ),
    WorkCard(
        N_("Audit log"),
        N_("Who viewed or changed personal data, and when."),
        "/admin/audit",
        frozenset({Role.ADMIN}),
    ),
    WorkCard(
        N_("Inspection rounds"),
        N_("Which workplace inspections were done this fiscal year, which are due and which were missed."),
        "/inspections/rounds",
        frozenset({Role.STAFF, Role.CHIEF, Role.MANAGER, Role.ADMIN}),
    ),
    WorkCard(
        N_("Inspection templates"),
        N_("The checklists of the workplace inspections: edit a new version and publish it."),
        "/admin/templates",
        frozenset({Role.ADMIN}),
    ),
    WorkCard(
        N_("Sync status"),
        N_("Changes the server did not accept, and your devices."),
        "/sync",
        frozenset(Role),
    ),
)


def work_for(role: Role) -> list[WorkCard]:
    return [card for card in CARDS if role in card.roles]
