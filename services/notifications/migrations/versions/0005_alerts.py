"""alerts: public warnings as CAP 1.2 alerts, kept as issued

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 14:10:00

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
        'alerts',
        sa.Column('identifier', sa.String(length=120), nullable=False),
        sa.Column('sender', sa.String(length=200), nullable=False),
        sa.Column('sent', sa.DateTime(timezone=True), nullable=False),
        sa.Column('warning', sa.Text(), nullable=False),
        sa.Column('grid_names', sa.Text(), nullable=False),
        sa.Column('references', sa.Text(), nullable=False),
        sa.Column('cap_xml', sa.Text(), nullable=False),
        sa.Column('created_by', sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint('identifier'))
    op.create_index('ix_alerts_sent', 'alerts', ['sent'])


def downgrade() -> None:
    op.drop_index('ix_alerts_sent', table_name='alerts')
    op.drop_table('alerts')
