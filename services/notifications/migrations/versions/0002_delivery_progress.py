"""deliveries: address, attempts and the channel's answer, for sending on outside channels

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 06:30:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # batch mode, as in 0001: SQLite alters a table by copying it (when needed), PostgreSQL in place
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('triggered_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_answer', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_deliveries_status_next', ['status', 'next_attempt_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_status_next')
        for column in ('sent_at', 'last_answer', 'next_attempt_at', 'attempts', 'triggered_at', 'address'):
            batch_op.drop_column(column)
