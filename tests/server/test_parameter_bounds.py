"""Out-of-range integers in the address are a 400 with the usual Japanese error page, never a 500."""

from __future__ import annotations

import httpx
import pytest

from tests.server.conftest import LoginAs

BIG = "99999999999999999999"

MANAGER_URLS = [
    f"/inspections?section={BIG}",
    f"/inspections/export.csv?section={BIG}",
    f"/feedback?section={BIG}",
    f"/actions?section={BIG}",
    f"/dashboard?section={BIG}",
    f"/dashboard/panels/compliance?section={BIG}",
    f"/dashboard/export/goals?section={BIG}",
    "/dashboard/panels/rounds?year=1e9",
    "/dashboard?year=-1",
    "/goals?year=-1",
    "/goals?year=1e9",
    "/goals?year=99999",
    "/compliance?year=1999",
    "/reports?year=0",
    "/inspections/rounds?year=2101",
]
ADMIN_URLS = [f"/admin/audit?before={BIG}", f"/admin/audit?before=-{BIG}", f"/admin/users/{BIG}"]


@pytest.mark.parametrize(
    ("login", "url"), [("demo-manager", u) for u in MANAGER_URLS] + [("demo-admin", u) for u in ADMIN_URLS]
)
async def test_an_out_of_range_integer_is_a_400_page(login_as: LoginAs, login: str, url: str) -> None:
    client = await login_as(login)
    response = await client.get(url)
    assert response.status_code == 400, url
    assert "リクエストを読み取れませんでした" in response.text


async def test_years_and_ids_in_range_still_work(login_as: LoginAs) -> None:
    client = await login_as("demo-manager")
    for url in [
        "/goals?year=2024",
        "/dashboard?year=2000",
        "/compliance?year=2100",
        "/inspections?section=1",
    ]:
        assert (await client.get(url)).status_code == 200, url


async def test_the_sync_api_answers_json(client: httpx.AsyncClient, login_as: LoginAs) -> None:
    await login_as("demo-staff")
    response = await client.get(f"/api/sync/v1/pull?limit={BIG}", headers={"x-madoguchi-sync": "1"})
    assert response.status_code in {400, 422} and response.json()["status"] == response.status_code
