"""digests: a subscription's schedule, and the lines kept for each recipient's next digest

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 13:45:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hour', sa.Integer(), server_default='8', nullable=False))
        batch_op.add_column(sa.Column('weekday', sa.Integer(), server_default='1', nullable=False))
    op.create_table(
        'digest_lines',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('recipient', sa.String(length=120), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('frequency', sa.String(length=20), nullable=False),
        sa.Column('hour', sa.Integer(), nullable=False),
        sa.Column('weekday', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.String(length=64), nullable=False),
        sa.Column('event_type', sa.String(length=100), nullable=False),
        sa.Column('line', sa.String(length=300), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('digest', sa.String(length=60), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('event_id', 'recipient', 'channel', 'frequency', name='uq_digest_lines_once'))
    op.create_index('ix_digest_lines_pending', 'digest_lines', ['digest', 'recipient', 'channel'])


def downgrade() -> None:
    op.drop_index('ix_digest_lines_pending', table_name='digest_lines')
    op.drop_table('digest_lines')
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.drop_column('weekday')
        batch_op.drop_column('hour')
