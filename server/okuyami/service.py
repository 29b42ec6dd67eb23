"""Cases of the bereavement desk: reading a case's answers into an intake, its plan and guide, the
statistics managers see (no names), and the retention purge (run by the server on a schedule, or by
``madoguchi okuyami purge``)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import uuid
from collections import Counter
from dataclasses import dataclass

from litestar.exceptions import NotFoundException
from tortoise.transactions import in_transaction

from server import audit
from server.db import checkpoint_sqlite
from server.models import OkuyamiAppointment, OkuyamiCase
from server.monitoring import metrics
from server.office_calendar import service as office_calendar
from server.okuyami.catalogue import default_catalogue
from server.okuyami.guide import Guide, build_guide
from server.okuyami.intake import Intake, IntakeError, parse_intake
from server.okuyami.plan import make_plan
from server.okuyami.questions import answers_from_form
from server.okuyami.records import OKUYAMI_CASES
from server.sync_api.service import SyncService
from server.timekeeping import today as office_today

log = logging.getLogger("madoguchi.okuyami")
# The PostgreSQL advisory lock the instances of one deployment share, so one of them purges at a time.
PURGE_LOCK = 0x6F6B7579616D69  # "okuyami"
# The first scheduled run waits this long after start-up, so a server restarted nightly still purges.
FIRST_PURGE_DELAY_SECONDS = 60.0


async def open_case(case_id: uuid.UUID, ward: str) -> OkuyamiCase:
    """A case of the person's ward; another ward's case is as unknown as a missing one (404)."""
    case = await OkuyamiCase.get_or_none(id=case_id, ward=ward)
    if case is None or case.deleted or case.purged:
        raise NotFoundException("No such case.")
    return case


def form_answers(case: OkuyamiCase) -> dict[str, str]:
    """The questionnaire as typed: field → the text of the chosen answer."""
    try:
        stored = json.loads(case.answers or "{}")
    except json.JSONDecodeError:
        return {}
    return {str(k): str(v) for k, v in stored.items()} if isinstance(stored, dict) else {}


def intake_of(form: dict[str, str], today: dt.date) -> Intake:
    """Check a questionnaire; IntakeError names every field that cannot be used."""
    answers, errors = answers_from_form(form)
    try:
        intake = parse_intake(answers, today)
    except IntakeError as exc:
        raise IntakeError({**exc.errors, **errors}, exc.details) from None
    if errors:
        raise IntakeError(errors, {})
    return intake


def guide_for(intake: Intake, rule_mode: str) -> Guide:
    catalogue = default_catalogue()
    return build_guide(make_plan(intake, catalogue, rule_mode), intake, catalogue)


@dataclass(frozen=True)
class Whereabouts:
    """Where the family is on their round: procedures accepted at a counter, finished, and listed."""

    received: int
    finished: int
    listed: int


def whereabouts(case: OkuyamiCase) -> Whereabouts:
    try:
        listed = set(json.loads(case.procedures or "[]"))
        progress = json.loads(case.progress or "{}")
    except json.JSONDecodeError:
        return Whereabouts(0, 0, 0)
    states = [progress.get(pid, "guided") for pid in listed]
    return Whereabouts(
        received=states.count("received"),
        finished=sum(state in ("done", "not_needed") for state in states),
        listed=len(listed),
    )


@dataclass(frozen=True)
class Statistics:
    cases: int
    closed: int
    per_month: list[tuple[str, int]]
    median_minutes: float | None
    top_procedures: list[tuple[str, int]]


async def statistics(ward: str) -> Statistics:
    """Anonymous figures of one ward only: what a manager may see, and what remains after the purge."""
    rows = await OkuyamiCase.filter(ward=ward).values(
        "visit_date", "status", "procedures", "handling_minutes", "purged"
    )
    months: Counter[str] = Counter()
    procedures: Counter[str] = Counter()
    minutes: list[int] = []
    closed = 0
    for row in rows:
        if row["visit_date"]:
            months[row["visit_date"].strftime("%Y-%m")] += 1
        if row["status"] == "closed" or row["purged"]:
            closed += 1
        if row["handling_minutes"] is not None:
            minutes.append(int(row["handling_minutes"]))
        try:
            procedures.update(json.loads(row["procedures"] or "[]"))
        except json.JSONDecodeError:
            continue
    minutes.sort()
    median = None
    if minutes:
        middle = len(minutes) // 2
        median = float(minutes[middle]) if len(minutes) % 2 else (minutes[middle - 1] + minutes[middle]) / 2
    return Statistics(
        cases=len(rows),
        closed=closed,
        per_month=sorted(months.items()),
        median_minutes=median,
        top_procedures=procedures.most_common(10),
    )


async def due_for_purge(today: dt.date, retention_days: int) -> list[OkuyamiCase]:
    """Closed cases whose retention period has ended and whose personal data is still kept."""
    limit = today - dt.timedelta(days=retention_days)
    return await OkuyamiCase.filter(status="closed", purged=False, closed_on__lte=limit)


class DeskClosed(Exception):
    """The office is closed that day: ``reason`` names the holiday, the New Year break or the closure."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def book_slot(
    ward: str, day: dt.date, slot: int, caller_name: str, caller_phone: str, login: str
) -> OkuyamiAppointment | None:
    """Book a free slot, or None when it is taken; a day the office is closed raises ``DeskClosed``. The
    check and the booking are one transaction, and on
    PostgreSQL the ward's day is locked for it, so two people booking the same slot at the same moment
    (or two server instances) never both succeed. (SQLite: a transaction holds the only connection.)"""
    reason = await office_calendar.closed_reason(ward, day)
    if reason:
        raise DeskClosed(reason)
    async with in_transaction() as conn:
        if conn.capabilities.dialect == "postgres":
            key = f"okuyami-booking:{ward}:{day.isoformat()}"
            await conn.execute_query("SELECT pg_advisory_xact_lock(hashtext($1))", [key])
        if await OkuyamiAppointment.exists(ward=ward, day=day, slot=slot, cancelled=False):
            return None
        return await OkuyamiAppointment.create(
            ward=ward,
            day=day,
            slot=slot,
            caller_name=caller_name,
            caller_phone=caller_phone,
            created_by=login,
        )


