import json

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

from server.db import migration_ward

# Wards: a deployment may serve several wards of Kawasaki City. Everything stored before belongs to the
# deployment's DEFAULT_WARD (``madoguchi migrate`` passes it; the columns' own default is 高津区).
# Bereavement cases are synced in one scope per ward from now on, so the stored records, their change
# log, counter and conflicts move from the scope "okuyami" to "okuyami:<ward code>", and each record gains
# the ward as a field: a tablet's next pull fetches the ward's scope from its start, and the desk
# keeps receiving (and editing) every case it had.

OLD_SCOPE = "okuyami"
# server.config.KAWASAKI_WARDS as it was when this migration was written.
WARD_CODES = {
    "川崎区": "kawasaki",
    "幸区": "saiwai",
    "中原区": "nakahara",
    "高津区": "takatsu",
    "宮前区": "miyamae",
    "多摩区": "tama",
    "麻生区": "asao",
}
TABLE = "okuyami_cases"


async def assign_ward(apps, schema_editor) -> None:
    conn = schema_editor.client
    postgres = conn.capabilities.dialect == "postgres"
    ward = migration_ward.get()
    scope = f"okuyami:{WARD_CODES[ward]}"

    def sql(query: str) -> str:
        if not postgres:
            return query
        parts = query.split("?")
        return "".join(part + (f"${i + 1}" if i < len(parts) - 1 else "") for i, part in enumerate(parts))

    for table in ("app_user", "okuyami_case", "okuyami_appointment"):
        await conn.execute_query(sql(f"UPDATE {table} SET ward = ?"), [ward])  # noqa: S608
    rows = await conn.execute_query_dict(
        sql("SELECT key, state FROM sync_record WHERE table_name = ? AND scope = ?"), [TABLE, OLD_SCOPE]
    )
    for row in rows:
        state = json.loads(row["state"])
        state["scope"] = scope
        if not state.get("purged"):
            # As if the creating write had set it: version 1, seen by every later write.
            state.setdefault("registers", {})["ward"] = [
                {
                    "value": ward,
                    "version": 1,
                    "client_id": "migration-0011",
                    "client_seq": 0,
                    "hlc": "0000000000000:00000:migration-0011",
                    "op_id": "migration-0011",
                    "user": state.get("created_by", ""),
                    "at": state.get("updated_at", ""),
                    "base": 0,
                }
            ]
        await conn.execute_query(
            sql("UPDATE sync_record SET scope = ?, state = ? WHERE key = ?"),
            [scope, json.dumps(state, ensure_ascii=False), row["key"]],
        )
    for table in ("sync_change", "sync_conflict", "sync_counter"):
        await conn.execute_query(sql(f"UPDATE {table} SET scope = ? WHERE scope = ?"), [scope, OLD_SCOPE])  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [('models', '0010_dashboard_indexes')]

    initial = False

    operations = [
        ops.AddField(
            model_name='OkuyamiAppointment',
            name='ward',
            field=fields.CharField(default='高津区', db_default='高津区', max_length=8),
        ),
        ops.AddIndex(
            model_name='OkuyamiAppointment',
            index=Index(fields=['ward', 'day'], name='idx_okuyami_appointment_ward'),
        ),
        ops.AddField(
            model_name='OkuyamiCase',
            name='ward',
            field=fields.CharField(default='高津区', db_default='高津区', max_length=8),
        ),
        ops.AddIndex(
            model_name='OkuyamiCase',
            index=Index(fields=['ward', 'deleted', 'visit_date'], name='idx_okuyami_case_ward'),
        ),
        ops.AddField(
            model_name='User',
            name='ward',
            field=fields.CharField(default='高津区', db_default='高津区', max_length=8),
        ),
        ops.RunPython(assign_ward),
    ]
