"""recipients (the registry's grids, departments and people in roles), contacts, subscriptions and
escalations

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 13:40:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'grids',
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('level', sa.String(length=20), nullable=False),
        sa.Column('parent_code', sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint('code'))
    op.create_table(
        'departments',
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('code'))
    op.create_index('ix_departments_kind', 'departments', ['kind'])
    op.create_table(
        'role_holders',
        sa.Column('assignment_id', sa.String(length=64), nullable=False),
        sa.Column('person_key', sa.String(length=64), nullable=False),
        sa.Column('role', sa.String(length=40), nullable=False),
        sa.Column('grid_code', sa.String(length=40), nullable=True),
        sa.Column('department_code', sa.String(length=40), nullable=True),
        sa.Column('term_from', sa.Date(), nullable=False),
        sa.Column('term_to', sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint('assignment_id'))
    op.create_index('ix_role_holders_role_grid', 'role_holders', ['role', 'grid_code'])
    op.create_table(
        'hazard_units',
        sa.Column('hazard_id', sa.String(length=64), nullable=False),
        sa.Column('unit_id', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('hazard_id'))
    op.create_table(
        'contacts',
        sa.Column('recipient', sa.String(length=120), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('address_sealed', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by', sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint('recipient', 'channel'))
    op.create_table(
        'subscriptions',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('recipient', sa.String(length=120), nullable=False),
        sa.Column('event_type', sa.String(length=100), nullable=False),
        sa.Column('filter', sa.Text(), nullable=False),
        sa.Column('channels', sa.Text(), nullable=False),
        sa.Column('frequency', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_subscriptions_recipient', 'subscriptions', ['recipient'])
    op.create_index('ix_subscriptions_event_type', 'subscriptions', ['event_type'])
    op.create_table(
        'escalations',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('trigger_event_id', sa.String(length=64), nullable=False),
        sa.Column('rule', sa.String(length=80), nullable=False),
        sa.Column('event_type', sa.String(length=100), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('triggered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('after_minutes', sa.Text(), nullable=False),
        sa.Column('role', sa.String(length=40), nullable=False),
        sa.Column('channels', sa.Text(), nullable=False),
        sa.Column('grid_code', sa.String(length=40), nullable=True),
        sa.Column('step', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('next_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('trigger_event_id', 'rule', name='uq_escalations_once'))
    op.create_index('ix_escalations_status_next', 'escalations', ['status', 'next_at'])


def downgrade() -> None:
    for index, table in (('ix_escalations_status_next', 'escalations'), ('ix_subscriptions_event_type', 'subscriptions'),
                         ('ix_subscriptions_recipient', 'subscriptions'), ('ix_role_holders_role_grid', 'role_holders'),
                         ('ix_departments_kind', 'departments')):
        op.drop_index(index, table_name=table)
    for table in ('escalations', 'subscriptions', 'contacts', 'hazard_units', 'role_holders', 'departments', 'grids'):
        op.drop_table(table)
