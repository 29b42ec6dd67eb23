"""The wire format of the sync API and its strict validation (every bad field is named, nothing crashes)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sync.errors import ValidationError
from sync.hlc import parse_stamp

PROTOCOL_VERSION = 1
MAX_OPS_PER_PUSH = 500
MAX_FIELDS_PER_OP = 200
MAX_NAME_LENGTH = 64
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class Kind(StrEnum):
    CREATE = "create"
    PATCH = "patch"
    DELETE = "delete"
    RESTORE = "restore"
    SET_ADD = "set_add"
    SET_REMOVE = "set_remove"
    RESOLVE = "resolve"


class Status(StrEnum):
    APPLIED = "applied"  # applied with nothing concurrent
    MERGED = "merged"  # applied; concurrent changes to other fields (or a last-writer field) merged
    CONFLICT = "conflict"  # kept, and a conflict is open for review
    DUPLICATE = "duplicate"  # already processed earlier; nothing applied again
    REJECTED = "rejected"  # permanently invalid; recorded, visible, and the queue moves on


@dataclass(frozen=True)
class Op:
    op_id: str
    client_seq: int
    hlc: str
    table: str
    record_id: str
    kind: Kind
    base_version: int | None
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PushRequest:
    client_id: str
    ops: list[Op]
    schema_version: int = PROTOCOL_VERSION


def _uuid(value: Any, path: str, errors: list[tuple[str, str]]) -> str:
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value))
        except ValueError:
            pass
    errors.append((path, "must be a UUID"))
    return ""


def _int(
    value: Any, path: str, errors: list[tuple[str, str]], minimum: int, nullable: bool = False
) -> int | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum or value > 2**53:
        errors.append((path, f"must be a whole number ≥ {minimum}" + (" or null" if nullable else "")))
        return None
    return value


def parse_op(raw: Any, path: str, errors: list[tuple[str, str]]) -> Op | None:
    if not isinstance(raw, dict):
        errors.append((path, "must be an object"))
        return None
    before = len(errors)
    op_id = _uuid(raw.get("op_id"), f"{path}.op_id", errors)
    seq = _int(raw.get("client_seq"), f"{path}.client_seq", errors, 1)
    hlc = raw.get("hlc")
    if not isinstance(hlc, str):
        errors.append((f"{path}.hlc", "must be a clock stamp string"))
    else:
        try:
            parse_stamp(hlc, f"{path}.hlc")
        except ValidationError as exc:
            errors.extend(exc.errors)
    table = raw.get("table")
    if not isinstance(table, str) or not _NAME.match(table):
        errors.append((f"{path}.table", "must be a table name (lower-case letters, digits, _)"))
    record_id = _uuid(raw.get("record_id"), f"{path}.record_id", errors)
    kind_raw = raw.get("kind")
    kind = Kind(kind_raw) if isinstance(kind_raw, str) and kind_raw in Kind._value2member_map_ else None
    if kind is None:
        errors.append((f"{path}.kind", f"must be one of {', '.join(k.value for k in Kind)}"))
    base = _int(raw.get("base_version"), f"{path}.base_version", errors, 0, nullable=True)
    fields_raw = raw.get("fields", {})
    if not isinstance(fields_raw, dict):
        errors.append((f"{path}.fields", "must be an object"))
        fields_raw = {}
    elif len(fields_raw) > MAX_FIELDS_PER_OP:
        errors.append((f"{path}.fields", f"at most {MAX_FIELDS_PER_OP} fields"))
    # Only the names: values are checked against their table per operation, so a bad value is that
    # operation's ``rejected`` result and never stops the rest of the outbox (``sync.merge.check_op``).
    for name in fields_raw if isinstance(fields_raw, dict) else []:
        if not isinstance(name, str) or len(name) > MAX_NAME_LENGTH:
            errors.append((f"{path}.fields", "field names are short strings"))
    unknown = set(raw) - {
        "op_id",
        "client_seq",
        "hlc",
        "table",
        "record_id",
        "kind",
        "base_version",
        "fields",
    }
    if unknown:
        errors.append((path, f"unknown keys: {', '.join(sorted(map(str, unknown)))}"))
    if len(errors) > before or kind is None or seq is None:
        return None
    return Op(
        op_id=op_id,
        client_seq=seq,
        hlc=str(hlc),
        table=str(table),
        record_id=record_id,
        kind=kind,
        base_version=base,
        fields=dict(fields_raw),
    )


def parse_push(payload: Any) -> PushRequest:
    """Validate a push body. Raises ``ValidationError`` listing every problem with its path."""
    errors: list[tuple[str, str]] = []
    if not isinstance(payload, dict):
        raise ValidationError([("", "the body must be a JSON object")])
    client_id = _uuid(payload.get("client_id"), "client_id", errors)
    schema = payload.get("schema_version", PROTOCOL_VERSION)
    if schema != PROTOCOL_VERSION:
        errors.append(("schema_version", f"this server speaks version {PROTOCOL_VERSION}"))
    raw_ops = payload.get("ops")
    ops: list[Op] = []
    if not isinstance(raw_ops, list) or not raw_ops:
        errors.append(("ops", "must be a non-empty list"))
    elif len(raw_ops) > MAX_OPS_PER_PUSH:
        errors.append(("ops", f"at most {MAX_OPS_PER_PUSH} operations per push"))
    else:
        for index, raw in enumerate(raw_ops):
            op = parse_op(raw, f"ops[{index}]", errors)
            if op is not None:
                ops.append(op)
        seqs = [op.client_seq for op in ops]
        if not errors and seqs != sorted(seqs):
            errors.append(("ops", "operations must be in client_seq order"))
        if not errors and len(set(seqs)) != len(seqs):
            errors.append(("ops", "client_seq values repeat"))
    if errors:
        raise ValidationError(errors)
    return PushRequest(client_id=client_id, ops=ops, schema_version=PROTOCOL_VERSION)
