"""Notifications tables and repositories: the only place with queries."""
from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
    update,
)

from safecommunity.database import as_utc
from safecommunity.errors import NotFound
from safecommunity.storage import UnitOfWork
from safecommunity.tables import add_backbone_tables

from .domain import DUE, Notification

metadata = add_backbone_tables(MetaData())

deliveries = Table(
    "deliveries", metadata,
    Column("id", String(36), primary_key=True),
    Column("trigger_event_id", String(64), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("recipient", String(120), nullable=False, index=True),
    Column("subject", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("address", String(500), nullable=False, server_default=""),
    Column("triggered_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("last_answer", Text, nullable=False, server_default=""),
    Column("sent_at", DateTime(timezone=True)),
    Column("acknowledged_at", DateTime(timezone=True)),
    Column("acknowledged_by", String(120), nullable=False, server_default=""),
    UniqueConstraint("trigger_event_id", "channel", "recipient", name="uq_deliveries_once"),
    Index("ix_deliveries_status_next", "status", "next_attempt_at"),
)
MOMENTS = ("created_at", "triggered_at", "next_attempt_at", "sent_at", "acknowledged_at")
PROGRESS = ("status", "attempts", "next_attempt_at", "last_answer", "sent_at")  # what a send changes


def as_notice(row):
    values = dict(row._mapping)
    return Notification(**{**values, **{name: as_utc(values[name]) for name in MOMENTS}})


class DeliveryLog:
    def __init__(self, uow):
        self.uow = uow

    def add_many(self, notices):
        if notices:
            self.uow.session.execute(insert(deliveries), [
                {column.name: getattr(notice, column.name) for column in deliveries.columns}
                for notice in notices])
            for notice in notices:
                self.uow.track(notice)

    def list(self, limit, offset, recipient=None):
        query = select(deliveries).order_by(deliveries.c.created_at.desc(), deliveries.c.id)
        if recipient:
            query = query.where(deliveries.c.recipient == recipient)
        return [as_notice(row) for row in self.uow.session.execute(query.limit(limit).offset(offset))]

    def get(self, delivery_id):
        row = self.uow.session.execute(select(deliveries).where(deliveries.c.id == delivery_id)).first()
        if row is None:
            raise NotFound(f"no delivery {delivery_id}")
        return as_notice(row)

    def save_acknowledgement(self, notice):
        self.uow.session.execute(update(deliveries).where(deliveries.c.id == notice.id).values(
            acknowledged_at=notice.acknowledged_at, acknowledged_by=notice.acknowledged_by))
        self.uow.track(notice)

    def claim_due(self, now, limit):
        """Deliveries due now, oldest first, locked until this unit of work commits. SKIP LOCKED lets
        another replica take the next ones instead of waiting for (and then re-sending) these.
        SQLite has no row locks (SQLAlchemy leaves the clause out): embedded mode is one process
        with one sender, so a plain select is enough there."""
        query = (select(deliveries)
                 .where(deliveries.c.status.in_(DUE), deliveries.c.next_attempt_at <= now)
                 .order_by(deliveries.c.next_attempt_at, deliveries.c.id)
                 .limit(limit).with_for_update(skip_locked=True))
        notices = [as_notice(row) for row in self.uow.session.execute(query)]
        if self.uow.session.dialect.name == "sqlite":
            # End the read transaction now: held across the sends, a write in between (a new
            # injury's notice) would make this one's own writes fail as a stale snapshot.
            self.uow.session.commit()
        return notices

    def save_progress(self, notice):
        self.uow.session.execute(update(deliveries).where(deliveries.c.id == notice.id).values(
            {name: getattr(notice, name) for name in PROGRESS}))
        self.uow.track(notice)


class NotificationsUnitOfWork(UnitOfWork):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.deliveries = DeliveryLog(self)
