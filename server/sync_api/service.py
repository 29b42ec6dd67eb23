"""The sync engine as the server runs it: one engine per app, actors from users, the browser's own client."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from server.models import Role, Section, SyncClient, SyncRecord, User
from server.photo_types import photo_type
from server.sync_api.registry import (
    actor_for,
    make_audit,
    make_authorize,
    project,
    project_pull,
    registry,
    with_ward,
)
from server.sync_api.rulebook import ward_scope
from server.sync_api.store import TortoiseStore
from server.timekeeping import now
from sync import (
    Actor,
    Engine,
    FieldType,
    FileBlobStore,
    Kind,
    Op,
    Policy,
    PushRequest,
    PushResponse,
    RecordState,
    format_stamp,
)
from sync import missing as missing_blobs
from sync.merge import settle

# Cursor epoch: raise it when a change means every tablet must fetch everything again.
EPOCH = 1
_WEB_BATCH = 400
_WEB_CLIENTS = uuid.UUID("3b0d9c1e-51a4-4c55-9d0e-8f7a6b5c4d3e")


class SyncService:
    def __init__(self, secret_key: str, data_dir: Path) -> None:
        self.store = TortoiseStore()
        # Only photos are stored; files refused by their bytes never reach another tablet.
        self.blobs = FileBlobStore(data_dir / "files", check=photo_type)
        self.registry = registry()
        self.secret = f"sync-cursor:{secret_key}".encode()

    def engine_for(self, user: User, client_id: str = "") -> Engine:
        """The engine as one person's client uses it: that person's rules and audit events."""
        return Engine(
            self.store,
            self.registry,
            secret=self.secret,
            epoch=EPOCH,
            authorize=make_authorize(user, client_id, self.store),
            on_change=project,
            on_applied=make_audit(user),
        )

    async def actor(self, user: User) -> Actor:
        sections: list[int] = []
        if user.role is Role.MANAGER:
            sections = [int(str(i)) for i in await Section.all().values_list("id", flat=True)]
        return actor_for(user, sections)

    async def push(self, user: User, request: PushRequest) -> PushResponse:
        ops = [with_ward(op, user) for op in request.ops]
        request = PushRequest(client_id=request.client_id, ops=ops, schema_version=request.schema_version)
        return await self.engine_for(user, request.client_id).push(await self.actor(user), request)

    async def pull(self, user: User, cursor: str, limit: int) -> Any:
        """The next page of what the person may see, each row as their role receives it."""
        page = await self.engine_for(user).pull(await self.actor(user), cursor, limit)
        await project_pull(user, page.changes)
        return page

    async def purge(self, table: str, record_ids: list[str]) -> list[str]:
        """Retention: remove records' content and history; tablets drop their copy at the next pull.
        Returns the ids purged now (one already purged is left as it is)."""
        engine = Engine(self.store, self.registry, secret=self.secret, epoch=EPOCH, on_change=project)
        return await engine.purge_all(table, record_ids)

    async def missing_files(self) -> list[str]:
        """Files that records refer to but whose bytes have not been uploaded yet."""
        references: list[str] = []
        for name in self.registry.names():
            spec = self.registry.get(name)
            file_fields = [f for f, s in spec.fields.items() if s.type is FieldType.FILE] if spec else []
            if not file_fields:
                continue
            for row in await SyncRecord.filter(table_name=name, deleted=False).values_list(
                "state", flat=True
            ):
                record = RecordState.from_json(json.loads(str(row)))
                # A photo a sign-off holds back is not shown, but its reviewer needs to see it.
                held = settle(record.copy(), spec) if spec else {}
                for field_name in file_fields:
                    group = (
                        record.sets
                        if spec and spec.fields[field_name].policy is Policy.SET
                        else record.registers
                    )
                    entries = [*group.get(field_name, []), *held.get(field_name, [])]
                    references += [str(e.value) for e in entries if e.value]
        return missing_blobs(references, self.blobs)

    async def refers_to(self, user: User, sha256: str) -> bool:
        """Whether a record this person may see refers to the file (held photos included): the only
        files a person may upload, so nobody can park arbitrary bytes on the server."""
        scopes = sorted((await self.actor(user)).scopes)
        # The hash is 64 hex digits: it appears in a record's state only where a file field holds it.
        return await SyncRecord.filter(scope__in=scopes, purged=False, state__contains=sha256).exists()

    async def last_seq(self, client_id: str) -> int:
        client = await SyncClient.get_or_none(client_id=client_id)
        return int(client.last_seq) if client else 0

    async def web_write(
        self,
        user: User,
        table: str,
        record_id: str,
        kind: Kind,
        fields: dict[str, Any],
        base_version: int | None,
    ) -> dict[str, Any]:
        """A change made in the browser (a manager resolving a conflict) goes through the same pipeline
        as a tablet's: it is an operation of the person's own browser client, merged and audited alike."""
        results = await self.web_write_many(user, [(table, record_id, kind, fields, base_version)])
        return results[0]

    async def web_write_many(
        self, user: User, changes: list[tuple[str, str, Kind, dict[str, Any], int | None]]
    ) -> list[dict[str, Any]]:
        """Several browser changes as ordered operations of the person's browser client, sent in batches
        (a 課長 confirming a period writes to every answer of the section at once)."""
        client_id = str(uuid.uuid5(_WEB_CLIENTS, f"web:{user.id}"))
        results: list[dict[str, Any]] = []
        for start in range(0, len(changes), _WEB_BATCH):
            seq = await self.last_seq(client_id)
            millis = int(now().timestamp() * 1000)
            ops = [
                Op(
                    op_id=str(uuid.uuid4()),
                    client_seq=seq + i + 1,
                    hlc=format_stamp(millis, i, client_id),
                    table=table,
                    record_id=record_id,
                    kind=kind,
                    base_version=base_version,
                    fields=fields,
                )
                for i, (table, record_id, kind, fields, base_version) in enumerate(
                    changes[start : start + _WEB_BATCH]
                )
            ]
            response = await self.push(user, PushRequest(client_id=client_id, ops=ops))
            results.extend(response.results)
        return results

    async def public_write(
        self, table: str, record_id: str, fields: dict[str, Any], ward: str
    ) -> dict[str, Any]:
        """A resident's comment from the public form: a ``create`` and nothing else, as its own client
        (one per record), so simultaneous submissions never contend for a sequence number and sending
        the same form twice is the same operation twice, stored once. It belongs to ``ward``, the
        deployment's."""
        fields = {**fields, "ward": ward}
        public = Actor(user="public-web", scopes=frozenset({ward_scope(ward)}), roles=frozenset({"public"}))
        client_id = str(uuid.uuid5(_WEB_CLIENTS, f"public:{table}:{record_id}"))
        millis = int(now().timestamp() * 1000)
        op = Op(
            op_id=str(uuid.uuid5(_WEB_CLIENTS, f"public-op:{table}:{record_id}")),
            client_seq=1,
            hlc=format_stamp(millis, 0, client_id),
            table=table,
            record_id=record_id,
            kind=Kind.CREATE,
            base_version=None,
            fields=fields,
        )

        async def only_new_comments(actor: Actor, op: Op, record: Any) -> str | None:
            if op.table != "feedback" or op.kind is not Kind.CREATE or op.fields.get("channel") != "web":
                return "the public form only leaves new comments"
            return None

        engine = Engine(
            self.store,
            self.registry,
            secret=self.secret,
            epoch=EPOCH,
            authorize=only_new_comments,
            on_change=project,
        )
        response = await engine.push(public, PushRequest(client_id=client_id, ops=[op]))
        return response.results[0]
