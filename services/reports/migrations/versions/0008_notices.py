"""notifications: deliveries by month, channel and outcome, and acknowledgements with their times

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 14:10:00

Read models like the others: `safecommunity rebuild` fills them from the journal, which has kept
every notification.sent, .failed and .acknowledged event.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'notice_rollups',
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('notices', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('month', 'channel', 'status'))
    op.create_table(
        'acknowledgements',
        sa.Column('notification_id', sa.String(length=36), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('event_type', sa.String(length=100), nullable=True),
        sa.Column('severity', sa.String(length=20), nullable=True),
        sa.Column('seconds', sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint('notification_id'))
    op.create_index('ix_acknowledgements_month', 'acknowledgements', ['month'])


def downgrade() -> None:
    op.drop_index('ix_acknowledgements_month', table_name='acknowledgements')
    op.drop_table('acknowledgements')
    op.drop_table('notice_rollups')
