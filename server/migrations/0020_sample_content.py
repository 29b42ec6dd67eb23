from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# The catalogues Madoguchi seeds as examples, as they were named when this migration was written. An
# existing database marks them as samples while they are still exactly as seeded (version 1 only): a
# catalogue the ward has already reworded is the ward's own.
SEEDED_FAMILIES = ("shokuba-tenken", "amenity-tenken")


async def mark_untouched_samples(apps, schema_editor) -> None:
    conn = schema_editor.client
    postgres = conn.capabilities.dialect == "postgres"
    insert = (
        "INSERT INTO sample_content (key, adopted_by, how) VALUES ($1, '', '')"
        if postgres
        else "INSERT INTO sample_content (key, adopted_by, how) VALUES (?, '', '')"
    )
    _, rows = await conn.execute_query("SELECT COUNT(*) AS n, MAX(version) AS v FROM service_standard")
    if rows and rows[0]["n"] and rows[0]["v"] == 1:
        await conn.execute_query(insert, ["standards"])
    for family in SEEDED_FAMILIES:
        check = "SELECT MAX(version) AS v FROM inspection_template WHERE family = " + ("$1" if postgres else "?")
        _, rows = await conn.execute_query(check, [family])
        if rows and rows[0]["v"] == 1:
            await conn.execute_query(insert, [f"template:{family}"])


class Migration(migrations.Migration):
    dependencies = [('models', '0019_plan_and_teams')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SampleContent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=64)),
                ('adopted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('adopted_by', fields.CharField(default='', max_length=64)),
                ('how', fields.CharField(default='', max_length=16)),
            ],
            options={'table': 'sample_content', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Seeded example catalogues and when the ward adopted or replaced them'},
            bases=['Model'],
        ),
        ops.RunPython(mark_untouched_samples, ops.RunPython.noop),
    ]
