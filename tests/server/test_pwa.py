from __future__ import annotations

import json
import re

import httpx

from server.pwa import SHELL_ASSETS
from server.templating import STATIC_DIR


async def test_service_worker_is_served_from_the_root_with_its_version(client: httpx.AsyncClient) -> None:
    response = await client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    assert "__MADOGUCHI" not in response.text
    version = re.search(r'MADOGUCHI_VERSION = "([0-9a-f]{12})"', response.text)
    assert version
    shell = json.loads(re.search(r"MADOGUCHI_SHELL = (\[.*?\]);", response.text).group(1))  # type: ignore[union-attr]
    assert "/offline" in shell
    assert all(url.endswith(f"?v={version.group(1)}") for url in shell if url.startswith("/static/"))
    for url in shell:
        assert (await client.get(url)).status_code == 200, url


def test_every_shell_asset_exists() -> None:
    assert all((STATIC_DIR / asset).is_file() for asset in SHELL_ASSETS)


async def test_a_new_release_changes_the_worker(settings: object) -> None:
    from server.app import create_app
    from server.config import Settings

    assert isinstance(settings, Settings)
    texts = []
    for release in ("r1", "r2"):
        app = create_app(Settings(**{**settings.__dict__, "release": release}))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            texts.append((await c.get("/sw.js")).text)
    assert texts[0] != texts[1]


async def test_manifest_makes_the_app_installable(client: httpx.AsyncClient) -> None:
    response = await client.get("/manifest.webmanifest")
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/" and manifest["lang"] == "ja"
    assert "窓口" in manifest["name"] and "高津区役所" in manifest["name"]
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        image = await client.get(icon["src"])
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG")


async def test_offline_page_holds_no_personal_data(client: httpx.AsyncClient) -> None:
    response = await client.get("/offline")
    assert response.status_code == 200
    assert "オフライン" in response.text
    assert "data-logout" not in response.text and "x-madoguchi-user" not in response.headers


async def test_htmx_is_vendored_with_its_version_and_no_cdn(client: httpx.AsyncClient) -> None:
    page = await client.get("/login")
    src = re.search(r'<script src="(/static/vendor/htmx-2\.0\.11\.min\.js\?v=\w+)"', page.text)
    assert src
    assert (await client.get(src.group(1))).status_code == 200
    assert "http://" not in page.text.replace("http://www.w3.org", "") and "https://" not in page.text
