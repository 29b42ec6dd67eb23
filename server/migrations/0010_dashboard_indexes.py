from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0009_okuyami')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Feedback',
            index=Index(fields=['received_on', 'deleted', 'answered_on', 'status', 'improved'], name='idx_feedback_funnel'),
        ),
        ops.AddIndex(
            model_name='Inspection',
            index=Index(fields=['submitted_on', 'status', 'deleted', 'section_id', 'passed', 'failed'], name='idx_inspection_scores'),
        ),
        ops.AddIndex(
            model_name='SelfCheckAnswer',
            index=Index(fields=['period', 'section_id', 'deleted', 'result'], name='idx_self_check_answer_rates'),
        ),
        ops.AddIndex(
            model_name='SelfCheckAnswer',
            index=Index(fields=['period', 'standard_code', 'deleted', 'result'], name='idx_self_check_answer_missed'),
        ),
    ]
