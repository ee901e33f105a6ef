"""other_events: events of the types reports has no read model of its own for, per type, site month and grid

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 21:00:11

A read model: `safecommunity rebuild` fills it from the journal, which has every event reports took
before this too.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'other_events',
        sa.Column('type', sa.String(length=100), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('grid_code', sa.String(length=40), nullable=False),
        sa.Column('events', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('type', 'month', 'grid_code'))
    op.create_index('ix_other_events_month', 'other_events', ['month'])


def downgrade() -> None:
    op.drop_index('ix_other_events_month', table_name='other_events')
    op.drop_table('other_events')
