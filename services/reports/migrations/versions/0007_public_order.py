"""public-order events, counted by the site's calendar

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:00:00.000000

A read model like the others, empty until `safecommunity rebuild` fills it from the journal (which
has kept every public_order.reported event). The same rebuild also moves the cases and accidents
that read models kept under their UTC month (the first hours of a month in Shanghai, for one) into
the site's month (SITE_TIMEZONE): run it once after this upgrade. See the README.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('public_order',
    sa.Column('public_order_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('grid_code', sa.String(length=40), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=True),
    sa.PrimaryKeyConstraint('public_order_id')
    )
    with op.batch_alter_table('public_order', schema=None) as batch_op:
        batch_op.create_index('ix_public_order_month_grid', ['month', 'grid_code'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('public_order', schema=None) as batch_op:
        batch_op.drop_index('ix_public_order_month_grid')

    op.drop_table('public_order')
