"""The sync engine's storage: records with their field registers, the per-scope change log, results,
conflicts, history and rejected operations. Written by ``server.sync_api.store.TortoiseStore``."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class SyncClient(Model):
    client_id = fields.CharField(max_length=36, primary_key=True)
    last_seq = fields.BigIntField(default=0)
    login = fields.CharField(max_length=64, default="", db_default="")

    class Meta:
        table = "sync_client"


class SyncPushResult(Model):
    """The results of one push, as answered: a resent batch gets them back unchanged.

    One row per push, not per operation: they are only ever read back together."""

    id = fields.BigIntField(primary_key=True)
    client_id = fields.CharField(max_length=36)
    first_seq = fields.BigIntField()
    last_seq = fields.BigIntField()
    results = fields.TextField()  # JSON list, in client_seq order

    class Meta:
        table = "sync_push_result"
        indexes = [Index(fields=["client_id", "last_seq"], name="idx_sync_push_result_client")]


class SyncRecord(Model):
    key = fields.CharField(max_length=110, primary_key=True)  # "<table>:<record id>"
    table_name = fields.CharField(max_length=64)
    record_id = fields.CharField(max_length=36)
    scope = fields.CharField(max_length=64)
    version = fields.IntField()
    deleted = fields.BooleanField(default=False)
    purged = fields.BooleanField(default=False)
    state = fields.TextField()  # the RecordState as JSON
    # What a pull sends for the record ({"row": …, "conflicts": […]}), written with the state so that a
    # pull streams it without rebuilding the record. NULL for rows written before it existed.
    view = fields.TextField(null=True)
    # The number of the record's latest change in its scope: pulls read records in this order (the change
    # log keeps only what has no row of its own, such as evictions). NULL for rows not changed since.
    seq = fields.BigIntField(null=True)

    class Meta:
        table = "sync_record"
        indexes = [Index(fields=["table_name", "scope"], name="idx_sync_record_table")]
        unique_together = (("scope", "seq"),)


class SyncCounter(Model):
    scope = fields.CharField(max_length=64, primary_key=True)
    seq = fields.BigIntField(default=0)

    class Meta:
        table = "sync_counter"


class SyncChange(Model):
    id = fields.BigIntField(primary_key=True)
    scope = fields.CharField(max_length=64)
    seq = fields.BigIntField()
    table_name = fields.CharField(max_length=64)
    record_id = fields.CharField(max_length=36)
    kind = fields.CharField(max_length=8)

    class Meta:
        table = "sync_change"
        unique_together = (("scope", "seq"),)


class SyncConflict(Model):
    id = fields.CharField(max_length=36, primary_key=True)
    table_name = fields.CharField(max_length=64)
    record_id = fields.CharField(max_length=36)
    field = fields.CharField(max_length=64, null=True)
    kind = fields.CharField(max_length=32)
    candidates = fields.TextField()
    base_value = fields.TextField()
    provisional_value = fields.TextField()
    status = fields.CharField(max_length=16, default="open")
    opened_at = fields.CharField(max_length=40)
    scope = fields.CharField(max_length=64, default="", db_default="")
    resolved_at = fields.CharField(max_length=40, null=True)
    resolved_by = fields.CharField(max_length=64, null=True)
    resolution = fields.CharField(max_length=32, null=True)
    resolution_op = fields.CharField(max_length=36, null=True)

    class Meta:
        table = "sync_conflict"
        indexes = [
            Index(fields=["table_name", "record_id", "status"], name="idx_sync_conflict_record"),
            Index(fields=["status", "scope"], name="idx_sync_conflict_status"),
        ]


class SyncHistory(Model):
    id = fields.BigIntField(primary_key=True)
    table_name = fields.CharField(max_length=64)
    record_id = fields.CharField(max_length=36)
    version = fields.IntField()
    op_id = fields.CharField(max_length=36)
    kind = fields.CharField(max_length=16)
    login = fields.CharField(max_length=64)
    client_id = fields.CharField(max_length=36)
    at = fields.CharField(max_length=40)
    changes = fields.TextField()
    flags = fields.TextField()

    class Meta:
        table = "sync_history"
        indexes = [Index(fields=["table_name", "record_id"], name="idx_sync_history_record")]


class SyncRejected(Model):
    id = fields.BigIntField(primary_key=True)
    op_id = fields.CharField(max_length=36)
    client_id = fields.CharField(max_length=36)
    client_seq = fields.BigIntField()
    login = fields.CharField(max_length=64)
    table_name = fields.CharField(max_length=64)
    record_id = fields.CharField(max_length=36)
    kind = fields.CharField(max_length=16)
    fields_json = fields.TextField()
    reason = fields.TextField()
    at = fields.CharField(max_length=40)

    class Meta:
        table = "sync_rejected"
        indexes = [Index(fields=["login"], name="idx_sync_rejected_login")]


class SectionGoal(Model):
    """課のサービス向上目標, as list pages read it: kept in step with the synced record on every change."""

    id = fields.UUIDField(primary_key=True)
    section_id = fields.IntField(null=True)
    fiscal_year = fields.IntField(null=True)
    title = fields.CharField(max_length=200, default="", db_default="")
    indicator = fields.CharField(max_length=200, default="", db_default="")
    target = fields.CharField(max_length=200, default="", db_default="")
    progress = fields.TextField(default="")
    # Codes of the service standards the goal works on (区役所サービス基準).
    # Nullable: the columns are added to a table that may already hold goals.
    standards: list[str] | None = fields.JSONField(default=list, null=True)
    status = fields.CharField(max_length=16, default="planned", db_default="planned")
    midyear_review = fields.TextField(default="", null=True)
    year_end_evaluation = fields.TextField(default="", null=True)
    deleted = fields.BooleanField(default=False, db_default=False)
    contested = fields.BooleanField(default=False, db_default=False)
    version = fields.IntField(default=0, db_default=0)

    class Meta:
        table = "section_goal"
        indexes = [Index(fields=["section_id", "fiscal_year"], name="idx_section_goal_section")]
