"""The backbone's own tables, which live in every service's database beside its domain tables.

- outbox: events committed with the state change that caused them; kept after publishing, so a
  producer's history stays complete.
- inbox: (consumer, event id) pairs already handled, written in the handler's own transaction.
- dead_letters: messages a handler could not handle: retried with back-off, then dead with the
  reason; or rejected at once when unreadable. Operators list, show and replay them.
"""
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData()

ID = BigInteger().with_variant(Integer, "sqlite")  # SQLite autoincrements INTEGER PRIMARY KEY only

outbox = Table(
    "outbox", metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("type", String(100), nullable=False),
    Column("envelope", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("published_at", DateTime(timezone=True)),
    Index("ix_outbox_unpublished", "id",
          postgresql_where=text("published_at IS NULL"), sqlite_where=text("published_at IS NULL")),
)

inbox = Table(
    "inbox", metadata,
    Column("consumer", String(120), primary_key=True),
    Column("event_id", String(64), primary_key=True),
    Column("handled_at", DateTime(timezone=True), nullable=False),
)

dead_letters = Table(
    "dead_letters", metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("consumer", String(120), nullable=False),
    Column("event_id", String(64)),
    Column("event_type", String(100)),
    Column("body", Text, nullable=False),
    Column("status", String(16), nullable=False),  # retrying | dead | rejected | resolved
    Column("attempts", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("first_failed_at", DateTime(timezone=True), nullable=False),
    Column("last_failed_at", DateTime(timezone=True), nullable=False),
    Column("next_attempt_at", DateTime(timezone=True)),
    UniqueConstraint("consumer", "event_id", name="uq_dead_letters_consumer_event"),
    Index("ix_dead_letters_status_next", "status", "next_attempt_at"),
)


def add_backbone_tables(service_metadata):
    """Copy the backbone tables into a service's metadata, so its migrations create them."""
    for table in metadata.tables.values():
        table.to_metadata(service_metadata)
    return service_metadata
