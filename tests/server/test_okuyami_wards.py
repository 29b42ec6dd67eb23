"""Wards: one deployment may serve several wards of Kawasaki City. A bereavement desk sees, prints, pulls,
changes and books only within its own ward; statistics are per ward; and the cases stored before wards
existed move to the deployment's ward without a tablet losing one."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import httpx

from server.auth import service as auth_service
from server.i18n import LANGUAGE_COOKIE
from server.models import OkuyamiAppointment, OkuyamiCase, Role, User
from tests.databases import DEMO_PASSWORD
from tests.server.conftest import LoginAs, post_form
from tests.server.test_okuyami_desk import ANSWERS, HEADERS, next_monday, start_case

NAKAHARA_NAME = "中原 花子"


async def sign_out(client: httpx.AsyncClient) -> None:
    await client.post("/logout", data={"_csrf_token": client.cookies["madoguchi_csrf"]})


async def register_tablet(client: httpx.AsyncClient) -> str:
    client_id = str(uuid.uuid4())
    registered = await client.post(
        "/api/sync/v1/clients", headers=HEADERS, content=json.dumps({"client_id": client_id, "label": "窓口"})
    )
    assert registered.status_code in (200, 201), registered.text
    return client_id


def sync_op(
    client_id: str, seq: int, record_id: str, kind: str, fields: dict[str, Any], base: int | None
) -> Any:
    return {
        "op_id": str(uuid.uuid4()),
        "client_seq": seq,
        "hlc": f"{1790000000000 + seq:013d}:00000:{client_id}",
        "table": "okuyami_cases",
        "record_id": record_id,
        "kind": kind,
        "base_version": base,
        "fields": fields,
    }


async def push(client: httpx.AsyncClient, client_id: str, ops: list[Any]) -> list[dict[str, Any]]:
    response = await client.post(
        "/api/sync/v1/push", headers=HEADERS, content=json.dumps({"client_id": client_id, "ops": ops})
    )
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


async def pull_everything(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []
    cursor = ""
    while True:
        page = (await client.get("/api/sync/v1/pull", params={"cursor": cursor}, headers=HEADERS)).json()
        changes += page["changes"]
        cursor = page["cursor"]
        if not page["has_more"]:
            return changes


async def test_a_desk_sees_prints_pulls_changes_and_books_only_in_its_own_ward(login_as: LoginAs) -> None:
    await auth_service.create_user(
        login="nakahara-okuyami",
        display_name="中原 おくやみ担当",
        password=DEMO_PASSWORD,
        role=Role.OKUYAMI,
        ward="中原区",
    )
    nakahara = await login_as("nakahara-okuyami")
    case_id = await start_case(nakahara)
    saved = await post_form(
        nakahara, f"/okuyami/cases/{case_id}/intake", {**ANSWERS, "deceased.name_kanji": NAKAHARA_NAME}
    )
    assert saved.status_code == 302
    assert (await OkuyamiCase.get(id=case_id)).ward == "中原区"
    assert (await nakahara.get(f"/okuyami/cases/{case_id}")).status_code == 200
    monday = next_monday().isoformat()
    booking = {"day": monday, "slot": "2", "caller_name": "中原 一郎", "caller_phone": "044-000-0000"}
    assert (await post_form(nakahara, "/okuyami/appointments", booking)).status_code == 302
    theirs = await OkuyamiAppointment.get(caller_name="中原 一郎")
    assert theirs.ward == "中原区"
    stats = await nakahara.get("/okuyami/statistics")
    assert 'data-figure="cases">1<' in stats.text
    await sign_out(nakahara)

    takatsu = await login_as("demo-okuyami")
    listed = await takatsu.get("/okuyami")
    assert listed.status_code == 200 and NAKAHARA_NAME not in listed.text and case_id not in listed.text
    for url in (
        f"/okuyami/cases/{case_id}",
        f"/okuyami/cases/{case_id}/intake",
        f"/okuyami/cases/{case_id}/guide.pdf",
        f"/okuyami/cases/{case_id}/sheets/kokuho_funeral_allowance",
    ):
        response = await takatsu.get(url)
        assert response.status_code == 404, url
        assert NAKAHARA_NAME not in response.text, url
    for url, data in (
        (f"/okuyami/cases/{case_id}/intake", ANSWERS),
        (f"/okuyami/cases/{case_id}/progress", {"status.kokuho_loss": "done", "close": "1"}),
        (f"/okuyami/cases/{case_id}/printed", {}),
        (f"/okuyami/cases/{case_id}/sheets/kokuho_funeral_allowance/pdf", {}),
    ):
        assert (await post_form(takatsu, url, data)).status_code == 404, url
    case = await OkuyamiCase.get(id=case_id)
    assert case.status == "open" and case.deceased_name == NAKAHARA_NAME

    # Nor through the sync API: the case is not pulled, a change to it and a case created for another
    # ward are refused, and a create without a ward takes the tablet user's.
    client_id = await register_tablet(takatsu)
    pulled = await pull_everything(takatsu)
    assert all(change["id"] != case_id for change in pulled)
    assert NAKAHARA_NAME not in json.dumps(pulled, ensure_ascii=False)
    mine = str(uuid.uuid4())
    created = {"visit_date": "2026-11-01", "notice_shown_at": "2026-11-01T01:00:00Z", "status": "open"}
    results = await push(
        takatsu,
        client_id,
        [
            sync_op(client_id, 1, case_id, "patch", {"progress": {"kokuho_loss": "done"}}, 2),
            sync_op(client_id, 2, str(uuid.uuid4()), "create", {**created, "ward": "中原区"}, None),
            sync_op(client_id, 3, mine, "create", created, None),
            sync_op(client_id, 4, mine, "patch", {"ward": "中原区"}, 1),
        ],
    )
    assert [r["status"] for r in results] == ["rejected", "rejected", "applied", "rejected"], results
    assert json.loads((await OkuyamiCase.get(id=case_id)).progress) == {}
    assert (await OkuyamiCase.get(id=mine)).ward == "高津区"
    assert any(c["id"] == mine and c["row"]["ward"] == "高津区" for c in await pull_everything(takatsu))

    # Bookings: the other ward's booked slot is free here, and its booking can be neither seen nor used.
    day = await takatsu.get(f"/okuyami/appointments?day={monday}")
    assert "中原 一郎" not in day.text and f'data-free="{monday}">4<' in day.text
    assert (await post_form(takatsu, "/okuyami/appointments", booking)).status_code == 302
    assert (await post_form(takatsu, f"/okuyami/appointments/{theirs.id}/cancel", {})).status_code == 404
    assert not (await OkuyamiAppointment.get(id=theirs.id)).cancelled
    notice = await takatsu.get(f"/okuyami/new?appointment={theirs.id}")
    assert notice.status_code == 200 and "中原 一郎" not in notice.text
    started = await post_form(takatsu, "/okuyami/new", {"appointment_id": str(theirs.id)})
    assert started.status_code == 302
    assert (await OkuyamiAppointment.get(id=theirs.id)).case_id is None

    # Statistics are per ward: this desk counts its own case only; the manager of 高津区 likewise.
    assert 'data-figure="cases">2<' in (await takatsu.get("/okuyami/statistics")).text
    await sign_out(takatsu)
    manager = await login_as("demo-manager")
    figures = await manager.get("/okuyami/statistics")
    assert 'data-figure="cases">2<' in figures.text and NAKAHARA_NAME not in figures.text
    await sign_out(manager)
    nakahara = await login_as("nakahara-okuyami")
    assert 'data-figure="cases">1<' in (await nakahara.get("/okuyami/statistics")).text


async def test_an_administrator_gives_a_person_a_ward(login_as: LoginAs) -> None:
    admin = await login_as("demo-admin")
    form = await admin.get("/admin/users/new")
    assert '<option value="高津区" selected>' in form.text
    person = {
        "login": "miyamae.desk",
        "display_name": "宮前 担当",
        "role": "okuyami",
        "password": "long-enough-password",
        "active": "on",
    }
    bad = await post_form(admin, "/admin/users/new", {**person, "ward": "横浜区"})
    assert bad.status_code == 422 and "区を一覧から選んでください" in bad.text
    assert (await post_form(admin, "/admin/users/new", {**person, "ward": "宮前区"})).status_code == 302
    from server.models import User

    user = await User.get(login="miyamae.desk")
    assert user.ward == "宮前区"
    # A form without the field (an older page) keeps the person's ward.
    edited = await post_form(
        admin, f"/admin/users/{user.id}", {"display_name": "宮前 担当", "role": "okuyami", "active": "on"}
    )
    assert edited.status_code == 302 and (await User.get(id=user.id)).ward == "宮前区"


async def test_cases_stored_before_wards_move_to_the_deployment_s_ward(
    empty_database_url: str, tmp_path: Path
) -> None:
    """0011: users, cases and bookings take the configured ward; the synced records move from the scope
    "okuyami" to the ward's, gain the ward as a field, and keep reaching (and taking changes from) the
    ward's desk, including a tablet that had pulled them before."""
    from tortoise import Tortoise
    from tortoise.migrations.api.migrate import migrate as run_migrations

    from server.db import connected, migrate, tortoise_config
    from server.models import SyncConflict, SyncCounter, SyncRecord, User
    from server.okuyami.records import OKUYAMI_CASES
    from server.sync_api.registry import registry
    from server.sync_api.store import TortoiseStore
    from sync import Actor, Engine, Kind, Registry
    from tests.sync.harness import FixedClock, Tablet

    secret = b"wards-test"
    # The table as the previous release declared it: one scope for every desk, no ward.
    before_spec = dataclasses.replace(
        OKUYAMI_CASES,
        fields={k: v for k, v in OKUYAMI_CASES.fields.items() if k != "ward"},
        scope_of=lambda _: "okuyami",
        required_on_create=frozenset({"visit_date", "notice_shown_at"}),
    )
    old_desk = Actor(user="desk", scopes=frozenset({"ward", "okuyami"}), roles=frozenset({"okuyami"}))
    first, second = Tablet("first", actor=old_desk), Tablet("second", actor=old_desk)
    rid = str(uuid.uuid4())

    await run_migrations(config=tortoise_config(empty_database_url), target="models.0010_dashboard_indexes")
    await Tortoise.close_connections()
    async with connected(empty_database_url):
        conn = Tortoise.get_connection("default")
        postgres = conn.capabilities.dialect == "postgres"
        engine = Engine(TortoiseStore(), Registry([before_spec]), secret=secret, now=FixedClock())
        first.op(
            "okuyami_cases",
            rid,
            Kind.CREATE,
            {"visit_date": "2026-11-01", "notice_shown_at": "2026-11-01T01:00:00Z", "status": "open"},
        )
        assert [r["status"] for r in await first.push(engine)] == ["applied"]
        await first.pull(engine)
        await second.pull(engine)
        # Two tablets answer at once: a conflict for review, in the old scope.
        first.op("okuyami_cases", rid, Kind.PATCH, {"answers": {"deceased.name_kanji": "高津 太郎"}})
        second.op("okuyami_cases", rid, Kind.PATCH, {"answers": {"deceased.name_kanji": "高津 太朗"}})
        await first.push(engine)
        await second.push(engine)
        await first.pull(engine)
        assert first.rows[("okuyami_cases", rid)]["answers"] is not None

        marks = "$1, $2, $3, $4, $5" if postgres else "?, ?, ?, ?, ?"
        await conn.execute_query(
            "INSERT INTO app_user (login, display_name, password_hash, role, created_at) "  # noqa: S608
            f"VALUES ({marks})",
            ["desk", "窓口", "x", "okuyami", dt.datetime.now(dt.UTC)],
        )
        await conn.execute_query(
            "INSERT INTO okuyami_case (id, answers, procedures, progress) VALUES "  # noqa: S608
            + ("($1, $2, $3, $4)" if postgres else "(?, ?, ?, ?)"),
            [rid, "{}", "[]", "{}"],
        )

    await migrate(empty_database_url, default_ward="中原区")
    async with connected(empty_database_url):
        assert (await User.get(login="desk")).ward == "中原区"
        assert (await OkuyamiCase.get(id=rid)).ward == "中原区"
        stored = await SyncRecord.get(table_name="okuyami_cases", record_id=rid)
        assert stored.scope == "okuyami:nakahara"
        assert {c.scope for c in await SyncConflict.filter(record_id=rid)} == {"okuyami:nakahara"}
        assert not await SyncCounter.exists(scope="okuyami")

        desk = Actor(
            user="desk", scopes=frozenset({"ward", "okuyami:nakahara"}), roles=frozenset({"okuyami"})
        )
        other = Actor(user="x", scopes=frozenset({"ward", "okuyami:takatsu"}), roles=frozenset({"okuyami"}))
        engine = Engine(TortoiseStore(), registry(), secret=secret, now=FixedClock())
        # The tablet that had everything pulls again from the start of the ward's scope.
        first.actor = desk
        first.rows.clear()
        await first.pull(engine)
        row = first.rows[("okuyami_cases", rid)]
        assert row["ward"] == "中原区" and row["visit_date"] == "2026-11-01"
        first.op("okuyami_cases", rid, Kind.PATCH, {"progress": {"kokuho_loss": "done"}})
        assert [r["status"] for r in await first.push(engine)] == ["applied"]
        await first.pull(engine)
        assert first.rows[("okuyami_cases", rid)]["progress"] == {"kokuho_loss": "done"}
        assert (await SyncRecord.get(table_name="okuyami_cases", record_id=rid)).scope == "okuyami:nakahara"
        elsewhere = Tablet("elsewhere", actor=other)
        await elsewhere.pull(engine)
        assert ("okuyami_cases", rid) not in elsewhere.rows


