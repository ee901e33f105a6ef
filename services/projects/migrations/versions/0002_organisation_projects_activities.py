"""the organisation (the committee, intervention areas, working groups, who changed them, meetings),
projects' full field set,
life cycle, history and funding ledger, activities and their occurrences; the areas and groups of
seeds/organisation.yaml

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 13:40:00

"""
from datetime import datetime, timezone
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from safecommunity.ids import new_id
from services.projects.organisation import group_name, seeded_areas


revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

AUTO_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def who(name):
    return sa.Column(name, sa.String(length=120), nullable=True)


def moment(name, nullable=True):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table('projects') as batch_op:
        batch_op.add_column(sa.Column('working_group_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('lifecycle', sa.String(length=12), server_default='planned', nullable=False))
        batch_op.add_column(sa.Column('lead_department', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('partner_departments', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('target_kind', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('target_code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('baseline_figure', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('baseline_period', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('baseline_source', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('goals', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('measures', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('budget', sa.Float(), nullable=True))
        batch_op.add_column(who('created_by'))
        batch_op.add_column(moment('created_at'))
        batch_op.add_column(who('changed_by'))
        batch_op.add_column(moment('changed_at'))
        batch_op.create_index(batch_op.f('ix_projects_working_group_id'), ['working_group_id'], unique=False)

    op.create_table('project_history',
    sa.Column('id', AUTO_ID, autoincrement=True, nullable=False),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_stage', sa.String(length=12), nullable=True),
    sa.Column('to_stage', sa.String(length=12), nullable=True),
    sa.Column('actor', sa.String(length=120), nullable=False),
    moment('at', nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id']),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('project_history') as batch_op:
        batch_op.create_index('ix_project_history_project', ['project_id', 'id'], unique=False)

    op.create_table('project_funding',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('amount', sa.Float(), nullable=False),
    sa.Column('spent', sa.Float(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('recorded_by', sa.String(length=120), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id']),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('project_funding') as batch_op:
        batch_op.create_index(batch_op.f('ix_project_funding_project_id'), ['project_id'], unique=False)

    areas = op.create_table('intervention_areas',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('working_group_id', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('intervention_areas') as batch_op:
        batch_op.create_index(batch_op.f('ix_intervention_areas_working_group_id'), ['working_group_id'],
                              unique=False)

    groups = op.create_table('working_groups',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('lead_department', sa.String(length=40), nullable=True),
    sa.Column('partner_departments', sa.JSON(), nullable=False),
    sa.Column('members', sa.JSON(), nullable=False),
    who('created_by'), moment('created_at'), who('changed_by'), moment('changed_at'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )

    op.create_table('committee',
    sa.Column('id', sa.String(length=12), nullable=False),
    sa.Column('office_department', sa.String(length=40), nullable=True),
    sa.Column('members', sa.JSON(), nullable=False),
    who('changed_by'), moment('changed_at'),
    sa.PrimaryKeyConstraint('id')
    )

    op.create_table('organisation_history',
    sa.Column('id', AUTO_ID, autoincrement=True, nullable=False),
    sa.Column('subject_type', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.String(length=36), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    moment('at', nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('organisation_history') as batch_op:
        batch_op.create_index('ix_organisation_history_subject', ['subject_type', 'subject_id', 'id'], unique=False)

    op.create_table('meetings',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('working_group_id', sa.String(length=36), nullable=True),
    sa.Column('attendance', sa.Integer(), nullable=False),
    sa.Column('attendee_ids', sa.JSON(), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=True),
    sa.Column('decisions', sa.JSON(), nullable=False),
    who('created_by'), moment('created_at'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('meetings') as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_working_group_id'), ['working_group_id'], unique=False)

    op.create_table('activities',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('owner_assignment_id', sa.String(length=36), nullable=True),
    sa.Column('owner_department', sa.String(length=40), nullable=True),
    sa.Column('grid_code', sa.String(length=40), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('on', sa.Date(), nullable=True),
    sa.Column('frequency', sa.String(length=12), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('measure_kind', sa.String(length=20), nullable=True),
    sa.Column('trainer', sa.String(length=200), nullable=True),
    sa.Column('qualification', sa.String(length=200), nullable=True),
    sa.Column('hours', sa.Float(), nullable=True),
    sa.Column('campaign', sa.String(length=20), nullable=True),
    sa.Column('scheduled_count', sa.Integer(), nullable=False),
    sa.Column('next_on', sa.Date(), nullable=True),
    who('created_by'), moment('created_at'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id']),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('activities') as batch_op:
        batch_op.create_index(batch_op.f('ix_activities_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activities_next_on'), ['next_on'], unique=False)

    op.create_table('occurrences',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('activity_id', sa.String(length=36), nullable=False),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('scheduled_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('reached', sa.Integer(), nullable=True),
    sa.Column('attendee_ids', sa.JSON(), nullable=False),
    sa.Column('certificates_issued', sa.Integer(), nullable=True),
    sa.Column('leaflets', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    who('reported_by'), moment('reported_at'), moment('missed_at'),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id']),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('activity_id', 'scheduled_on', name='uq_occurrences_activity_day')
    )
    with op.batch_alter_table('occurrences') as batch_op:
        batch_op.create_index(batch_op.f('ix_occurrences_project_id'), ['project_id'], unique=False)
        batch_op.create_index('ix_occurrences_status_due', ['status', 'due_on'], unique=False)

    seed(areas, groups)


def seed(areas, groups):
    """One working group per seeded area (data, not code: seeds/organisation.yaml)."""
    now = datetime.now(timezone.utc)
    group_rows, area_rows = [], []
    for area in seeded_areas():
        group_id = new_id()
        group_rows.append({'id': group_id, 'name': group_name(area['name']),
                           'lead_department': area.get('lead_department'), 'partner_departments': [],
                           'members': [], 'created_by': 'system', 'created_at': now, 'changed_by': 'system',
                           'changed_at': now})
        area_rows.append({'code': area['code'], 'name': area['name'], 'working_group_id': group_id})
    op.bulk_insert(groups, group_rows)
    op.bulk_insert(areas, area_rows)


def downgrade() -> None:
    for table in ('occurrences', 'activities', 'meetings', 'organisation_history', 'committee', 'working_groups', 'intervention_areas',
                  'project_funding', 'project_history'):
        op.drop_table(table)
    with op.batch_alter_table('projects') as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_working_group_id'))
        for column in ('changed_at', 'changed_by', 'created_at', 'created_by', 'budget', 'measures', 'goals',
                       'baseline_source', 'baseline_period', 'baseline_figure', 'target_code', 'target_kind',
                       'partner_departments', 'lead_department', 'lifecycle', 'working_group_id'):
            batch_op.drop_column(column)
