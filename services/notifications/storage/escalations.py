"""Open escalations: claimed by the escalation timer one at a time, locked (PostgreSQL) so two
replicas never tell the next level twice."""
import json

from sqlalchemy import select, update

from safecommunity.bulk import insert_rows
from safecommunity.database import as_utc

from ..escalation import OPEN, Escalation
from .tables import escalations

JSON_FIELDS = ("payload", "after_minutes", "channels")
STATE = ("grid_code", "step", "status", "next_at", "closed_at")  # what a step changes


def as_escalation(row):
    values = dict(row._mapping)
    values.update({name: json.loads(values[name]) for name in JSON_FIELDS})
    values.update({name: as_utc(values[name]) for name in ("triggered_at", "next_at", "closed_at")})
    return Escalation(**{**values, "after_minutes": tuple(values["after_minutes"]),
                         "channels": tuple(values["channels"])})


class EscalationLog:
    def __init__(self, uow):
        self.uow = uow

    def add_many(self, opened):
        if opened:
            insert_rows(self.uow.session, escalations, [
                {column.name: (json.dumps(list(value) if isinstance(value, tuple) else value)
                               if column.name in JSON_FIELDS else value)
                 for column in escalations.columns for value in [getattr(escalation, column.name)]}
                for escalation in opened])

    def claim_due(self, now):
        """The oldest escalation due, locked until the unit of work commits (None: none due)."""
        query = (select(escalations).where(escalations.c.status == OPEN, escalations.c.next_at <= now)
                 .order_by(escalations.c.next_at, escalations.c.id).limit(1).with_for_update(skip_locked=True))
        row = self.uow.session.execute(query).first()
        return row and as_escalation(row)

    def save(self, escalation):
        self.uow.session.execute(update(escalations).where(escalations.c.id == escalation.id).values(
            {name: getattr(escalation, name) for name in STATE}))
        self.uow.track(escalation)

    def of_trigger(self, trigger_event_id):
        """One of the event's escalations (they share its type and payload), or None."""
        row = self.uow.session.execute(select(escalations).where(escalations.c.trigger_event_id == trigger_event_id)
                                       .order_by(escalations.c.id).limit(1)).first()
        return row and as_escalation(row)

    def asking(self, trigger_event_ids):
        """Those of the events with an escalation: their notices ask for action."""
        if not trigger_event_ids:
            return set()
        return set(self.uow.session.scalars(select(escalations.c.trigger_event_id).distinct()
                                            .where(escalations.c.trigger_event_id.in_(set(trigger_event_ids)))))

    def acknowledge_all(self, trigger_event_id, now):
        """Every open escalation of the event: someone acknowledged one of its notices."""
        query = select(escalations).where(escalations.c.trigger_event_id == trigger_event_id,
                                          escalations.c.status == OPEN)
        for escalation in map(as_escalation, self.uow.session.execute(query)):
            escalation.acknowledge(now)
            self.save(escalation)

    def list(self, limit, offset, status=None):
        query = select(escalations).order_by(escalations.c.next_at, escalations.c.id)
        if status:
            query = query.where(escalations.c.status == status)
        return [as_escalation(row) for row in self.uow.session.execute(query.limit(limit).offset(offset))]
