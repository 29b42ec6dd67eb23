"""The app factory: the only module that knows every feature."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from server import flash, pwa
from server.account import routes as account_routes
from server.actions import routes as action_routes
from server.admin import routes as admin_routes
from server.auth import routes as auth_routes
from server.auth.guards import PUBLIC, access_guard
from server.compliance import catalogue_routes, rate_routes
from server.compliance import routes as compliance_routes
from server.config import Settings
from server.conflicts import routes as conflict_routes
from server.dashboard import routes as dashboard_routes
from server.db import connected
from server.devices import routes as device_routes
from server.errors import handle_exception
from server.feedback import routes as feedback_routes
from server.form_text import form_text_middleware
from server.goals import routes as goal_routes
from server.home import routes as home_routes
from server.i18n import Catalogs
from server.inspections import routes as inspection_routes
from server.monitoring import health, metrics
from server.monitoring import routes as monitoring_routes
from server.office_calendar import routes as calendar_routes
from server.okuyami import engine_data as okuyami_engine_data
from server.okuyami import routes as okuyami_routes
from server.okuyami.catalogue import default_catalogue
from server.okuyami.service import purge_on_schedule
from server.parameter_bounds import bounded_integers
from server.plan import routes as plan_routes
from server.reports import routes as report_routes
from server.rounds import routes as round_routes
from server.security_headers import add_security_headers
from server.sessions import DatabaseSessionStore, SessionConfig
from server.state import AppState
from server.sync_api import files as sync_files
from server.sync_api import pages as sync_pages
from server.sync_api import routes as sync_routes
from server.sync_api.service import SyncService
from server.teams import routes as team_routes
from server.template_admin import routes as template_admin_routes
from server.templating import STATIC_DIR, build_environment, release_fingerprint
from server.voice import routes as voice_routes

FEATURE_ROUTES = [
    *auth_routes.routes,
    *account_routes.routes,
    *home_routes.routes,
    *admin_routes.routes,
    *device_routes.routes,
    *pwa.routes,
    *sync_routes.routes,
    *sync_pages.routes,
    *sync_files.routes,
    *goal_routes.routes,
    *conflict_routes.routes,
    *inspection_routes.routes,
    *action_routes.routes,
    *feedback_routes.routes,
    *okuyami_routes.routes,
    *voice_routes.routes,
    *dashboard_routes.routes,
    *report_routes.routes,
    *template_admin_routes.routes,
    *round_routes.routes,
    *catalogue_routes.routes,
    *compliance_routes.routes,
    *rate_routes.routes,
    *monitoring_routes.routes,
    *plan_routes.routes,
    *team_routes.routes,
    *calendar_routes.routes,
]

MAX_FORM_BYTES = 2 * 1024 * 1024


def create_app(settings: Settings) -> Litestar:
    """Build the ASGI app for these settings; nothing here reads the environment."""
    asset_version = release_fingerprint(settings.release, okuyami_engine_data.fingerprint())
    # A broken procedure catalogue stops the start with the procedure's id, never a wrong guide later.
    default_catalogue()
    state = AppState(
        settings=settings,
        catalogs=Catalogs(),
        asset_version=asset_version,
        sync=SyncService(settings.secret_key, settings.data_dir),
        migrations=health.known_migrations(),
    )
    environment = build_environment(asset_version)

    @asynccontextmanager
    async def database(_: Litestar) -> AsyncIterator[None]:
        async with connected(settings.database_url):
            await DatabaseSessionStore.delete_expired()
            yield

    @asynccontextmanager
    async def okuyami_retention(_: Litestar) -> AsyncIterator[None]:
        """The bereavement desk's retention purge, run by the server itself (OKUYAMI_PURGE_HOURS)."""
        if not settings.okuyami_purge_hours:
            yield
            return
        task = asyncio.create_task(
            purge_on_schedule(state.sync, settings.okuyami_retention_days, settings.okuyami_purge_hours)
        )
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    static = create_static_files_router(
        path="/static",
        directories=[STATIC_DIR],
        opt=PUBLIC,
        # Every static URL carries ?v=<fingerprint>, so a changed file always gets a new URL.
        cache_control=None,
        include_in_schema=False,
    )
    session_config = SessionConfig(
        store="sessions",
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        key="madoguchi_session",
    )
    return Litestar(
        route_handlers=[*FEATURE_ROUTES, static],
        guards=[access_guard, bounded_integers],
        plugins=[HTMXPlugin()],
        middleware=[metrics.request_middleware(), form_text_middleware, session_config.middleware],
        stores={"sessions": DatabaseSessionStore()},
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name="madoguchi_csrf",
            cookie_secure=settings.secure_cookies,
            cookie_samesite="lax",
            header_name="x-csrftoken",
            # The sync API is JSON-only and demands its own header, which a cross-site form cannot send.
            # Health checks and scrapes are GETs from machines: no cookie for them.
            exclude=["/api/sync", "/healthz", "/metrics"],
        ),
        template_config=TemplateConfig(engine=JinjaTemplateEngine.from_environment(environment)),
        exception_handlers={Exception: handle_exception},
        before_send=[flash.before_send, add_security_headers],
        # In order: the database opens first and closes last, after the purge task has stopped.
        lifespan=[database, okuyami_retention],
        request_max_body_size=MAX_FORM_BYTES,
        state=State({"madoguchi": state}),
        openapi_config=None,
        debug=False,
    )
