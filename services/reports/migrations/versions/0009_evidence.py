"""evidence items projects received, per month and AQ/T 9001 element, for the self-evaluation pack

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 14:40:00

A read model: `safecommunity rebuild` fills it from the journal's evidence.added events.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'evidence_rollups',
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('element', sa.String(length=30), nullable=False),
        sa.Column('items', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('month', 'element'))


def downgrade() -> None:
    op.drop_table('evidence_rollups')
