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


def month_of(column: str, conn: BaseDBAsyncClient) -> str:
    """The first day of the month of date column ``column``."""
    if is_postgres(conn):
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


async def execute(sql: str, params: list[Any], conn: BaseDBAsyncClient | None = None) -> None:
    conn = conn or connection()
    await conn.execute_query(_numbered(sql) if is_postgres(conn) else sql, params)
