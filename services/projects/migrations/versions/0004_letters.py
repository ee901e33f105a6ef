"""responsibility letters (目标责任书, 安全责任状, 承诺书), issued and signed level by level

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 14:40:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'letters',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('level', sa.String(length=12), nullable=False),
        sa.Column('issuer', sa.String(length=40), nullable=False),
        sa.Column('party', sa.String(length=36), nullable=False),
        sa.Column('period_from', sa.Date(), nullable=False),
        sa.Column('period_to', sa.Date(), nullable=False),
        sa.Column('targets', sa.JSON(), nullable=False),
        sa.Column('project_id', sa.String(length=36), nullable=True),
        sa.Column('signed_on', sa.Date(), nullable=True),
        sa.Column('issued_by', sa.String(length=120), nullable=True),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('signed_by', sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_letters_project_id', 'letters', ['project_id'])
    op.create_index('ix_letters_level_period', 'letters', ['level', 'period_from'])


def downgrade() -> None:
    op.drop_index('ix_letters_level_period', table_name='letters')
    op.drop_index('ix_letters_project_id', table_name='letters')
    op.drop_table('letters')
