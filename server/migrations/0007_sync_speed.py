from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import UniqueConstraint

# Sync storage for faster pushes and pulls: each record keeps what a pull sends (view) and the number of
# its latest change (seq), so the change log holds only evictions; a push stores its results in one row
# instead of one per operation. Results stored before become rows of one result each; changes logged
# before stay in the log, where pulls still read them.

class Migration(migrations.Migration):
    dependencies = [('models', '0006_compliance')]

    initial = False

    operations = [
        ops.AddField(
            model_name='SyncRecord',
            name='view',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='SyncRecord',
            name='seq',
            field=fields.BigIntField(null=True),
        ),
        ops.AddConstraint(
            model_name='SyncRecord',
            constraint=UniqueConstraint(fields=('scope', 'seq'), name=None),
        ),
        ops.CreateModel(
            name='SyncPushResult',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('client_id', fields.CharField(max_length=36)),
                ('first_seq', fields.BigIntField()),
                ('last_seq', fields.BigIntField()),
                ('results', fields.TextField(unique=False)),
            ],
            options={'table': 'sync_push_result', 'app': 'models', 'indexes': [Index(fields=['client_id', 'last_seq'], name='idx_sync_push_result_client')], 'pk_attr': 'id', 'table_description': 'The results of one push, as answered: a resent batch gets them back unchanged.'},
            bases=['Model'],
        ),
        ops.RunSQL(
            "INSERT INTO sync_push_result (client_id, first_seq, last_seq, results) "
            "SELECT client_id, client_seq, client_seq, '[' || result || ']' FROM sync_result"
        ),
        ops.DeleteModel(name='SyncResult'),
    ]
