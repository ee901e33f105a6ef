"""deliveries keep no contact address: only its masked form; the sender looks the address up for each send

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 18:30:00

Every row's address is masked here (138****1234, as answers showed it) and the clear column
blanked, then dropped. No key is needed: a delivery still queued or retrying is sent, at its next
turn, to its recipient's address as the contacts (or the NOTIFY_OFFICE_* settings) give it then,
as every send is from now on; a dead one replayed likewise. Blanked and dropped, the old values are
no longer readable, but their bytes may stay on disk in free space until the table is rewritten:
`VACUUM FULL deliveries` on PostgreSQL, `VACUUM` on SQLite, where that matters.

Downgrade brings the column back empty: the old sender would then fail the deliveries due (it sent
to the address in the row), so queue nothing meanwhile.
"""
from typing import Sequence, Union
from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def masked(address):
    """masking.mask as it was at this revision (a migration does not follow later code)."""
    def one(part):
        if "://" in part:
            return f"{urlsplit(part).scheme}://{urlsplit(part).hostname}/…"
        if "@" in part and "." in part.rsplit("@", 1)[1]:
            name, domain = part.rsplit("@", 1)
            return f"{name[:1]}***@{domain}"
        if part.lstrip("+").isdigit():
            return part[:3] + "*" * max(len(part) - 7, 1) + part[-4:]
        return part[:4] + "***"
    return ", ".join(one(part.strip()) for part in address.split(",") if part.strip())


def upgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address_masked', sa.String(length=500), server_default='', nullable=False))
    connection = op.get_bind()
    addresses = connection.execute(sa.text("SELECT DISTINCT address FROM deliveries WHERE address <> ''")).scalars()
    pairs = [{"address": address, "masked": masked(address)} for address in addresses]
    if pairs:
        connection.execute(sa.text("UPDATE deliveries SET address_masked = :masked, address = '' "
                                   "WHERE address = :address"), pairs)
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_column('address')


def downgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=500), server_default='', nullable=False))
        batch_op.drop_column('address_masked')
