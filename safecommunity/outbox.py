"""The outbox relay: publishes committed events, in order, with broker confirms, and marks them.

A crash between publish and mark republishes a batch; consumers' inboxes make that harmless.
Several replicas may relay the same table: PostgreSQL's SKIP LOCKED gives each its own rows.
"""
import logging
from collections import Counter

import eventlet
from eventlet.queue import Empty, LightQueue
from nameko.extensions import SharedExtension
from sqlalchemy import func, select, update

from . import metrics
from .broker import Publisher
from .database import Database, as_utc, utcnow
from .outages import Backoff
from .tables import outbox

log = logging.getLogger(__name__)

GAUGE_EVERY = 5.0  # seconds between backlog measurements


class OutboxRelay(SharedExtension):
    database = Database()

    def __init__(self):
        super().__init__()
        self.connected, self.waiting_on = False, None
        self._running = False
        self._wake = LightQueue(maxsize=1)

    def setup(self):
        config = self.container.config
        self.service = self.container.service_name
        self.batch_size = int(config["OUTBOX_BATCH_SIZE"])
        self.poll_interval = float(config["OUTBOX_POLL_INTERVAL"])
        self.linger = float(config["OUTBOX_LINGER"])
        self.publisher = Publisher(config["AMQP_URI"], events_per_message=int(config["OUTBOX_EVENTS_PER_MESSAGE"]))
        self.database.on_commit(self.wake)

    def start(self):
        self._running = True
        self.container.spawn_managed_thread(self._relay_forever, identifier="outbox-relay")

    def stop(self):
        self._running = False
        self.wake()
        self.publisher.close()

    kill = stop

    def wake(self):
        if self._wake.empty():
            self._wake.put_nowait(None)

    dependency = "publisher"

    def check_ready(self):
        if not self.connected:
            raise ConnectionError(f"outbox relay is waiting: {self.waiting_on or 'not connected yet'}")
        return self.dependency

    def _relay_forever(self):
        backoff, measured_at = Backoff(), 0.0
        while self._running:
            try:
                relayed = self.relay_once()
                self.connected = True
                backoff.reset()
            except Exception as exc:  # broker or database down: keep the rows, try again shortly
                log.warning("outbox relay of %s failed, retrying in up to %.1fs: %s: %s", self.service, backoff.next,
                            type(exc).__name__, str(exc)[:200])
                self.connected, self.waiting_on = False, f"{type(exc).__name__}: {str(exc)[:200]}"
                self.publisher.close()
                backoff.wait()
                continue
            if eventlet.hubs.get_hub().clock() - measured_at > GAUGE_EVERY:
                measured_at = eventlet.hubs.get_hub().clock()
                self._measure_backlog()
            if relayed < self.batch_size:
                self._wait_for_commit()

    def _wait_for_commit(self):
        """Until a commit wakes us (or the poll interval passes), then a moment more: under a stream of
        small commits (one case per request) each pass then carries several events, not one."""
        try:
            self._wake.get(timeout=self.poll_interval)
        except Empty:
            return
        if self._running and self.linger:
            eventlet.sleep(self.linger)

    def relay_once(self):
        """Publish up to one batch of unpublished events; returns how many."""
        with self.database.engine.begin() as connection:
            rows = connection.execute(
                select(outbox.c.id, outbox.c.type, outbox.c.envelope, outbox.c.event_id)
                .where(outbox.c.published_at.is_(None)).order_by(outbox.c.id)
                .limit(self.batch_size).with_for_update(skip_locked=True)).all()
            if not rows:
                if not self.connected:
                    self.publisher.publish([])  # connect and declare, so readiness tells the truth
                return 0
            self.publisher.publish((row.type, row.envelope, row.event_id) for row in rows)
            connection.execute(update(outbox).where(outbox.c.id.in_([row.id for row in rows]))
                               .values(published_at=utcnow()))
        for type_, count in Counter(row.type for row in rows).items():
            metrics.EVENTS_PUBLISHED.labels(self.service, type_).inc(count)
        return len(rows)

    def _measure_backlog(self):
        with self.database.engine.connect() as connection:
            count, oldest = connection.execute(
                select(func.count(), func.min(outbox.c.created_at))
                .where(outbox.c.published_at.is_(None))).one()
        metrics.OUTBOX_BACKLOG.labels(self.service).set(count)
        age = (utcnow() - as_utc(oldest)).total_seconds() if oldest else 0
        metrics.OUTBOX_OLDEST_AGE.labels(self.service).set(age)
