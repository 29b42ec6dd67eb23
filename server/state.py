"""What the running app holds on ``app.state``: settings and the loaded catalogs."""

from __future__ import annotations

from dataclasses import dataclass

from server.config import Settings
from server.i18n import Catalogs
from server.sync_api.service import SyncService


@dataclass(frozen=True)
class AppState:
    settings: Settings
    catalogs: Catalogs
    asset_version: str
    sync: SyncService
    migrations: frozenset[str] = frozenset()  # the migration modules this code ships, for /healthz
