"""The outbox relay: publishes committed events, in order, with broker confirms, and marks them.

A crash between publish and mark republishes a batch; consumers' inboxes make that harmless.
Several replicas may relay the same table: PostgreSQL's SKIP LOCKED gives each its own rows.

Published rows are kept OUTBOX_RETENTION_HOURS (a restore sends the last minutes before its backup
again: see backup.py), then deleted, oldest first: kept for ever they were most of a city's
database (deploy/SCALING.md).
"""
import logging
from collections import Counter
from datetime import timedelta

import eventlet
from eventlet.queue import Empty, LightQueue
from nameko.extensions import SharedExtension
from sqlalchemy import delete, func, select, update

from . import metrics
from .broker import Publisher
from .database import Database, as_utc, utcnow
from .outages import Backoff
from .tables import outbox

log = logging.getLogger(__name__)

GAUGE_EVERY = 5.0  # seconds between backlog measurements
PRUNE_EVERY = 60.0  # seconds between deletions of published rows past their retention
PRUNE_BATCH = 5000  # rows looked at, and at most deleted, in one transaction
PRUNE_TURN = 20     # transactions at most per turn


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
        self.retention = float(config.get("OUTBOX_RETENTION_HOURS", 168.0))  # 0: keep every row
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
        backoff, measured_at, pruned_at = Backoff(), 0.0, 0.0
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
            now = eventlet.hubs.get_hub().clock()
            if now - measured_at > GAUGE_EVERY:
                measured_at = now
                self._measure_backlog()
            if self.retention and now - pruned_at > PRUNE_EVERY:
                pruned_at = now
                self._prune()
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

    def _prune(self):
        """A few short transactions, then back to relaying: a backlog of old rows (the first run after
        an upgrade) goes over several turns, PRUNE_TURN batches a minute."""
        cutoff = utcnow() - timedelta(hours=self.retention)
        try:
            for _ in range(PRUNE_TURN):
                with self.database.engine.begin() as connection:
                    if prune(connection, cutoff) < PRUNE_BATCH:
                        return
                eventlet.sleep(0)
        except Exception as exc:  # the database away: the relay's own retry reports it; try next turn
            log.warning("outbox pruning of %s failed: %s: %s", self.service, type(exc).__name__, str(exc)[:200])

    def _measure_backlog(self):
        with self.database.engine.connect() as connection:
            count, oldest = connection.execute(
                select(func.count(), func.min(outbox.c.created_at))
                .where(outbox.c.published_at.is_(None))).one()
        metrics.OUTBOX_BACKLOG.labels(self.service).set(count)
        age = (utcnow() - as_utc(oldest)).total_seconds() if oldest else 0
        metrics.OUTBOX_OLDEST_AGE.labels(self.service).set(age)


def prune(connection, cutoff, batch=PRUNE_BATCH):
    """Deletes, of the `batch` oldest rows, those published before cutoff; returns how many. Only the
    oldest rows are looked at (the primary key's order), never the whole table: past the old ones,
    a pass costs one short index range, however large the outbox."""
    oldest = select(outbox.c.id, outbox.c.published_at).order_by(outbox.c.id).limit(batch).subquery()
    done = connection.execute(delete(outbox).where(outbox.c.id.in_(
        select(oldest.c.id).where(oldest.c.published_at < cutoff))))
    return done.rowcount