async def week_of_slots(
    ward: str, start: dt.date, slots_per_day: int, days: int = 10
) -> list[tuple[dt.date, int]]:
    """The next days the office is open from ``start`` with the number of free slots of each, at the
    ward's desk (weekends, national holidays, the New Year break and the ward's closures left out)."""
    result: list[tuple[dt.date, int]] = []
    calendar = await office_calendar.OfficeCalendar.load(
        ward, start, start + dt.timedelta(days=days * 3 + 14)
    )
    day = start
    while len(result) < days:
        if calendar.is_open(day):
            booked = await OkuyamiAppointment.filter(ward=ward, day=day, cancelled=False).count()
            result.append((day, max(slots_per_day - booked, 0)))
        day += dt.timedelta(days=1)
    return result


@dataclass(frozen=True)
class PurgeReport:
    cases: list[str]  # ids of the cases whose personal data went
    bookings: int  # bookings whose caller's name and number went


async def _purge(sync: SyncService, today: dt.date, retention_days: int) -> PurgeReport:
    limit = today - dt.timedelta(days=retention_days)
    bookings = await OkuyamiAppointment.filter(day__lte=limit).exclude(caller_name="", caller_phone="")
    await OkuyamiAppointment.filter(id__in=[b.id for b in bookings]).update(caller_name="", caller_phone="")
    due = [str(case.id) for case in await due_for_purge(today, retention_days)]
    # Through the engine: each record's content goes and a purge marker tells every tablet to drop it.
    purged = await sync.purge(OKUYAMI_CASES.name, due)
    return PurgeReport(cases=purged, bookings=len(bookings))


async def purge_expired(sync: SyncService, today: dt.date, retention_days: int) -> int:
    """Purge the personal data of every closed case past its retention period, and the callers' names
    of bookings as old; returns how many cases."""
    return len((await _purge(sync, today, retention_days)).cases)


async def retention_run(
    sync: SyncService, today: dt.date, retention_days: int, trigger: str
) -> PurgeReport | None:
    """One audited run of the retention purge. Several server instances may each schedule it: on
    PostgreSQL the run holds an advisory lock for its transaction and an instance that finds it taken
    does nothing (None); and a second run finds nothing left to purge, so running twice is harmless."""
    async with in_transaction() as conn:
        if conn.capabilities.dialect == "postgres":
            rows = await conn.execute_query_dict("SELECT pg_try_advisory_xact_lock($1) AS got", [PURGE_LOCK])
            if not rows[0]["got"]:
                log.info("okuyami retention purge: another instance is running it, skipped")
                return None
        report = await _purge(sync, today, retention_days)
        for case_id in report.cases:
            await audit.record(
                None,
                "okuyami.case_purged",
                login="system",
                target_type="okuyami_case",
                target_id=case_id,
                detail={"trigger": trigger, "retention_days": retention_days},
            )
        await audit.record(
            None,
            "okuyami.retention_purge",
            login="system",
            target_type="okuyami_case",
            detail={
                "trigger": trigger,
                "today": today.isoformat(),
                "retention_days": retention_days,
                "cases": len(report.cases),
                "bookings": report.bookings,
            },
        )
    # The transaction has committed: push the erased pages out of the write-ahead log too (SQLite).
    await checkpoint_sqlite()
    log.info(
        "okuyami retention purge (%s): %d case(s) and %d booking(s) closed before %s purged",
        trigger,
        len(report.cases),
        report.bookings,
        today - dt.timedelta(days=retention_days),
    )
    return report


async def purge_on_schedule(sync: SyncService, retention_days: int, every_hours: int) -> None:
    """The server's own retention purge: a minute after start-up, then every ``every_hours``. A failed run
    is logged and tried again at the next interval; the task ends when the app stops (cancelled)."""
    await asyncio.sleep(FIRST_PURGE_DELAY_SECONDS)
    while True:
        try:
            await retention_run(sync, office_today(), retention_days, "scheduled")
            metrics.record_purge(ok=True)
        except Exception:
            metrics.record_purge(ok=False)
            log.exception("okuyami retention purge failed; it runs again in %d hour(s)", every_hours)
        await asyncio.sleep(every_hours * 3600)
