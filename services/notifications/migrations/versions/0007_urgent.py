"""urgent notices and escalations: through SMS quiet hours and rate limits

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 14:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    for table in ('deliveries', 'escalations'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('urgent', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    for table in ('escalations', 'deliveries'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('urgent')
