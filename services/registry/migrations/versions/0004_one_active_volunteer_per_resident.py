"""one active volunteer per resident, enforced by the database; grids indexed by parent

Before this index only the registry's own check kept a resident to one active volunteer record,
and two concurrent requests could both pass it. Should that have happened, the records after the
first registered one are ended on the day they were registered, so the index can be built (no
event is published for them: run it before such duplicates matter to reports).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 02:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

ACTIVE = sa.text("left_on IS NULL")

END_LATER_DUPLICATES = """
UPDATE volunteers SET left_on = registered_on
WHERE left_on IS NULL AND EXISTS (
    SELECT 1 FROM volunteers AS earlier
    WHERE earlier.resident_id = volunteers.resident_id AND earlier.left_on IS NULL
      AND (earlier.registered_on < volunteers.registered_on
           OR (earlier.registered_on = volunteers.registered_on AND earlier.id < volunteers.id)))
"""


def upgrade() -> None:
    """Upgrade schema."""
    op.execute(END_LATER_DUPLICATES)
    op.create_index('uq_volunteers_active_resident', 'volunteers', ['resident_id'], unique=True,
                    sqlite_where=ACTIVE, postgresql_where=ACTIVE)
    op.create_index(op.f('ix_grids_parent_code'), 'grids', ['parent_code'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_grids_parent_code'), table_name='grids')
    op.drop_index('uq_volunteers_active_resident', table_name='volunteers')
