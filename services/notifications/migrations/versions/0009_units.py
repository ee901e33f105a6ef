"""units' types, from the registry's unit.registered and unit.updated, for subscriptions by unit type

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 10:00:00

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
        'units',
        sa.Column('unit_id', sa.String(length=64), nullable=False),
        sa.Column('type', sa.String(length=40), nullable=False),
        sa.Column('grid_code', sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint('unit_id'))


def downgrade() -> None:
    op.drop_table('units')
