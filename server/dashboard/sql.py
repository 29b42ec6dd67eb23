"""The few SQL details that differ between SQLite and PostgreSQL, for the dashboard's aggregate queries.

Statements are written with ``?`` placeholders and converted for PostgreSQL; values are always passed as
parameters, never formatted into the text.
"""

from __future__ import annotations

import re
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient


def connection() -> BaseDBAsyncClient:
    conn: BaseDBAsyncClient = connections.get("default")
    return conn


def is_postgres(conn: BaseDBAsyncClient) -> bool:
    return conn.capabilities.dialect == "postgres"


def days_between(start: str, end: str, conn: BaseDBAsyncClient) -> str:
    """An integer number of days from column ``start`` to column ``end``."""
    if is_postgres(conn):
        return f"({end} - {start})"
    return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"


def _numbered(sql: str) -> str:
    counter = iter(range(1, 10_000))
    return re.sub(r"\?", lambda _: f"${next(counter)}", sql)


async def rows(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    conn = connection()
    return list(await conn.execute_query_dict(_numbered(sql) if is_postgres(conn) else sql, params))


async def nth_value(sql: str, params: list[Any], n: int) -> Any:
    """The ``n``-th (0-based) value of a one-column query ordered by that column: a median or a
    percentile without loading every row into Python."""
    found = await rows(f"SELECT v FROM ({sql}) AS t ORDER BY v LIMIT 1 OFFSET ?", [*params, n])  # noqa: S608
    return found[0]["v"] if found else None


async def median_of(sql: str, params: list[Any], count: int) -> float | None:
    if count == 0:
        return None
    middle = count // 2
    upper = await nth_value(sql, params, middle)
    if count % 2:
        return float(upper)
    lower = await nth_value(sql, params, middle - 1)
    return (float(lower) + float(upper)) / 2


async def percentile_of(sql: str, params: list[Any], count: int, fraction: float) -> float | None:
    """Nearest-rank percentile, as ``server.feedback.service.percentile`` computes it."""
    if count == 0:
        return None
    rank = max(1, -(-int(fraction * 1000) * count // 1000))
    value = await nth_value(sql, params, rank - 1)
    return float(value)


def month_of(column: str, conn: BaseDBAsyncClient) -> str:
    """The first day of the month of date column ``column``."""
    if is_postgres(conn):
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


async def execute(sql: str, params: list[Any], conn: BaseDBAsyncClient | None = None) -> None:
    conn = conn or connection()
    await conn.execute_query(_numbered(sql) if is_postgres(conn) else sql, params)
