"""Offline sync for Madoguchi: operations from tablets merged per field so no edit is silently lost.

Pure Python: no web framework, no ORM. The server supplies a ``Store`` and the table specs.
"""

from sync.blobs import FileBlobStore, missing
from sync.cursor import Cursor
from sync.engine import Actor, Authorize, Engine, PullItem, PullPage, PushResponse, allow_all
from sync.errors import (
    BlobError,
    BlobRefused,
    CursorError,
    GapError,
    PendingLimit,
    SyncError,
    ValidationError,
)
from sync.hlc import Clock, Stamp, format_stamp, parse_stamp
from sync.memory import InjectedFailure, MemoryStore
from sync.merge import Rejection
from sync.protocol import PROTOCOL_VERSION, Kind, Op, PushRequest, Status, parse_push
from sync.records import Entry, RecordState, RecordView, provisional
from sync.spec import FieldSpec, FieldType, Policy, Registry, SignOff, TableSpec, Workflow
from sync.store import Change, ClientState, Conflict, HistoryEntry, RejectedOp, Store

__all__ = [
    "Actor",
    "Authorize",
    "BlobError",
    "BlobRefused",
    "Change",
    "ClientState",
    "Clock",
    "Conflict",
    "Cursor",
    "CursorError",
    "Engine",
    "Entry",
    "FieldSpec",
    "FieldType",
    "FileBlobStore",
    "GapError",
    "HistoryEntry",
    "InjectedFailure",
    "Kind",
    "MemoryStore",
    "Op",
    "PROTOCOL_VERSION",
    "PendingLimit",
    "Policy",
    "PullItem",
    "PullPage",
    "PushRequest",
    "PushResponse",
    "RecordState",
    "RecordView",
    "Registry",
    "RejectedOp",
    "Rejection",
    "SignOff",
    "Stamp",
    "Status",
    "Store",
    "SyncError",
    "TableSpec",
    "ValidationError",
    "Workflow",
    "allow_all",
    "format_stamp",
    "missing",
    "parse_push",
    "parse_stamp",
    "provisional",
]
