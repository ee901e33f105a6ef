"""projects: their life cycle, occurrences of their activities done and missed, evidence received

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 14:55:00

A read model: `safecommunity rebuild` fills the new columns from the journal's project, activity
and evidence events.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lifecycle', sa.String(length=12), nullable=True))
        for column in ('done', 'missed', 'evidence'):
            batch_op.add_column(sa.Column(column, sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('projects', schema=None) as batch_op:
        for column in ('evidence', 'missed', 'done', 'lifecycle'):
            batch_op.drop_column(column)
