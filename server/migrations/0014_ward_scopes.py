import json

from tortoise import migrations
from tortoise.migrations import operations as ops

from server.db import migration_ward

# Ward data per ward: inspections, their answers, corrective actions, section goals and comments were
# synced in one scope "ward" for the whole deployment, so in a database serving several wards every ward's
# accounts received every other's. From now on each record holds its ward and travels in the scope
# "ward:<ward code>", received only by that ward's accounts. Everything stored before belongs to the
# deployment's DEFAULT_WARD (``madoguchi migrate`` passes it). The records, their change log, counter and
# conflicts move to the new scope with their numbers; a tablet's cursor still names "ward", a scope its
# person no longer has, so its next pull is answered with ``reset`` and fetches the ward's scope from its
# start, keeping its unsent changes (docs/sync.md §6).

OLD_SCOPE = "ward"
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
TABLES = ("inspections", "inspection_answers", "corrective_actions", "section_goals", "feedback")


async def move_to_ward_scopes(apps, schema_editor) -> None:
    conn = schema_editor.client
    postgres = conn.capabilities.dialect == "postgres"
    ward = migration_ward.get()
    scope = f"ward:{WARD_CODES[ward]}"

    def sql(query: str) -> str:
        if not postgres:
            return query
        parts = query.split("?")
        return "".join(part + (f"${i + 1}" if i < len(parts) - 1 else "") for i, part in enumerate(parts))

    for table in TABLES:
        rows = await conn.execute_query_dict(
            sql("SELECT key, state FROM sync_record WHERE table_name = ? AND scope = ?"), [table, OLD_SCOPE]
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
                        "client_id": "migration-0014",
                        "client_seq": 0,
                        "hlc": "0000000000000:00000:migration-0014",
                        "op_id": "migration-0014",
                        "user": state.get("created_by", ""),
                        "at": state.get("updated_at", ""),
                        "base": 0,
                    }
                ]
            # The stored view lacks the new field: a pull computes the row afresh from the state.
            await conn.execute_query(
                sql("UPDATE sync_record SET scope = ?, state = ? WHERE key = ?"),
                [scope, json.dumps(state, ensure_ascii=False), row["key"]],
            )
    for table in ("sync_change", "sync_conflict", "sync_counter"):
        await conn.execute_query(sql(f"UPDATE {table} SET scope = ? WHERE scope = ?"), [scope, OLD_SCOPE])  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [('models', '0013_dashboard_rollups')]

    initial = False

    operations = [
        ops.RunPython(move_to_ward_scopes),
    ]
