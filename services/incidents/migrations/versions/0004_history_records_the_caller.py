"""history records the caller: the subject of the token a step was taken with

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 21:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('history') as batch_op:
        batch_op.add_column(sa.Column('caller', sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('history') as batch_op:
        batch_op.drop_column('caller')
