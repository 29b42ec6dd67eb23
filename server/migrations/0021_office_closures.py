from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0020_sample_content')]

    initial = False

    operations = [
        ops.CreateModel(
            name='OfficeClosure',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ward', fields.CharField(max_length=8)),
                ('day', fields.DateField()),
                ('reason', fields.CharField(max_length=100)),
                ('created_by', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'office_closure', 'app': 'models', 'unique_together': (('ward', 'day'),), 'pk_attr': 'id', 'table_description': 'Days a ward office is closed for its own reasons'},
            bases=['Model'],
        ),
    ]
