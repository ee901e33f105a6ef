"""the registry's people in roles, as its assignment events tell them: who may be a member of the
committee or a working group, attend a meeting or an occurrence, or own an activity

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-09 10:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'registry_assignments',
        sa.Column('assignment_id', sa.String(length=64), nullable=False),
        sa.Column('person_key', sa.String(length=64), nullable=False),
        sa.Column('role', sa.String(length=40), nullable=False),
        sa.Column('grid_code', sa.String(length=40), nullable=True),
        sa.Column('department_code', sa.String(length=40), nullable=True),
        sa.Column('term_from', sa.Date(), nullable=False),
        sa.Column('term_to', sa.Date(), nullable=True),
        sa.Column('ended_on', sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint('assignment_id'))


def downgrade() -> None:
    op.drop_table('registry_assignments')
