"""Browser security headers on every response: each route (pages, fragments, files, the sync API, the
service worker, static files, errors) as an anonymous visitor and signed in."""

from __future__ import annotations

import httpx
import pytest
from litestar import Litestar

from server.security_headers import CONTENT_SECURITY_POLICY, PDF_POLICY
from tests.server.conftest import csrf_token, sign_in
from tests.server.test_authz_matrix import concrete_path, every_endpoint


def assert_protected(response: httpx.Response, where: str) -> None:
    headers = response.headers
    policy = PDF_POLICY if headers.get("content-type") == "application/pdf" else CONTENT_SECURITY_POLICY
    assert headers.get("content-security-policy") == policy, where
    assert "frame-ancestors 'none'" in headers["content-security-policy"], where
    assert "'unsafe-inline'" not in headers["content-security-policy"], where
    assert headers.get("x-frame-options") == "DENY", where
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") == "same-origin", where
    if response.request.url.path.startswith("/api/sync/v1/"):
        assert headers.get("cache-control") == "no-store", where


@pytest.mark.parametrize("login", [None, "demo-admin", "demo-okuyami"])
async def test_every_route_sends_the_security_headers(
    app: Litestar, client: httpx.AsyncClient, login: str | None
) -> None:
    if login:
        assert (await sign_in(client, login)).status_code == 302
    token = await csrf_token(client)
    checked = 0
    for method, raw_path, _ in every_endpoint(app):
        path = concrete_path(raw_path)
        if path in {"/logout", "/login"} and method == "POST":
            continue
        response = await client.request(
            method, path, data={"_csrf_token": token}, headers={"x-csrftoken": token, "x-madoguchi-sync": "1"}
        )
        assert_protected(response, f"{login} {method} {path} -> {response.status_code}")
        checked += 1
    assert checked > 100


async def test_errors_static_files_the_worker_and_fragments_send_them_too(
    client: httpx.AsyncClient,
) -> None:
    await sign_in(client, "demo-manager")
    requests = [
        ("GET", "/no-such-page", {}),  # an unknown address never reaches a route
        ("DELETE", "/login", {}),  # a method no route takes
        ("GET", "/static/css/app.css", {}),
        ("GET", "/sw.js", {}),
        ("GET", "/dashboard", {"HX-Request": "true"}),
        ("GET", "/api/sync/v1/pull", {}),  # refused: no sync header
        ("GET", "/api/sync/v1/pull", {"x-madoguchi-sync": "1"}),
        ("GET", "/reports/report.pdf?year=2026", {}),  # shown by the browser's PDF viewer
    ]
    for method, path, headers in requests:
        response = await client.request(method, path, headers=headers)
        assert_protected(response, f"{method} {path} -> {response.status_code}")
    assert response.headers["content-type"] == "application/pdf"


async def test_a_photo_download_stays_cacheable_but_sync_answers_are_not(client: httpx.AsyncClient) -> None:
    """Records, cursors and device state are never kept by a cache; a file named by its hash is."""
    await sign_in(client, "demo-staff")
    pull = await client.get("/api/sync/v1/pull", headers={"x-madoguchi-sync": "1"})
    assert pull.status_code == 200 and pull.headers["cache-control"] == "no-store"
