"""Dead letters: the messages a consumer could not handle, kept in the consumer's own database.

A failed message is written here and acknowledged, so the queue behind it keeps moving and the
message survives any restart. The consumer retries it with exponential back-off; after the last
attempt it is `dead` with its reason. Unreadable messages are `rejected` at once. Replaying sets a
row back to `retrying`, and the running consumer handles it within a second.

Notifications keeps its dead deliveries here too (consumer `notifications.deliveries`, type
`notification.delivery`, the delivery's id as event id): no event handler has that consumer, so the
bus leaves them alone, and a replayed one is taken by notifications' sender, which queues the
delivery again (services/notifications/deadletters.py).
"""
from datetime import timedelta

from sqlalchemy import func, insert, select, update

from .database import as_utc, utcnow
from .tables import dead_letters

RETRYING, DEAD, REJECTED, RESOLVED = "retrying", "dead", "rejected", "resolved"


class DeadLetterNotFound(LookupError):
    pass


class DeadLetters:
    def __init__(self, engine, max_attempts=5, backoff=2.0, backoff_max=300.0):
        self.engine = engine
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.backoff_max = backoff_max

    def delay(self, attempts):
        return timedelta(seconds=min(self.backoff * 2 ** (attempts - 1), self.backoff_max))

    def park(self, consumer, event, body, reason):
        """First failure of a readable event: retry later (or dead at once if one attempt is all)."""
        now = utcnow()
        status = DEAD if self.max_attempts <= 1 else RETRYING
        row = dict(consumer=consumer, event_id=event.id, event_type=event.type, body=body,
                   status=status, attempts=1, reason=reason, first_failed_at=now, last_failed_at=now,
                   next_attempt_at=now + self.delay(1) if status == RETRYING else None)
        with self.engine.begin() as connection:
            exists = connection.execute(select(dead_letters.c.id).where(
                dead_letters.c.consumer == consumer, dead_letters.c.event_id == event.id)).first()
            if exists is None:  # a redelivery of a message we already parked changes nothing
                connection.execute(insert(dead_letters), row)

    def reject(self, consumer, body, reason, event_id=None, event_type=None):
        now = utcnow()
        with self.engine.begin() as connection:
            connection.execute(insert(dead_letters), dict(
                consumer=consumer, event_id=event_id, event_type=event_type, body=body,
                status=REJECTED, attempts=0, reason=reason, first_failed_at=now, last_failed_at=now))

    def claim_due(self, consumers, limit=50, lease=timedelta(minutes=5)):
        """Rows due for another attempt; leased so no other replica takes them meanwhile."""
        now = utcnow()
        with self.engine.begin() as connection:
            rows = connection.execute(
                select(dead_letters).where(dead_letters.c.status == RETRYING,
                                           dead_letters.c.consumer.in_(consumers),
                                           dead_letters.c.next_attempt_at <= now)
                .order_by(dead_letters.c.id).limit(limit).with_for_update(skip_locked=True)).all()
            if rows:
                connection.execute(update(dead_letters)
                                   .where(dead_letters.c.id.in_([r.id for r in rows]))
                                   .values(next_attempt_at=now + lease))
        return rows

    def resolved(self, row_id):
        self._update(row_id, status=RESOLVED, next_attempt_at=None)

    def failed_again(self, row, reason):
        attempts = row.attempts + 1
        dead = attempts >= self.max_attempts
        self._update(row.id, attempts=attempts, reason=reason, last_failed_at=utcnow(),
                     status=DEAD if dead else RETRYING,
                     next_attempt_at=None if dead else utcnow() + self.delay(attempts))

    def rejected_again(self, row, reason):
        self._update(row.id, status=REJECTED, reason=reason, last_failed_at=utcnow(),
                     next_attempt_at=None)

    def replay(self, row_id):
        """Hand a dead (or rejected) message back to its consumer for a fresh round of attempts."""
        with self.engine.begin() as connection:
            done = connection.execute(update(dead_letters).where(
                dead_letters.c.id == row_id,
                dead_letters.c.status.in_([DEAD, REJECTED, RETRYING]))
                .values(status=RETRYING, attempts=0, next_attempt_at=utcnow())).rowcount
        if not done:
            raise DeadLetterNotFound(f"no dead letter {row_id} waiting for replay")

    def list(self, statuses=(DEAD, REJECTED, RETRYING), limit=100):
        with self.engine.connect() as connection:
            rows = connection.execute(select(dead_letters).where(dead_letters.c.status.in_(statuses))
                                      .order_by(dead_letters.c.id.desc()).limit(limit)).all()
        return [as_dict(row) for row in rows]

    def get(self, row_id):
        with self.engine.connect() as connection:
            row = connection.execute(select(dead_letters).where(dead_letters.c.id == row_id)).first()
        if row is None:
            raise DeadLetterNotFound(f"no dead letter {row_id}")
        return as_dict(row, with_body=True)

    def counts(self):
        with self.engine.connect() as connection:
            rows = connection.execute(select(dead_letters.c.status, func.count())
                                      .where(dead_letters.c.status != RESOLVED)
                                      .group_by(dead_letters.c.status)).all()
        return {status: count for status, count in rows}

    def _update(self, row_id, **values):
        with self.engine.begin() as connection:
            connection.execute(update(dead_letters).where(dead_letters.c.id == row_id).values(**values))


def as_dict(row, with_body=False):
    out = {key: getattr(row, key) for key in ("id", "consumer", "event_id", "event_type", "status",
                                              "attempts", "reason")}
    for key in ("first_failed_at", "last_failed_at", "next_attempt_at"):
        moment = as_utc(getattr(row, key))
        out[key] = moment.isoformat() if moment else None
    if with_body:
        out["body"] = row.body
    return out
