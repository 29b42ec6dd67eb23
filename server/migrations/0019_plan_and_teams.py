from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from enum import StrEnum


# Frozen copies of the enums as they are at this migration: a migration never imports live app code.
class PlanStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class TeamKind(StrEnum):
    WORKING = "working"
    COUNCIL = "council"


class TeamRole(StrEnum):
    MEMBER = "member"
    LEADER = "leader"

from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0015_rate_limits')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ServicePlan',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('fiscal_year', fields.IntField(unique=True)),
                ('title', fields.CharField(max_length=200)),
                ('purpose', fields.TextField(unique=False)),
                ('guidelines', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('policy_intro', fields.TextField(default='', unique=False)),
                ('principles', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('basic_policies', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('organisational_goals', fields.TextField(default='', unique=False)),
                ('groups', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('city_required_note', fields.TextField(default='', unique=False)),
                ('status', fields.CharEnumField(default=PlanStatus.DRAFT, description='DRAFT: draft\nPUBLISHED: published', enum_type=PlanStatus, max_length=12)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('published_by', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'service_plan', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One fiscal year of the service improvement plan (サービス向上計画)'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PlanItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('plan', fields.ForeignKeyField('models.ServicePlan', source_field='plan_id', db_constraint=True, to_field='id', related_name='items', on_delete=OnDelete.CASCADE)),
                ('code', fields.CharField(max_length=16)),
                ('group', fields.CharField(max_length=16)),
                ('title', fields.CharField(max_length=200)),
                ('points', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('city_required', fields.BooleanField(default=False)),
                ('sort_order', fields.IntField(default=0)),
            ],
            options={'table': 'plan_item', 'app': 'models', 'unique_together': (('plan', 'code'),), 'pk_attr': 'id', 'table_description': 'One item of the plans 取組内容 with a code kept from year to year'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PlanPolicy',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('plan', fields.ForeignKeyField('models.ServicePlan', source_field='plan_id', db_constraint=True, to_field='id', related_name='policies', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField()),
                ('text', fields.TextField(unique=False)),
            ],
            options={'table': 'plan_policy', 'app': 'models', 'unique_together': (('plan', 'number'),), 'pk_attr': 'id', 'table_description': 'One of the years サービス向上方針, which section goals name'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Team',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=100)),
                ('kind', fields.CharEnumField(default=TeamKind.WORKING, description='WORKING: working\nCOUNCIL: council', enum_type=TeamKind, max_length=12)),
                ('duties', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('plan_items', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('sort_order', fields.IntField(default=0)),
                ('active', fields.BooleanField(default=True)),
            ],
            options={'table': 'team', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A working team of the 区役所サービス推進チーム or the サービス推進部会'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TeamMembership',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('team', fields.ForeignKeyField('models.Team', source_field='team_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='team_memberships', on_delete=OnDelete.CASCADE)),
                ('fiscal_year', fields.IntField()),
                ('role', fields.CharEnumField(default=TeamRole.MEMBER, description='MEMBER: member\nLEADER: leader', enum_type=TeamRole, max_length=12)),
                ('added_by', fields.CharField(default='', max_length=64)),
                ('added_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'team_membership', 'app': 'models', 'unique_together': (('team', 'user', 'fiscal_year'),), 'pk_attr': 'id', 'table_description': 'A person in a team for one fiscal year, keeping their own section and role'},
            bases=['Model'],
        ),
    ]
