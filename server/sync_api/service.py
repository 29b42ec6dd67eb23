"""The sync engine as the server runs it: one engine per app, actors from users, the browser's own client."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from server.models import SyncClient, SyncRecord, User
from server.sync_api.registry import actor_for, make_authorize, project, registry
from server.sync_api.store import TortoiseStore
from server.timekeeping import now
from sync import (
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

# Cursor epoch: raise it when a change means every tablet must fetch everything again.
EPOCH = 1
_WEB_CLIENTS = uuid.UUID("3b0d9c1e-51a4-4c55-9d0e-8f7a6b5c4d3e")


class SyncService:
    def __init__(self, secret_key: str, data_dir: Path) -> None:
        self.store = TortoiseStore()
        self.blobs = FileBlobStore(data_dir / "files")
        self.registry = registry()
        self.secret = f"sync-cursor:{secret_key}".encode()

    def engine_for(self, user: User) -> Engine:
        return Engine(
            self.store,
            self.registry,
            secret=self.secret,
            epoch=EPOCH,
            authorize=make_authorize({user.login: user}),
            on_change=project,
        )

    async def push(self, user: User, request: PushRequest) -> PushResponse:
        return await self.engine_for(user).push(actor_for(user), request)

    async def pull(self, user: User, cursor: str, limit: int) -> Any:
        return await self.engine_for(user).pull(actor_for(user), cursor, limit)

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
                for field_name in file_fields:
                    group = (
                        record.sets
                        if spec and spec.fields[field_name].policy is Policy.SET
                        else record.registers
                    )
                    references += [str(e.value) for e in group.get(field_name, []) if e.value]
        return missing_blobs(references, self.blobs)

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
        client_id = str(uuid.uuid5(_WEB_CLIENTS, f"web:{user.id}"))
        seq = await self.last_seq(client_id) + 1
        millis = int(now().timestamp() * 1000)
        op = Op(
            op_id=str(uuid.uuid4()),
            client_seq=seq,
            hlc=format_stamp(millis, 0, client_id),
            table=table,
            record_id=record_id,
            kind=kind,
            base_version=base_version,
            fields=fields,
        )
        response = await self.push(user, PushRequest(client_id=client_id, ops=[op]))
        return response.results[0]
