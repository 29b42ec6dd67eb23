from tortoise import migrations
from tortoise.migrations import operations as ops
from server.models.inspections import TemplateStatus
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0004_section_goals')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CorrectiveAction',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('section_id', fields.IntField(null=True)),
                ('title', fields.CharField(default='', db_default='', max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('status', fields.CharField(default='raised', db_default='raised', max_length=20)),
                ('priority', fields.CharField(default='normal', db_default='normal', max_length=10)),
                ('assignee', fields.CharField(default='', db_default='', max_length=64)),
                ('due_on', fields.DateField(null=True)),
                ('raised_by', fields.CharField(default='', db_default='', max_length=64)),
                ('raised_on', fields.DateField(null=True)),
                ('closed_on', fields.DateField(null=True)),
                ('fiscal_year', fields.IntField(null=True)),
                ('inspection_id', fields.UUIDField(null=True)),
                ('answer_id', fields.UUIDField(null=True)),
                ('item_key', fields.CharField(default='', db_default='', max_length=60)),
                ('place', fields.CharField(default='', db_default='', max_length=200)),
                ('report_note', fields.TextField(default='', unique=False)),
                ('deleted', fields.BooleanField(default=False, db_default=False)),
                ('contested', fields.BooleanField(default=False, db_default=False)),
                ('version', fields.IntField(default=0, db_default=0)),
            ],
            options={'table': 'corrective_action', 'app': 'models', 'indexes': [Index(fields=['section_id', 'status'], name='idx_action_section_status'), Index(fields=['due_on'], name='idx_action_due')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Inspection',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('template_id', fields.IntField(null=True)),
                ('family', fields.CharField(default='', db_default='', max_length=40)),
                ('section_id', fields.IntField(null=True)),
                ('place', fields.CharField(default='', db_default='', max_length=200)),
                ('status', fields.CharField(default='draft', db_default='draft', max_length=20)),
                ('inspector', fields.CharField(default='', db_default='', max_length=64)),
                ('started_on', fields.DateField(null=True)),
                ('submitted_on', fields.DateField(null=True)),
                ('passed', fields.IntField(default=0, db_default=0)),
                ('failed', fields.IntField(default=0, db_default=0)),
                ('not_applicable', fields.IntField(default=0, db_default=0)),
                ('answered', fields.IntField(default=0, db_default=0)),
                ('deleted', fields.BooleanField(default=False, db_default=False)),
                ('contested', fields.BooleanField(default=False, db_default=False)),
                ('version', fields.IntField(default=0, db_default=0)),
            ],
            options={'table': 'inspection', 'app': 'models', 'indexes': [Index(fields=['section_id', 'submitted_on'], name='idx_inspection_section_date'), Index(fields=['family', 'section_id'], name='idx_inspection_family')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InspectionAnswer',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('inspection_id', fields.UUIDField()),
                ('item_key', fields.CharField(max_length=60)),
                ('result', fields.CharField(default='', db_default='', max_length=12)),
                ('value', fields.TextField(default='', unique=False)),
                ('note', fields.TextField(default='', unique=False)),
                ('photos', fields.TextField(default='[]', unique=False)),
                ('repeat', fields.BooleanField(default=False, db_default=False)),
                ('deleted', fields.BooleanField(default=False, db_default=False)),
                ('contested', fields.BooleanField(default=False, db_default=False)),
            ],
            options={'table': 'inspection_answer', 'app': 'models', 'indexes': [Index(fields=['inspection_id'], name='idx_inspection_answer_insp'), Index(fields=['item_key', 'result'], name='idx_inspection_answer_item')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InspectionRound',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('section_id', fields.IntField()),
                ('family', fields.CharField(max_length=40)),
                ('every_months', fields.IntField(default=1, db_default=1)),
                ('active', fields.BooleanField(default=True, db_default=True)),
            ],
            options={'table': 'inspection_round', 'app': 'models', 'unique_together': (('section_id', 'family'),), 'pk_attr': 'id', 'table_description': 'A schedule: this section is inspected with this template family every so many months.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InspectionTemplate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('family', fields.CharField(max_length=40)),
                ('version', fields.IntField()),
                ('status', fields.CharEnumField(default=TemplateStatus.DRAFT, description='DRAFT: draft\nPUBLISHED: published\nRETIRED: retired', enum_type=TemplateStatus, max_length=12)),
                ('name', fields.CharField(max_length=200)),
                ('name_en', fields.CharField(default='', db_default='', max_length=200)),
                ('frequency_months', fields.IntField(default=1, db_default=1)),
                ('body', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('published_by', fields.CharField(default='', db_default='', max_length=64)),
            ],
            options={'table': 'inspection_template', 'app': 'models', 'unique_together': (('family', 'version'),), 'pk_attr': 'id', 'table_description': 'One version of a template. Versions of one template share family, and items keep stable keys.'},
            bases=['Model'],
        ),
    ]
