from tortoise import migrations
from tortoise.migrations import operations as ops
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0007_sync_speed')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Feedback',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('reference', fields.CharField(default='', db_default='', max_length=20)),
                ('received_on', fields.DateField(null=True)),
                ('channel', fields.CharField(default='box', db_default='box', max_length=12)),
                ('text', fields.TextField(default='', unique=False)),
                ('place', fields.CharField(default='', db_default='', max_length=200)),
                ('wants_answer', fields.BooleanField(default=False, db_default=False)),
                ('contact', fields.CharField(default='', db_default='', max_length=200)),
                ('category', fields.CharField(default='', db_default='', max_length=20)),
                ('kind', fields.CharField(default='', db_default='', max_length=12)),
                ('standard_code', fields.CharField(default='', db_default='', max_length=12)),
                ('section_ids', fields.CharField(default='[]', db_default='[]', max_length=200)),
                ('status', fields.CharField(default='received', db_default='received', max_length=12)),
                ('answer', fields.TextField(default='', unique=False)),
                ('answered_on', fields.DateField(null=True)),
                ('published_comment', fields.TextField(default='', unique=False)),
                ('published_answer', fields.TextField(default='', unique=False)),
                ('published_on', fields.DateField(null=True)),
                ('action_ids', fields.TextField(default='[]', unique=False)),
                ('improved', fields.BooleanField(default=False, db_default=False)),
                ('created_by', fields.CharField(default='', db_default='', max_length=64)),
                ('deleted', fields.BooleanField(default=False, db_default=False)),
                ('contested', fields.BooleanField(default=False, db_default=False)),
                ('version', fields.IntField(default=0, db_default=0)),
            ],
            options={'table': 'feedback', 'app': 'models', 'indexes': [Index(fields=['received_on'], name='idx_feedback_received'), Index(fields=['status'], name='idx_feedback_status'), Index(fields=['reference'], name='idx_feedback_reference')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FeedbackSection',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('feedback_id', fields.UUIDField()),
                ('section_id', fields.IntField()),
            ],
            options={'table': 'feedback_section', 'app': 'models', 'indexes': [Index(fields=['section_id'], name='idx_feedback_section')], 'pk_attr': 'id', 'table_description': 'Which sections a comment concerns, one row each, so counts per section are plain queries.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PublicSubmission',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('address_hash', fields.CharField(max_length=64)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'public_submission', 'app': 'models', 'indexes': [Index(fields=['address_hash', 'at'], name='idx_public_submission')], 'pk_attr': 'id', 'table_description': 'When an address last used the public form: the address is kept only as a keyed hash.'},
            bases=['Model'],
        ),
    ]
