"""the in-app inbox: when a notice was read, and whose inbox a login opens

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 14:20:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('read_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'logins',
        sa.Column('subject', sa.String(length=120), nullable=False),
        sa.Column('recipient', sa.String(length=120), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by', sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint('subject', 'recipient'))


def downgrade() -> None:
    op.drop_table('logins')
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_column('read_at')
