"""A real ``madoguchi serve`` behind a reverse proxy: the person's address comes from the proxy's
``X-Forwarded-For`` only when the proxy is listed in FORWARDED_ALLOW_IPS."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator

import httpx
import pytest

from tests.live_server import DEMO_PASSWORD, LiveServer, prepared_server


def served(proxies: str) -> LiveServer:
    server = prepared_server()
    server.extra_env = {"FORWARDED_ALLOW_IPS": proxies, "OKUYAMI_PURGE_HOURS": "0"}
    return server.start()


@pytest.fixture(params=["127.0.0.1", ""], ids=["trusted-proxy", "no-proxy"])
def server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    live = served(request.param)
    try:
        yield live
    finally:
        live.stop()
        shutil.rmtree(live.data_dir, ignore_errors=True)


def test_sign_in_is_recorded_with_the_address_the_proxy_saw(server: LiveServer) -> None:
    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    with httpx.Client(base_url=server.url, headers=forwarded) as client:
        client.get("/login")
        token = client.cookies.get("madoguchi_csrf") or ""
        response = client.post(
            "/login", data={"login": "demo-staff", "password": DEMO_PASSWORD, "_csrf_token": token}
        )
        assert response.status_code == 302
    with sqlite3.connect(server.data_dir / "e2e.sqlite3") as db:
        (ip,) = db.execute("SELECT ip FROM audit_event WHERE action = 'login' ORDER BY id DESC").fetchone()
    trusted = bool(server.extra_env and server.extra_env["FORWARDED_ALLOW_IPS"])
    # Without a trusted proxy the header is anyone's to forge, so the connection's address is kept.
    assert ip == ("203.0.113.7" if trusted else "127.0.0.1")
