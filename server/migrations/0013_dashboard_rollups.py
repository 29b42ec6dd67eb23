from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

from server.rollups.rebuild import rebuild_on

# Tallies of the projections for the dashboard, filled from the rows already there, so a deployment shows
# the same numbers right after upgrading. The fill runs the current rebuild: should the tallies ever change
# shape, the migration that changes them rebuilds them, and this one must then keep a copy of today's SQL.


async def fill_tallies(apps, schema_editor):
    await rebuild_on(schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [('models', '0012_standards_english')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ActionCloseDays',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('scope', fields.IntField()),
                ('month', fields.DateField()),
                ('days', fields.IntField()),
                ('actions', fields.IntField(default=0)),
            ],
            options={'table': 'action_close_days', 'app': 'models', 'unique_together': (('scope', 'month', 'days'),), 'pk_attr': 'id', 'table_description': 'How many actions closed in a month took so many days: the histogram medians are read from.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ActionClosedTally',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('month', fields.DateField()),
                ('section_id', fields.IntField()),
                ('closed', fields.IntField(default=0)),
                ('on_time', fields.IntField(default=0)),
            ],
            options={'table': 'action_closed_tally', 'app': 'models', 'unique_together': (('month', 'section_id'),), 'pk_attr': 'id', 'table_description': 'Corrective actions closed per month (its first day) and section, and how many by their due date.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ActionOpenTally',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('section_id', fields.IntField()),
                ('raised_on', fields.DateField()),
                ('due_on', fields.DateField()),
                ('actions', fields.IntField(default=0)),
            ],
            options={'table': 'action_open_tally', 'app': 'models', 'unique_together': (('section_id', 'raised_on', 'due_on'),), 'pk_attr': 'id', 'table_description': 'Corrective actions not closed yet, per section, day raised and day due (9999-12-31 for none).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ComplianceSectionTally',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('period', fields.CharField(max_length=7)),
                ('section_id', fields.IntField()),
                ('answers', fields.IntField(default=0)),
                ('kept', fields.IntField(default=0)),
                ('applicable', fields.IntField(default=0)),
            ],
            options={'table': 'compliance_section_tally', 'app': 'models', 'unique_together': (('period', 'section_id'),), 'pk_attr': 'id', 'table_description': 'The same per period and section only: the heat map reads sections × periods rows.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ComplianceStandardTally',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('period', fields.CharField(max_length=7)),
                ('standard_code', fields.CharField(max_length=16)),
                ('applicable', fields.IntField(default=0)),
                ('missed', fields.IntField(default=0)),
            ],
            options={'table': 'compliance_standard_tally', 'app': 'models', 'unique_together': (('period', 'standard_code'),), 'pk_attr': 'id', 'table_description': "The same per period and standard only: the ward's most-missed standards read standards × periods"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ComplianceTally',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('period', fields.CharField(max_length=7)),
                ('section_id', fields.IntField()),
                ('standard_code', fields.CharField(max_length=16)),
                ('answers', fields.IntField(default=0)),
                ('kept', fields.IntField(default=0)),
                ('applicable', fields.IntField(default=0)),
                ('missed', fields.IntField(default=0)),
            ],
            options={'table': 'compliance_tally', 'app': 'models', 'unique_together': (('period', 'section_id', 'standard_code'),), 'pk_attr': 'id', 'table_description': 'Self-check answers with a result per period, section and standard: how many, and of them kept,'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FeedbackAnswerDays',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('scope', fields.IntField()),
                ('month', fields.DateField()),
                ('days', fields.IntField()),
                ('comments', fields.IntField(default=0)),
            ],
            options={'table': 'feedback_answer_days', 'app': 'models', 'unique_together': (('scope', 'month', 'days'),), 'pk_attr': 'id', 'table_description': 'How many comments received in a month were answered after so many days, per scope as above.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FeedbackTally',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('scope', fields.IntField()),
                ('month', fields.DateField()),
                ('received', fields.IntField(default=0)),
                ('answered', fields.IntField(default=0)),
                ('published', fields.IntField(default=0)),
                ('improved', fields.IntField(default=0)),
            ],
            options={'table': 'feedback_tally', 'app': 'models', 'unique_together': (('scope', 'month'),), 'pk_attr': 'id', 'table_description': "Citizens' comments received per month and scope (0 the ward, else a section they concern), and how"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InspectionTally',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('day', fields.DateField()),
                ('section_id', fields.IntField()),
                ('family', fields.CharField(max_length=40)),
                ('inspections', fields.IntField(default=0)),
                ('passed', fields.IntField(default=0)),
                ('failed', fields.IntField(default=0)),
            ],
            options={'table': 'inspection_tally', 'app': 'models', 'unique_together': (('day', 'section_id', 'family'),), 'pk_attr': 'id', 'table_description': 'Submitted inspections per day, section and template family, with their 適 and 不適 answers.'},
            bases=['Model'],
        ),
        ops.AddIndex(
            model_name='CorrectiveAction',
            index=Index(fields=['closed_on', 'deleted', 'raised_on', 'section_id', 'due_on'], name='idx_action_closed'),
        ),
        ops.RunPython(fill_tallies, ops.RunPython.noop),
    ]
