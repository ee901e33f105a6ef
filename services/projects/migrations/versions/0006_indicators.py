"""indicators fed by events: definitions, values by month, counted cases, and the registry's
grids, residents, units and facilities as far as denominators need them

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 18:30:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'indicators',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('project_id', sa.String(length=36), sa.ForeignKey('projects.id'), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('unit', sa.String(length=40), nullable=True),
        sa.Column('event_type', sa.String(length=60), nullable=True),
        sa.Column('counts', sa.JSON(), nullable=True),
        sa.Column('share', sa.JSON(), nullable=True),
        sa.Column('per', sa.JSON(), nullable=True),
        sa.Column('grids', sa.JSON(), nullable=False),
        sa.Column('factor', sa.Float(), nullable=False),
        sa.Column('baseline', sa.JSON(), nullable=True),
        sa.Column('target', sa.JSON(), nullable=True),
        sa.Column('created_by', sa.String(length=120), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('project_id', 'code', name='uq_indicators_project_code'))
    op.create_index('ix_indicators_project_id', 'indicators', ['project_id'])
    op.create_index('ix_indicators_event_type', 'indicators', ['event_type'])
    op.create_table(
        'indicator_values',
        sa.Column('indicator_id', sa.String(length=36), sa.ForeignKey('indicators.id'), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('numerator', sa.Float(), nullable=False),
        sa.Column('denominator', sa.Float(), nullable=True),
        sa.Column('value', sa.Float(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('indicator_id', 'month'))
    op.create_table(
        'indicator_hits',
        sa.Column('indicator_id', sa.String(length=36), nullable=False),
        sa.Column('subject_id', sa.String(length=64), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.PrimaryKeyConstraint('indicator_id', 'subject_id'))
    op.create_index('ix_indicator_hits_month', 'indicator_hits', ['indicator_id', 'month'])
    op.create_table(
        'counted_events',
        sa.Column('event_type', sa.String(length=60), nullable=False),
        sa.Column('subject_id', sa.String(length=64), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('event_type', 'subject_id'))
    op.create_table(
        'registry_grids',
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('parent_code', sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint('code'))
    op.create_table(
        'registry_residents',
        sa.Column('resident_id', sa.String(length=64), nullable=False),
        sa.Column('grid_code', sa.String(length=40), nullable=False),
        sa.Column('sex', sa.String(length=12), nullable=False),
        sa.Column('birth_year', sa.Integer(), nullable=False),
        sa.Column('residence_type', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('resident_id'))
    op.create_index('ix_registry_residents_grid_code', 'registry_residents', ['grid_code'])
    op.create_table(
        'registry_resident_tags',
        sa.Column('resident_id', sa.String(length=64), nullable=False),
        sa.Column('tag', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('resident_id', 'tag'))
    op.create_index('ix_registry_resident_tags_tag', 'registry_resident_tags', ['tag'])
    op.create_table(
        'registry_units',
        sa.Column('unit_id', sa.String(length=64), nullable=False),
        sa.Column('type', sa.String(length=40), nullable=False),
        sa.Column('grid_code', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('unit_id'))
    op.create_index('ix_registry_units_type', 'registry_units', ['type'])
    op.create_table(
        'registry_facilities',
        sa.Column('facility_id', sa.String(length=64), nullable=False),
        sa.Column('type', sa.String(length=40), nullable=False),
        sa.Column('grid_code', sa.String(length=40), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint('facility_id'))
    op.create_index('ix_registry_facilities_type', 'registry_facilities', ['type'])


def downgrade() -> None:
    for index, table in (('ix_registry_facilities_type', 'registry_facilities'),
                         ('ix_registry_units_type', 'registry_units'),
                         ('ix_registry_resident_tags_tag', 'registry_resident_tags'),
                         ('ix_registry_residents_grid_code', 'registry_residents'),
                         ('ix_indicator_hits_month', 'indicator_hits'),
                         ('ix_indicators_event_type', 'indicators'),
                         ('ix_indicators_project_id', 'indicators')):
        op.drop_index(index, table_name=table)
    for table in ('registry_facilities', 'registry_units', 'registry_resident_tags', 'registry_residents',
                  'registry_grids', 'counted_events', 'indicator_hits', 'indicator_values', 'indicators'):
        op.drop_table(table)
