from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# Sign-in and the public form count attempts in one counter row per key, decided in one statement
# (server/throttle.py); the per-attempt tables they counted before are no longer read.

class Migration(migrations.Migration):
    dependencies = [('models', '0014_ward_scopes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RateLimit',
            fields=[
                ('bucket', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=160)),
                ('window_start_ms', fields.BigIntField()),
                ('attempts', fields.IntField()),
            ],
            options={'table': 'rate_limit', 'app': 'models', 'pk_attr': 'bucket', 'table_description': 'Attempts per key (a login name, an address, a hashed address of the public form) in the current'},
            bases=['Model'],
        ),
        ops.DeleteModel(name='LoginFailure'),
        ops.DeleteModel(name='PublicSubmission'),
    ]
