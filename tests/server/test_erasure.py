"""Erasure that really erases: after the retention purge the family's name, address and phone are gone
from the SQLite database file and from its write-ahead log at once, without a VACUUM, whatever SQLite
build the platform has."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from litestar import Litestar
from tortoise import Tortoise

from server.okuyami.service import retention_run
from server.state import AppState
from tests.server.conftest import LoginAs, post_form
from tests.server.test_okuyami_desk import ANSWERS, start_case

SECRETS = {
    "deceased.name_kanji": "溝口珠洲代",
    "deceased.address": "川崎市高津区久地九丁目八番七号",
    "applicant.name_kanji": "梶ヶ谷睦美",
    "applicant.phone": "044-987-6543",
}


def stored_bytes(database_url: str) -> bytes:
    path = Path(database_url.removeprefix("sqlite://"))
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


# SQLite's own files and pragma: these run on SQLite only (PostgreSQL's purge is covered by the retention
# tests), chosen by parameter instead of skipping on PostgreSQL.
SQLITE_ONLY = pytest.mark.parametrize("databases", ["sqlite"], indirect=True)


@SQLITE_ONLY
async def test_every_connection_has_secure_delete_on(app: Litestar, database_url: str) -> None:
    rows = await Tortoise.get_connection("default").execute_query_dict("PRAGMA secure_delete")
    assert rows[0]["secure_delete"] == 1


@SQLITE_ONLY
async def test_a_purged_family_is_gone_from_the_database_and_its_log(
    app: Litestar, login_as: LoginAs, database_url: str
) -> None:
    client = await login_as("demo-okuyami")
    case_id = await start_case(client)
    saved = await post_form(client, f"/okuyami/cases/{case_id}/intake", {**ANSWERS, **SECRETS})
    assert saved.status_code in {200, 302}, saved.text
    assert (await client.get(f"/okuyami/cases/{case_id}")).status_code == 200
    assert (await post_form(client, f"/okuyami/cases/{case_id}/progress", {"close": "1"})).status_code == 302
    before = stored_bytes(database_url)
    assert all(value.encode() in before for value in SECRETS.values())  # the test can see them

    state: AppState = app.state.madoguchi
    report = await retention_run(state.sync, dt.date.today() + dt.timedelta(days=400), 365, "command")
    assert report is not None and report.cases == [case_id]

    after = stored_bytes(database_url)
    left = [name for name, value in SECRETS.items() if value.encode() in after]
    assert left == []
