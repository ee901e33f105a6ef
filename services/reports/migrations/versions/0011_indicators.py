"""indicator_values: each project indicator's value per site month, as its latest indicator.updated left it

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 16:10:00

A read model: `safecommunity rebuild` fills it from the journal's indicator.updated events.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'indicator_values',
        sa.Column('indicator_id', sa.String(length=36), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('project_id', sa.String(length=36), nullable=False),
        sa.Column('code', sa.String(length=60), nullable=False),
        sa.Column('numerator', sa.Float(), nullable=False),
        sa.Column('denominator', sa.Float(), nullable=True),
        sa.Column('value', sa.Float(), nullable=True),
        sa.Column('target', sa.Float(), nullable=True),
        sa.Column('direction', sa.String(length=10), nullable=True),
        sa.Column('on_target', sa.Boolean(), nullable=True),
        sa.Column('updated_at', sa.String(length=27), nullable=False),
        sa.PrimaryKeyConstraint('indicator_id', 'month'))
    op.create_index('ix_indicator_values_project_id', 'indicator_values', ['project_id'])


def downgrade() -> None:
    op.drop_index('ix_indicator_values_project_id', table_name='indicator_values')
    op.drop_table('indicator_values')
