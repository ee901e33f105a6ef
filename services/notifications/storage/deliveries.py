"""The delivery log: every notice, its sends and the channel's answers."""
import json
from datetime import datetime

from sqlalchemy import bindparam, func, select, text, update

from safecommunity.bulk import insert_rows
from safecommunity.database import as_utc, connection_of
from safecommunity.errors import IllegalTransition, NotFound

from ..domain import DUE, Notification
from .tables import deliveries

INSERT_CHUNK = 1000
MOMENTS = ("created_at", "triggered_at", "next_attempt_at", "sent_at", "acknowledged_at", "read_at")
PROGRESS = ("status", "attempts", "next_attempt_at", "last_answer", "sent_at",  # what a send (or a wait) changes
            "address_masked")

PROGRESS_FROM_JSON = text(
    "UPDATE deliveries SET " + ", ".join(f"{name} = given.{name}" for name in PROGRESS)
    + " FROM json_populate_recordset(NULL::deliveries, :rows) AS given WHERE deliveries.id = given.id")


def as_notice(row):
    values = dict(row._mapping)
    return Notification(**{**values, **{name: as_utc(values[name]) for name in MOMENTS}})


class DeliveryLog:
    def __init__(self, uow):
        self.uow = uow

    def add_many(self, notices):
        """In statements of INSERT_CHUNK rows (one JSON array each on PostgreSQL: bulk.py): an
        alert's ten thousand notices never sit in memory as parameters all at once."""
        for start in range(0, len(notices), INSERT_CHUNK):
            insert_rows(self.uow.session, deliveries, [
                {column.name: getattr(notice, column.name) for column in deliveries.columns}
                for notice in notices[start:start + INSERT_CHUNK]])
        for notice in notices:
            self.uow.track(notice)

    def add_new(self, notices):
        """Those of the notices whose event, channel and recipient are not in the log yet (a person
        told already is not told again when an escalation reaches their grid)."""
        if not notices:
            return []
        c = deliveries.c
        logged = set(self.uow.session.execute(
            select(c.trigger_event_id, c.channel, c.recipient)
            .where(c.trigger_event_id.in_({n.trigger_event_id for n in notices}))).all())
        fresh = [n for n in notices if (n.trigger_event_id, n.channel, n.recipient) not in logged]
        self.add_many(fresh)
        return fresh

    def exists(self, trigger_event_id, channel, recipient):
        c = deliveries.c
        return self.uow.session.scalar(select(c.id).where(c.trigger_event_id == trigger_event_id, c.channel == channel,
                                                          c.recipient == recipient)) is not None

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

    def inbox(self, recipients, unread, limit, offset):
        """(in-app notices of the recipients, newest first; how many of them are unread)."""
        c = deliveries.c
        mine = (c.channel == "in_app", c.recipient.in_(recipients))
        query = select(deliveries).where(*mine).order_by(c.created_at.desc(), c.id)
        if unread:
            query = query.where(c.read_at.is_(None))
        notices = [as_notice(row) for row in self.uow.session.execute(query.limit(limit).offset(offset))]
        unread_count = self.uow.session.scalar(select(func.count()).where(*mine, c.read_at.is_(None)))
        return notices, unread_count

    def save_read(self, notice):
        self.uow.session.execute(update(deliveries).where(deliveries.c.id == notice.id, deliveries.c.read_at.is_(None))
                                 .values(read_at=notice.read_at))

    def save_acknowledgement(self, notice):
        """Only if nobody acknowledged it meanwhile: of two at once, one wins and the other is a 409."""
        saved = self.uow.session.execute(update(deliveries).where(
            deliveries.c.id == notice.id, deliveries.c.acknowledged_at.is_(None)).values(
            acknowledged_at=notice.acknowledged_at, acknowledged_by=notice.acknowledged_by))
        if saved.rowcount != 1:
            raise IllegalTransition(f"delivery {notice.id} was acknowledged meanwhile")
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

    def save_progress(self, notices):
        """What a batch of sends changed: on PostgreSQL one UPDATE from a JSON array of the rows
        (as bulk.py inserts), elsewhere one statement executed for each (an executemany)."""
        if not notices:
            return
        rows = [{"id": notice.id, **{name: getattr(notice, name) for name in PROGRESS}} for notice in notices]
        if connection_of(self.uow.session).dialect.name == "postgresql":
            given = json.dumps(rows, ensure_ascii=False, default=datetime.isoformat)
            self.uow.session.execute(PROGRESS_FROM_JSON, {"rows": given})
        else:
            statement = update(deliveries).where(deliveries.c.id == bindparam("notice_id")).values(
                {name: bindparam(name) for name in PROGRESS})
            self.uow.session.execute(statement, [{"notice_id": row.pop("id"), **row} for row in rows])
        for notice in notices:
            self.uow.track(notice)