async def test_two_bookings_of_one_slot_at_the_same_moment_make_one_booking(login_as: LoginAs) -> None:
    """Bookings are online only (docs/okuyami.md): the server is the one place a slot is given, so two
    people booking the same slot at once get one booking and one "already booked"."""
    from server.okuyami.service import book_slot

    await login_as("demo-okuyami")  # the app (and its database) is up
    monday = next_monday()
    results = await asyncio.gather(
        *(book_slot("高津区", monday, 3, f"発信者 {n}", "", "demo-okuyami") for n in range(4))
    )
    assert sum(r is not None for r in results) == 1
    assert await OkuyamiAppointment.filter(day=monday, slot=3, cancelled=False).count() == 1
    # Another ward's desk has its own slots.
    assert await book_slot("中原区", monday, 3, "中原 発信者", "", "x") is not None


async def test_the_booking_form_says_it_needs_a_connection(login_as: LoginAs) -> None:
    client = await login_as("demo-okuyami")
    page = await client.get("/okuyami/appointments")
    assert "data-okuyami-booking" in page.text and "data-online-only-status" in page.text
    assert "接続がないため、いま予約はできません" in page.text
    client.cookies.set(LANGUAGE_COOKIE, "en")
    english = await client.get("/okuyami/appointments")
    assert "No connection: the booking cannot be made now." in english.text


