"""Every ORM model, in the single module path Tortoise is configured with."""

from server.models.accounts import Role, Section, User
from server.models.audit import AuditEvent
from server.models.devices import Device
from server.models.security import LoginFailure, WebSession
from server.models.sync import (
    SectionGoal,
    SyncChange,
    SyncClient,
    SyncConflict,
    SyncCounter,
    SyncHistory,
    SyncPushResult,
    SyncRecord,
    SyncRejected,
)

__all__ = [
    "AuditEvent",
    "Device",
    "LoginFailure",
    "Role",
    "Section",
    "SectionGoal",
    "SyncChange",
    "SyncClient",
    "SyncConflict",
    "SyncCounter",
    "SyncHistory",
    "SyncPushResult",
    "SyncRecord",
    "SyncRejected",
    "User",
    "WebSession",
]
