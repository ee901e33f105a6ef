"""Dead deliveries in the backbone's dead-letter table (notifications/deadletters.py), in the unit
of work's own transaction: parked with the answer that made them dead, claimed when replayed."""
from sqlalchemy import insert, select, update

from safecommunity.deadletters import DEAD, RETRYING
from safecommunity.tables import dead_letters

from ..deadletters import CONSUMER, KIND, letter_of


class DeadDeliveries:
    def __init__(self, uow):
        self.uow = uow

    def park(self, notices, now):
        """A row per dead delivery; one replayed before and dead again has its row dead again."""
        c = dead_letters.c
        for notice in notices:
            values = dict(event_type=KIND, body=letter_of(notice), status=DEAD, attempts=notice.attempts,
                          reason=notice.last_answer or "dead", last_failed_at=now, next_attempt_at=None)
            mine = (c.consumer == CONSUMER, c.event_id == notice.id)
            if not self.uow.session.execute(update(dead_letters).where(*mine).values(**values)).rowcount:
                self.uow.session.execute(insert(dead_letters).values(consumer=CONSUMER, event_id=notice.id,
                                                                     first_failed_at=now, **values))

    def replayed(self, limit=100):
        """(row id, delivery id) of the rows an operator replayed, locked until the commit (PostgreSQL)."""
        c = dead_letters.c
        return self.uow.session.execute(select(c.id, c.event_id).where(c.consumer == CONSUMER, c.status == RETRYING)
                                        .order_by(c.id).limit(limit).with_for_update(skip_locked=True)).all()

    def settle(self, row_id, status, reason=None):
        values = {"status": status, "next_attempt_at": None, **({"reason": reason} if reason else {})}
        self.uow.session.execute(update(dead_letters).where(dead_letters.c.id == row_id).values(**values))
