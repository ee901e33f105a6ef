"""monthly progress: the phase evaluations (阶段评估) leads write per month, and occurrences by project and due day

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 10:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'project_evaluations',
        sa.Column('project_id', sa.String(length=36), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('rating', sa.String(length=12), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('next_steps', sa.Text(), nullable=True),
        sa.Column('written_by', sa.String(length=120), nullable=False),
        sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id']),
        sa.PrimaryKeyConstraint('project_id', 'month'))
    op.create_index('ix_occurrences_project_due', 'occurrences', ['project_id', 'due_on'])


def downgrade() -> None:
    op.drop_index('ix_occurrences_project_due', table_name='occurrences')
    op.drop_table('project_evaluations')
