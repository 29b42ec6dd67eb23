from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from server.models.compliance import AppliesTo, CheckMode
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0005_inspections')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ComplianceTarget',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('fiscal_year', fields.IntField()),
                ('section_id', fields.IntField(default=0)),
                ('percent', fields.DecimalField(max_digits=5, decimal_places=1)),
                ('set_by', fields.CharField(default='', db_default='', max_length=64)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'compliance_target', 'app': 'models', 'unique_together': (('fiscal_year', 'section_id'),), 'pk_attr': 'id', 'table_description': 'The 遵守率 to reach in a fiscal year: ward-wide (section_id 0) or for one section.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SelfCheckAnswer',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('section_id', fields.IntField(null=True)),
                ('period', fields.CharField(default='', db_default='', max_length=7)),
                ('respondent', fields.CharField(default='', db_default='', max_length=32)),
                ('standard_code', fields.CharField(default='', db_default='', max_length=16)),
                ('standard_version', fields.IntField(default=1, db_default=1)),
                ('result', fields.CharField(null=True, max_length=16)),
                ('note', fields.TextField(default='', unique=False)),
                ('status', fields.CharField(default='open', db_default='open', max_length=16)),
                ('deleted', fields.BooleanField(default=False, db_default=False)),
                ('contested', fields.BooleanField(default=False, db_default=False)),
                ('version', fields.IntField(default=0, db_default=0)),
            ],
            options={'table': 'self_check_answer', 'app': 'models', 'indexes': [Index(fields=['section_id', 'period'], name='idx_self_check_answer_section'), Index(fields=['period', 'standard_code'], name='idx_self_check_answer_standard')], 'pk_attr': 'id', 'table_description': 'One answer as reports read it: kept in step with the synced record on every change.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SelfCheckConfirmation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('section_id', fields.IntField()),
                ('period', fields.CharField(max_length=7)),
                ('confirmed_by', fields.CharField(max_length=64)),
                ('confirmed_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'self_check_confirmation', 'app': 'models', 'unique_together': (('section_id', 'period'),), 'pk_attr': 'id', 'table_description': 'The 課長 confirmed the self-check of the section for a period: its answers are locked from then on.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SelfCheckReminder',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user_id', fields.IntField()),
                ('section_id', fields.IntField()),
                ('period', fields.CharField(max_length=7)),
                ('sent_by', fields.CharField(max_length=64)),
                ('sent_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'self_check_reminder', 'app': 'models', 'indexes': [Index(fields=['user_id', 'period'], name='idx_self_check_reminder_user')], 'pk_attr': 'id', 'table_description': 'A reminder from the 課長 to someone who has not answered yet, shown on their home page.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SelfCheckSchedule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('fiscal_year', fields.IntField(unique=True)),
                ('months_per_period', fields.IntField(default=1)),
            ],
            options={'table': 'self_check_schedule', 'app': 'models', 'pk_attr': 'id', 'table_description': 'How long a self-check period is in one fiscal year (monthly unless set otherwise).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SelfCheckSetting',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('section_id', fields.IntField(unique=True)),
                ('mode', fields.CharEnumField(default=CheckMode.INDIVIDUAL, description='INDIVIDUAL: individual\nSECTION: section', enum_type=CheckMode, max_length=16)),
            ],
            options={'table': 'self_check_setting', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Whether a section answers person by person or once as a whole.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ServiceStandard',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=16)),
                ('group_key', fields.CharField(max_length=32)),
                ('group_name', fields.CharField(max_length=100)),
                ('group_name_en', fields.CharField(default='', db_default='', max_length=100)),
                ('text', fields.CharField(max_length=300)),
                ('applies_to', fields.CharEnumField(default=AppliesTo.ALL, description='ALL: all\nCOUNTER: counter\nPHONE: phone', enum_type=AppliesTo, max_length=16)),
                ('sort_order', fields.IntField(default=0, db_default=0)),
                ('version', fields.IntField(default=1, db_default=1)),
                ('active', fields.BooleanField(default=True, db_default=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'service_standard', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One standard as it reads now. Its code never changes, so rates stay comparable across rewordings.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ServiceStandardVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('standard', fields.ForeignKeyField('models.ServiceStandard', source_field='standard_id', db_constraint=True, to_field='id', related_name='versions', on_delete=OnDelete.CASCADE)),
                ('version', fields.IntField()),
                ('text', fields.CharField(max_length=300)),
                ('applies_to', fields.CharEnumField(description='ALL: all\nCOUNTER: counter\nPHONE: phone', enum_type=AppliesTo, max_length=16)),
                ('group_key', fields.CharField(max_length=32)),
                ('active', fields.BooleanField(default=True)),
                ('changed_by', fields.CharField(default='', db_default='', max_length=64)),
                ('changed_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'service_standard_version', 'app': 'models', 'unique_together': (('standard', 'version'),), 'pk_attr': 'id', 'table_description': 'Every wording a standard has had, and its retirement: what each past answer was given against.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='SectionGoal',
            name='midyear_review',
            field=fields.TextField(null=True, default='', unique=False),
        ),
        ops.AddField(
            model_name='SectionGoal',
            name='standards',
            field=fields.JSONField(null=True, default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='SectionGoal',
            name='status',
            field=fields.CharField(default='planned', db_default='planned', max_length=16),
        ),
        ops.AddField(
            model_name='SectionGoal',
            name='year_end_evaluation',
            field=fields.TextField(null=True, default='', unique=False),
        ),
        ops.AddField(
            model_name='User',
            name='counter_duty',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='User',
            name='phone_duty',
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
