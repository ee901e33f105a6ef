"""The backbone's own tables (safecommunity/tables.py: outbox, inbox, dead letters) as every
service's first migration makes them: one place, called from each history, never copied into it.

    from safecommunity.backbone_migration import create_backbone_tables, drop_backbone_tables

    def upgrade():
        create_backbone_tables()
        ...

These are the tables as they were first made; a later change to them is a migration of its own,
here, that every service's history calls in a migration of its own."""
import sqlalchemy as sa
from alembic import op

AUTO_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UNPUBLISHED = {"postgresql_where": sa.text("published_at IS NULL"), "sqlite_where": sa.text("published_at IS NULL")}


def create_backbone_tables():
    op.create_table(
        "dead_letters",
        sa.Column("id", AUTO_ID, autoincrement=True, nullable=False),
        sa.Column("consumer", sa.String(length=120), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=True),
        sa.Column("event_type", sa.String(length=100), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("first_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("consumer", "event_id", name="uq_dead_letters_consumer_event"))
    with op.batch_alter_table("dead_letters", schema=None) as batch_op:
        batch_op.create_index("ix_dead_letters_status_next", ["status", "next_attempt_at"], unique=False)
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(length=120), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id"))
    op.create_table(
        "outbox",
        sa.Column("id", AUTO_ID, autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("envelope", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_unpublished", ["id"], unique=False, **UNPUBLISHED)


def drop_backbone_tables():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_unpublished", **UNPUBLISHED)
    op.drop_table("outbox")
    op.drop_table("inbox")
    with op.batch_alter_table("dead_letters", schema=None) as batch_op:
        batch_op.drop_index("ix_dead_letters_status_next")
    op.drop_table("dead_letters")
