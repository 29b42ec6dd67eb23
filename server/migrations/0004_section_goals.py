from tortoise import migrations
from tortoise.migrations import operations as ops
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0003_sync_store')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SectionGoal',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('section_id', fields.IntField(null=True)),
                ('fiscal_year', fields.IntField(null=True)),
                ('title', fields.CharField(default='', db_default='', max_length=200)),
                ('indicator', fields.CharField(default='', db_default='', max_length=200)),
                ('target', fields.CharField(default='', db_default='', max_length=200)),
                ('progress', fields.TextField(default='', unique=False)),
                ('deleted', fields.BooleanField(default=False, db_default=False)),
                ('contested', fields.BooleanField(default=False, db_default=False)),
                ('version', fields.IntField(default=0, db_default=0)),
            ],
            options={'table': 'section_goal', 'app': 'models', 'indexes': [Index(fields=['section_id', 'fiscal_year'], name='idx_section_goal_section')], 'pk_attr': 'id', 'table_description': '課のサービス向上目標, as list pages read it: kept in step with the synced record on every change.'},
            bases=['Model'],
        ),
    ]
