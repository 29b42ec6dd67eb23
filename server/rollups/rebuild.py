"""Every tally computed afresh from the projections, in SQL: after a migration, a bulk load, or to repair.

These statements are the second statement of the rules in ``contributions``; a test checks that tallies
kept up change by change equal a rebuild. On PostgreSQL the projections are locked against writers
(readers go on) until the rebuild commits, so no change is counted twice or lost.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from server.dashboard import sql
from server.rollups.tallies import ALL, NO_DUE_DATE, WARD

PROJECTIONS = ("self_check_answer", "inspection", "corrective_action", "feedback", "feedback_section")


def _statements(conn: BaseDBAsyncClient) -> list[tuple[str, list[object]]]:
    closed_month = sql.month_of("closed_on", conn)
    received_month = sql.month_of("f.received_on", conn)
    close_days = sql.days_between("raised_on", "closed_on", conn)
    answer_days = sql.days_between("f.received_on", "f.answered_on", conn)
    live_actions = (
        "FROM corrective_action WHERE deleted = ? AND raised_on IS NOT NULL AND closed_on IS NOT NULL"
    )
    funnel = (
        "COUNT(*), SUM(CASE WHEN f.answered_on IS NOT NULL THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN f.status = 'published' THEN 1 ELSE 0 END), SUM(CASE WHEN f.improved THEN 1 ELSE 0 END)"
    )
    live_feedback = "f.deleted = ? AND f.received_on IS NOT NULL"
    linked = "FROM feedback f JOIN feedback_section s ON s.feedback_id = f.id"
    return [
        (
            "INSERT INTO compliance_tally "
            "(period, section_id, standard_code, answers, kept, applicable, missed) "
            "SELECT period, COALESCE(section_id, ?), standard_code, COUNT(*), "
            "SUM(CASE WHEN result = 'compliant' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN result IN ('compliant', 'noncompliant') THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN result = 'noncompliant' THEN 1 ELSE 0 END) FROM self_check_answer "
            "WHERE deleted = ? AND result IS NOT NULL GROUP BY 1, 2, 3",
            [WARD, False],
        ),
        (
            "INSERT INTO compliance_section_tally (period, section_id, answers, kept, applicable) "
            "SELECT period, COALESCE(section_id, ?), COUNT(*), "
            "SUM(CASE WHEN result = 'compliant' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN result IN ('compliant', 'noncompliant') THEN 1 ELSE 0 END) "
            "FROM self_check_answer WHERE deleted = ? AND result IS NOT NULL GROUP BY 1, 2",
            [WARD, False],
        ),
        (
            "INSERT INTO compliance_standard_tally (period, standard_code, applicable, missed) "
            "SELECT period, standard_code, COUNT(*), "
            "SUM(CASE WHEN result = 'noncompliant' THEN 1 ELSE 0 END) "
            "FROM self_check_answer WHERE deleted = ? AND result IN ('compliant', 'noncompliant') "
            "GROUP BY 1, 2",
            [False],
        ),
        (
            "INSERT INTO inspection_tally (day, section_id, family, inspections, passed, failed) "
            "SELECT submitted_on, COALESCE(section_id, ?), family, COUNT(*), SUM(passed), SUM(failed) "
            "FROM inspection WHERE deleted = ? AND status = 'submitted' AND submitted_on IS NOT NULL "
            "GROUP BY 1, 2, 3",
            [WARD, False],
        ),
        (
            "INSERT INTO action_open_tally (section_id, raised_on, due_on, actions) "
            "SELECT COALESCE(section_id, ?), raised_on, COALESCE(due_on, ?), COUNT(*) FROM corrective_action "
            "WHERE deleted = ? AND raised_on IS NOT NULL AND closed_on IS NULL GROUP BY 1, 2, 3",
            [WARD, NO_DUE_DATE, False],
        ),
        (
            "INSERT INTO action_closed_tally (month, section_id, closed, on_time) "
            f"SELECT {closed_month}, COALESCE(section_id, ?), COUNT(*), "
            f"SUM(CASE WHEN closed_on <= due_on THEN 1 ELSE 0 END) {live_actions} GROUP BY 1, 2",
            [WARD, False],
        ),
        (
            "INSERT INTO action_close_days (scope, month, days, actions) "
            f"SELECT {WARD}, {closed_month}, {close_days}, COUNT(*) {live_actions} GROUP BY 2, 3",
            [False],
        ),
        (
            "INSERT INTO action_close_days (scope, month, days, actions) "
            f"SELECT section_id, {closed_month}, {close_days}, COUNT(*) {live_actions} "
            "AND section_id IS NOT NULL AND section_id <> 0 GROUP BY 1, 2, 3",
            [False],
        ),
        (
            "INSERT INTO feedback_tally (scope, month, received, answered, published, improved) "  # noqa: S608
            f"SELECT {WARD}, {received_month}, {funnel} FROM feedback f WHERE {live_feedback} GROUP BY 2",
            [False],
        ),
        (
            "INSERT INTO feedback_tally (scope, month, received, answered, published, improved) "
            f"SELECT s.section_id, {received_month}, {funnel} {linked} WHERE {live_feedback} GROUP BY 1, 2",
            [False],
        ),
        (
            "INSERT INTO feedback_answer_days (scope, month, days, comments) "  # noqa: S608 - fragments
            f"SELECT {WARD}, {received_month}, {answer_days}, COUNT(*) FROM feedback f "
            f"WHERE {live_feedback} AND f.answered_on IS NOT NULL GROUP BY 2, 3",
            [False],
        ),
        (
            "INSERT INTO feedback_answer_days (scope, month, days, comments) "
            f"SELECT s.section_id, {received_month}, {answer_days}, COUNT(*) {linked} "
            f"WHERE {live_feedback} AND f.answered_on IS NOT NULL GROUP BY 1, 2, 3",
            [False],
        ),
    ]


async def rebuild_on(conn: BaseDBAsyncClient) -> None:
    """Empty the tallies and fill them from the projections, on ``conn`` (a transaction, or the
    connection a migration runs on)."""
    if sql.is_postgres(conn):
        await conn.execute_query(f"LOCK TABLE {', '.join(PROJECTIONS)} IN SHARE MODE")
    for tally in ALL:
        await conn.execute_query(f"DELETE FROM {tally.table}")  # noqa: S608 - declared names
    for statement, params in _statements(conn):
        await sql.execute(statement, list(params), conn)


async def rebuild() -> None:
    """Rebuild every tally in one transaction: readers see the old tallies until it commits."""
    async with in_transaction("default") as conn:
        await rebuild_on(conn)
