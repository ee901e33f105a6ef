"""Unit of work and the `Store` dependency every service uses to reach its own database.

A service subclasses UnitOfWork to add its repositories. `publish()` stages an event; `commit()`
writes the staged events to the outbox in the same transaction as the state change, then wakes
the relay. Nothing is published before the commit.
"""
from nameko.extensions import DependencyProvider
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from .auth import CALLER_KEY, CORRELATION_KEY, SYSTEM
from .bulk import insert_rows
from .catalogue import spec_for
from .database import Database, utcnow
from .envelope import new_event
from .errors import Conflict
from .outbox import OutboxRelay
from .tables import inbox, outbox


class Inbox:
    """Event ids a consumer has handled, recorded in the consumer's own transaction."""

    def __init__(self, session, consumer):
        self.session = session
        self.consumer = consumer

    def claim(self, events):
        """The events not handled before (nor twice in this batch), now recorded as handled."""
        ids = [event.id for event in events]
        seen = set(self.session.scalars(select(inbox.c.event_id).where(
            inbox.c.consumer == self.consumer, inbox.c.event_id.in_(ids))))
        fresh = []
        for event in events:
            if event.id not in seen:
                seen.add(event.id)
                fresh.append(event)
        if fresh:
            now = utcnow()
            self.session.execute(insert(inbox), [
                {"consumer": self.consumer, "event_id": event.id, "handled_at": now} for event in fresh])
        return fresh


class UnitOfWork:
    """actor: who asked for this work (the HTTP caller's subject, or "system"); correlation_id: the
    request it came from. Both travel in every event the work publishes."""

    def __init__(self, session, service, consumer=None, on_commit=None, actor=SYSTEM, correlation_id=None):
        self.session = session
        self.service = service
        self.actor, self.correlation_id = actor, correlation_id
        self.inbox = Inbox(session, consumer)
        self._on_commit = on_commit
        self._staged = []
        self._tracked = []

    def track(self, aggregate):
        """Publish the aggregate's recorded events when this unit of work commits."""
        self._tracked.append(aggregate)
        return aggregate

    def publish(self, type_, data, subject=None):
        if spec_for(type_).producer != self.service:
            raise ValueError(f"{self.service} is not the catalogued producer of {type_}")
        event = new_event(type_, data, source=f"/safecommunity/{self.service}", subject=subject, actor=self.actor,
                          correlationid=self.correlation_id)
        self._staged.append(event)
        return event

    def commit(self):
        for aggregate in self._tracked:
            for type_, data in aggregate.collect_events():
                self.publish(type_, data, subject=aggregate.id)
        self._tracked = []
        staged, self._staged = self._staged, []
        if staged:
            now = utcnow()
            insert_rows(self.session, outbox, [
                {"event_id": e.id, "type": e.type, "envelope": e.to_json(), "created_at": now}
                for e in staged])
        self.session.commit()
        if staged and self._on_commit:
            self._on_commit()

    def rollback(self):
        self._staged, self._tracked = [], []
        self.session.rollback()

    def close(self):
        self._staged, self._tracked = [], []
        self.session.close()


class ConflictOnDuplicate:
    """Mix into a UnitOfWork whose unique keys a concurrent request may take first: the commit then
    fails as a Conflict (409, "try again") rather than a database error."""

    def commit(self):
        try:
            super().commit()
        except IntegrityError as exc:
            self.rollback()
            raise Conflict(f"conflicting change, try again: {exc.orig}") from None


def requested_by(worker_ctx):
    """(subject, correlation id) of the HTTP request a worker serves; ("system", None) otherwise."""
    request = worker_ctx.args[0] if worker_ctx.args else None
    environ = getattr(request, "environ", None)
    if not isinstance(environ, dict) or CALLER_KEY not in environ:
        return SYSTEM, None
    return environ[CALLER_KEY].subject, environ.get(CORRELATION_KEY)


class Store(DependencyProvider):
    """Gives each worker its own unit of work, closed (rolled back unless committed) afterwards. Its
    connection opens at the first statement (LazyConnection), so nothing here needs the database."""

    database = Database()
    relay = OutboxRelay()

    def __init__(self, unit_of_work_cls=UnitOfWork):
        self.unit_of_work_cls = unit_of_work_cls
        self._open = {}

    def get_dependency(self, worker_ctx):
        service = self.container.service_name
        actor, correlation_id = requested_by(worker_ctx)
        uow = self.unit_of_work_cls(self.database.connect(), service,
                                    consumer=f"{service}.{worker_ctx.entrypoint.method_name}",
                                    on_commit=self.database.committed, actor=actor, correlation_id=correlation_id)
        self._open[worker_ctx] = uow
        return uow

    def worker_teardown(self, worker_ctx):
        uow = self._open.pop(worker_ctx, None)
        if uow is not None:
            uow.close()
