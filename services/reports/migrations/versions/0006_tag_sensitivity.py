"""tag sensitivity, as the registry's resident events say it

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 09:00:00.000000

A read model like the others: `safecommunity rebuild` fills it from the journal. Events kept from
before the registry said which tags are sensitive say nothing, so their tags stay hidden from the
public until a later event speaks of them (suppression.py).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('tag_sensitivity',
    sa.Column('tag', sa.String(length=40), nullable=False),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('tag', 'sensitive')
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('tag_sensitivity')
