from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0011_okuyami_ward')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ServiceStandard',
            name='text_en',
            field=fields.CharField(default='', db_default='', max_length=300),
        ),
    ]