async def test_a_desk_member_moved_to_another_ward_keeps_no_case_on_the_tablet(login_as: LoginAs) -> None:
    desk = await login_as("demo-okuyami")
    client_id = await register_tablet(desk)
    case = str(uuid.uuid4())
    created = {"visit_date": "2026-11-01", "notice_shown_at": "2026-11-01T01:00:00Z", "status": "open"}
    assert [
        r["status"]
        for r in await push(desk, client_id, [sync_op(client_id, 1, case, "create", created, None)])
    ] == ["applied"]
    first = (await desk.get("/api/sync/v1/pull", params={"cursor": ""}, headers=HEADERS)).json()
    assert any(c["id"] == case for c in first["changes"])

    # An administrator moves the person to 中原区: the tablet's next pull starts again without the case.
    await User.filter(login="demo-okuyami").update(ward="中原区")
    # The session was granted for 高津区: it ends, and the person signs in again on the same tablet.
    ended = await desk.get("/api/sync/v1/pull", params={"cursor": first["cursor"]}, headers=HEADERS)
    assert ended.status_code == 401
    desk = await login_as("demo-okuyami")
    after = (await desk.get("/api/sync/v1/pull", params={"cursor": first["cursor"]}, headers=HEADERS)).json()
    assert after["reset"] is True and all(c["id"] != case for c in after["changes"])


async def test_pages_with_families_or_callers_names_are_never_cached(login_as: LoginAs) -> None:
    desk = await login_as("demo-okuyami")
    for path in ("/okuyami", "/okuyami/appointments"):
        response = await desk.get(path)
        assert response.status_code == 200 and "no-store" in response.headers["cache-control"], path
        assert "x-madoguchi-user" not in response.headers, "a page kept for offline reading carries this"
