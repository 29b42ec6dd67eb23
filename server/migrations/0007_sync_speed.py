from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_section_goals')]

    initial = False

    operations = [
        ops.AddField(
            model_name='SyncRecord',
            name='view',
            field=fields.TextField(null=True, unique=False),
        ),
    ]
