"""Notifications tables and repositories: the only place with queries."""
from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, UniqueConstraint, insert, select

from safecommunity.database import as_utc
from safecommunity.storage import UnitOfWork
from safecommunity.tables import add_backbone_tables

from .domain import Notification

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
    UniqueConstraint("trigger_event_id", "channel", "recipient", name="uq_deliveries_once"),
)


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
        rows = self.uow.session.execute(query.limit(limit).offset(offset)).all()
        return [Notification(**{**row._mapping, "created_at": as_utc(row.created_at)}) for row in rows]


class NotificationsUnitOfWork(UnitOfWork):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.deliveries = DeliveryLog(self)
