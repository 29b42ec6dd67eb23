from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_devices')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SyncChange',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('scope', fields.CharField(max_length=64)),
                ('seq', fields.BigIntField()),
                ('table_name', fields.CharField(max_length=64)),
                ('record_id', fields.CharField(max_length=36)),
                ('kind', fields.CharField(max_length=8)),
            ],
            options={'table': 'sync_change', 'app': 'models', 'unique_together': (('scope', 'seq'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SyncClient',
            fields=[
                ('client_id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=36)),
                ('last_seq', fields.BigIntField(default=0)),
                ('login', fields.CharField(default='', db_default='', max_length=64)),
            ],
            options={'table': 'sync_client', 'app': 'models', 'pk_attr': 'client_id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SyncConflict',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=36)),
                ('table_name', fields.CharField(max_length=64)),
                ('record_id', fields.CharField(max_length=36)),
                ('field', fields.CharField(null=True, max_length=64)),
                ('kind', fields.CharField(max_length=32)),
                ('candidates', fields.TextField(unique=False)),
                ('base_value', fields.TextField(unique=False)),
                ('provisional_value', fields.TextField(unique=False)),
                ('status', fields.CharField(default='open', max_length=16)),
                ('opened_at', fields.CharField(max_length=40)),
                ('scope', fields.CharField(default='', db_default='', max_length=64)),
                ('resolved_at', fields.CharField(null=True, max_length=40)),
                ('resolved_by', fields.CharField(null=True, max_length=64)),
                ('resolution', fields.CharField(null=True, max_length=32)),
                ('resolution_op', fields.CharField(null=True, max_length=36)),
            ],
            options={'table': 'sync_conflict', 'app': 'models', 'indexes': [Index(fields=['table_name', 'record_id', 'status'], name='idx_sync_conflict_record'), Index(fields=['status', 'scope'], name='idx_sync_conflict_status')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SyncCounter',
            fields=[
                ('scope', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('seq', fields.BigIntField(default=0)),
            ],
            options={'table': 'sync_counter', 'app': 'models', 'pk_attr': 'scope'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SyncHistory',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('table_name', fields.CharField(max_length=64)),
                ('record_id', fields.CharField(max_length=36)),
                ('version', fields.IntField()),
                ('op_id', fields.CharField(max_length=36)),
                ('kind', fields.CharField(max_length=16)),
                ('login', fields.CharField(max_length=64)),
                ('client_id', fields.CharField(max_length=36)),
                ('at', fields.CharField(max_length=40)),
                ('changes', fields.TextField(unique=False)),
                ('flags', fields.TextField(unique=False)),
            ],
            options={'table': 'sync_history', 'app': 'models', 'indexes': [Index(fields=['table_name', 'record_id'], name='idx_sync_history_record')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SyncRecord',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=110)),
                ('table_name', fields.CharField(max_length=64)),
                ('record_id', fields.CharField(max_length=36)),
                ('scope', fields.CharField(max_length=64)),
                ('version', fields.IntField()),
                ('deleted', fields.BooleanField(default=False)),
                ('purged', fields.BooleanField(default=False)),
                ('state', fields.TextField(unique=False)),
            ],
            options={'table': 'sync_record', 'app': 'models', 'indexes': [Index(fields=['table_name', 'scope'], name='idx_sync_record_table')], 'pk_attr': 'key'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SyncRejected',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('op_id', fields.CharField(max_length=36)),
                ('client_id', fields.CharField(max_length=36)),
                ('client_seq', fields.BigIntField()),
                ('login', fields.CharField(max_length=64)),
                ('table_name', fields.CharField(max_length=64)),
                ('record_id', fields.CharField(max_length=36)),
                ('kind', fields.CharField(max_length=16)),
                ('fields_json', fields.TextField(unique=False)),
                ('reason', fields.TextField(unique=False)),
                ('at', fields.CharField(max_length=40)),
            ],
            options={'table': 'sync_rejected', 'app': 'models', 'indexes': [Index(fields=['login'], name='idx_sync_rejected_login')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SyncResult',
            fields=[
                ('op_id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=36)),
                ('client_id', fields.CharField(max_length=36)),
                ('client_seq', fields.BigIntField()),
                ('result', fields.TextField(unique=False)),
            ],
            options={'table': 'sync_result', 'app': 'models', 'pk_attr': 'op_id'},
            bases=['Model'],
        ),
    ]
