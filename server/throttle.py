"""Attempt limits (sign-in, the public comment form) that hold under any concurrency.

Counting and deciding is one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement: the database
serialises it per key (a row lock in PostgreSQL, the single writer in SQLite), so of any number of
parallel requests at most ``limit`` are let through per window. Reading a count and then writing would let
every parallel request read the same count and pass.
"""

from __future__ import annotations

import time
from datetime import timedelta

from tortoise import Tortoise

_TAKE = """
INSERT INTO rate_limit (bucket, window_start_ms, attempts) VALUES ({p1}, {p2}, 1)
ON CONFLICT (bucket) DO UPDATE SET
    attempts = CASE WHEN rate_limit.window_start_ms <= {p3} THEN 1 ELSE rate_limit.attempts + 1 END,
    window_start_ms = CASE WHEN rate_limit.window_start_ms <= {p3} THEN {p2}
                           ELSE rate_limit.window_start_ms END
RETURNING attempts
"""
_GIVE_BACK = "UPDATE rate_limit SET attempts = attempts - 1 WHERE bucket = {p1} AND attempts > 0"
_CLEAR = "DELETE FROM rate_limit WHERE bucket = {p1}"
_FORGET_OLD = "DELETE FROM rate_limit WHERE window_start_ms <= {p1}"


def _sql(template: str) -> str:
    postgres = Tortoise.get_connection("default").capabilities.dialect == "postgres"
    marks = {f"p{n}": (f"${n}" if postgres else f"?{n}") for n in (1, 2, 3)}
    return template.format(**marks)


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


async def take(bucket: str, limit: int, window: timedelta) -> bool:
    """Count one attempt for ``bucket``; True when it is among the first ``limit`` of its window.

    A window starts at the first attempt after the previous one ended and lasts ``window``.
    """
    now = _now_ms()
    expired = now - int(window.total_seconds() * 1000)
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(_sql(_TAKE), [bucket[:160], now, expired])
    return int(rows[0]["attempts"]) <= limit


async def give_back(bucket: str) -> None:
    """Return an attempt that should not count (a sign-in that succeeded, a comment that was refused)."""
    await Tortoise.get_connection("default").execute_query(_sql(_GIVE_BACK), [bucket[:160]])


async def clear(bucket: str) -> None:
    await Tortoise.get_connection("default").execute_query(_sql(_CLEAR), [bucket[:160]])


async def forget_older_than(age: timedelta) -> None:
    """Drop counters whose window ended long ago, so the table stays small."""
    cutoff = _now_ms() - int(age.total_seconds() * 1000)
    await Tortoise.get_connection("default").execute_query(_sql(_FORGET_OLD), [cutoff])
