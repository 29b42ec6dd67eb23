from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from server.models.accounts import Role
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('user_id', fields.IntField(null=True)),
                ('login', fields.CharField(default='', db_default='', max_length=64)),
                ('action', fields.CharField(max_length=64)),
                ('target_type', fields.CharField(default='', db_default='', max_length=64)),
                ('target_id', fields.CharField(default='', db_default='', max_length=64)),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('ip', fields.CharField(default='', db_default='', max_length=64)),
            ],
            options={'table': 'audit_event', 'app': 'models', 'indexes': [Index(fields=['at'], name='idx_audit_at'), Index(fields=['target_type', 'target_id'], name='idx_audit_target')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LoginFailure',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('login', fields.CharField(max_length=64)),
                ('ip', fields.CharField(max_length=64)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'login_failure', 'app': 'models', 'indexes': [Index(fields=['login', 'at'], name='idx_login_failure_login'), Index(fields=['ip', 'at'], name='idx_login_failure_ip')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Section',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=100)),
                ('name_en', fields.CharField(default='', db_default='', max_length=100)),
                ('sort_order', fields.IntField(default=0, db_default=0)),
                ('active', fields.BooleanField(default=True, db_default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'section', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('login', fields.CharField(unique=True, max_length=64)),
                ('display_name', fields.CharField(max_length=100)),
                ('password_hash', fields.CharField(max_length=255)),
                ('role', fields.CharEnumField(description='STAFF: staff\nOKUYAMI: okuyami\nCHIEF: chief\nMANAGER: manager\nADMIN: admin', enum_type=Role, max_length=16)),
                ('section', fields.ForeignKeyField('models.Section', source_field='section_id', null=True, db_constraint=True, to_field='id', related_name='users', on_delete=OnDelete.RESTRICT)),
                ('active', fields.BooleanField(default=True, db_default=True)),
                ('language', fields.CharField(default='', db_default='', max_length=8)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_login_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('password_changed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'app_user', 'app': 'models', 'indexes': [Index(fields=['section_id'], name='idx_user_section')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebSession',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=128)),
                ('data', fields.BinaryField()),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'web_session', 'app': 'models', 'indexes': [Index(fields=['expires_at'], name='idx_session_expires')], 'pk_attr': 'key'},
            bases=['Model'],
        ),
    ]
