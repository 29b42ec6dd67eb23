"""Every ORM model, in the single module path Tortoise is configured with."""

from server.models.accounts import Role, Section, User
from server.models.audit import AuditEvent
from server.models.compliance import (
    APPLIES_TO_LABELS,
    RESULT_LABELS,
    AppliesTo,
    CheckMode,
    ComplianceTarget,
    Result,
    SelfCheckAnswer,
    SelfCheckConfirmation,
    SelfCheckReminder,
    SelfCheckSchedule,
    SelfCheckSetting,
    ServiceStandard,
    ServiceStandardVersion,
)
from server.models.devices import Device
from server.models.feedback import Feedback, FeedbackSection, PublicSubmission
from server.models.inspections import (
    CorrectiveAction,
    Inspection,
    InspectionAnswer,
    InspectionRound,
    InspectionTemplate,
    TemplateStatus,
)
from server.models.okuyami import OkuyamiAppointment, OkuyamiCase
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
    "APPLIES_TO_LABELS",
    "RESULT_LABELS",
    "AppliesTo",
    "CheckMode",
    "ComplianceTarget",
    "Result",
    "SelfCheckAnswer",
    "SelfCheckConfirmation",
    "SelfCheckReminder",
    "SelfCheckSchedule",
    "SelfCheckSetting",
    "ServiceStandard",
    "ServiceStandardVersion",
    "AuditEvent",
    "CorrectiveAction",
    "Device",
    "Feedback",
    "FeedbackSection",
    "Inspection",
    "InspectionAnswer",
    "InspectionRound",
    "InspectionTemplate",
    "LoginFailure",
    "OkuyamiAppointment",
    "OkuyamiCase",
    "PublicSubmission",
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
    "TemplateStatus",
    "User",
    "WebSession",
]
