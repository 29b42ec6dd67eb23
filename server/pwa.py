"""The installable shell: web app manifest, the service worker at the site root, and the offline page."""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, Response, get
from litestar.response import Template

from server.auth.guards import PUBLIC
from server.okuyami.engine_data import CATALOGUE_PATH, INTAKE_PATH
from server.rendering import render, request_language
from server.state import AppState
from server.templating import STATIC_DIR

# The app shell the service worker stores at install: enough to show the layout and the offline page
# with no network. Pages with content are cached as they are visited (network first), per user.
SHELL_ASSETS = (
    "vendor/htmx-2.0.11.min.js",
    "css/app.css",
    "js/app.js",
    "js/idb.js",
    "js/sw-bridge.js",
    "js/offline-data.js",
    "js/outbox.js",
    "js/sync-client.js",
    "js/files.js",
    "js/sync-triggers.js",
    "js/status-bar.js",
    "js/logout.js",
    "js/offline-forms.js",
    "js/inspections.js",
    "js/okuyami.js",
    "js/calendar-ja.js",
    "js/confirm.js",
    "js/okuyami/rules.js",
    "js/okuyami/intake.js",
    "js/okuyami/catalogue.js",
    "js/okuyami/plan.js",
    "js/okuyami/guide.js",
    "js/okuyami/guide-view.js",
    "js/self-check.js",
    "js/sw/background-sync.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
)
ENGINE_DOCUMENTS = (CATALOGUE_PATH, INTAKE_PATH)


@get("/sw.js", opt=PUBLIC, include_in_schema=False)
async def service_worker(request: Request[Any, Any, Any]) -> Response[str]:
    """The service worker, served from the root so its scope is the whole app, with this release's version."""
    state: AppState = request.app.state.madoguchi
    source = (STATIC_DIR / "sw.js").read_text(encoding="utf-8")
    shell = [
        "/offline",
        *(f"/static/{asset}?v={state.asset_version}" for asset in SHELL_ASSETS),
        # The おくやみ engine's catalogue and intake definitions, generated from the Python reference: the
        # desk tablet builds a family's guide from them with no network.
        *(f"{path}?v={state.asset_version}" for path in ENGINE_DOCUMENTS),
    ]
    source = source.replace("__MADOGUCHI_VERSION__", state.asset_version).replace(
        "__MADOGUCHI_SHELL__", json.dumps(shell)
    )
    return Response(
        source,
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


@get("/manifest.webmanifest", opt=PUBLIC, include_in_schema=False)
async def manifest(request: Request[Any, Any, Any]) -> Response[str]:
    """The web app manifest, in the visitor's language."""
    state: AppState = request.app.state.madoguchi

    language = request_language(request)
    _ = state.catalogs.gettext(language)
    icon = f"/static/icons/icon-%s.png?v={state.asset_version}"
    body = {
        "name": f"{_('Madoguchi')} — {state.settings.ward_name}",
        "short_name": _("Madoguchi"),
        "description": _("Service Improvement Plan of the ward office"),
        "lang": language,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "background_color": "#ffffff",
        "theme_color": "#0b4f8a",
        "icons": [
            {"src": icon % "192", "sizes": "192x192", "type": "image/png"},
            {"src": icon % "512", "sizes": "512x512", "type": "image/png"},
            {"src": icon % "maskable-512", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    }
    return Response(
        json.dumps(body, ensure_ascii=False),
        media_type="application/manifest+json; charset=utf-8",
        headers={"Cache-Control": "no-cache"},
    )


@get("/offline", opt=PUBLIC, include_in_schema=False)
async def offline_page(request: Request[Any, Any, Any]) -> Template:
    """Shown by the service worker when a page is not stored for offline use. Holds no personal data."""
    return render(request, "offline.html", {"user": None})


routes = [service_worker, manifest, offline_page]
