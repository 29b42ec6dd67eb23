from tortoise import migrations
from tortoise.migrations import operations as ops
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0008_feedback')]

    initial = False

    operations = [
        ops.CreateModel(
            name='OkuyamiAppointment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('day', fields.DateField()),
                ('slot', fields.IntField()),
                ('caller_name', fields.CharField(default='', db_default='', max_length=100)),
                ('caller_phone', fields.CharField(default='', db_default='', max_length=20)),
                ('case_id', fields.UUIDField(null=True)),
                ('cancelled', fields.BooleanField(default=False, db_default=False)),
                ('created_by', fields.CharField(default='', db_default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'okuyami_appointment', 'app': 'models', 'indexes': [Index(fields=['day', 'slot'], name='idx_okuyami_appointment_day')], 'pk_attr': 'id', 'table_description': 'A desk booking taken by phone: a slot of a day, who called. Kept only as long as the case is.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OkuyamiCase',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('visit_date', fields.DateField(null=True)),
                ('notice_shown_at', fields.CharField(default='', db_default='', max_length=40)),
                ('deceased_name', fields.CharField(default='', db_default='', max_length=200)),
                ('answers', fields.TextField(default='{}', unique=False)),
                ('procedures', fields.TextField(default='[]', unique=False)),
                ('progress', fields.TextField(default='{}', unique=False)),
                ('status', fields.CharField(default='open', db_default='open', max_length=12)),
                ('closed_on', fields.DateField(null=True)),
                ('handling_minutes', fields.IntField(null=True)),
                ('created_by', fields.CharField(default='', db_default='', max_length=64)),
                ('deleted', fields.BooleanField(default=False, db_default=False)),
                ('purged', fields.BooleanField(default=False, db_default=False)),
                ('contested', fields.BooleanField(default=False, db_default=False)),
                ('version', fields.IntField(default=0, db_default=0)),
            ],
            options={'table': 'okuyami_case', 'app': 'models', 'indexes': [Index(fields=['visit_date'], name='idx_okuyami_case_visit'), Index(fields=['status'], name='idx_okuyami_case_status')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
