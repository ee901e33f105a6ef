"""The notifications service's business gauges, read when Prometheus scrapes (safecommunity/gauges.py):
in-app notices delivered that nobody has acknowledged yet, and the events whose notices ask for
action still waiting for someone to acknowledge one, by how long they have waited."""
from datetime import timedelta

from sqlalchemy import func, select

from safecommunity import metrics
from safecommunity.database import as_utc

from .escalation import OPEN
from .storage import deliveries
from .storage.tables import escalations

GAUGES = (metrics.NOTICES_UNACKNOWLEDGED, metrics.NOTICES_AWAITING)
AGES = (("under_1h", timedelta(0), timedelta(hours=1)), ("1h_to_24h", timedelta(hours=1), timedelta(days=1)),
        ("over_24h", timedelta(days=1), None))


def read_gauges(connection, now):
    # The status index narrows it to the in-app notices; the acknowledged ones are the scan's cost.
    query = select(func.count()).where(deliveries.c.status == "delivered", deliveries.c.channel == "in_app",
                                       deliveries.c.acknowledged_at.is_(None))
    yield metrics.NOTICES_UNACKNOWLEDGED, (), connection.execute(query).scalar()
    # the open escalations are few (each closes on acknowledgement or at the district); an event with
    # several (two rules) counts once, from its own time. min() here, not in SQL: SQLite would compare text.
    since = {}
    for event_id, moment in connection.execute(select(escalations.c.trigger_event_id, escalations.c.triggered_at)
                                               .where(escalations.c.status == OPEN)):
        if moment is not None:
            since[event_id] = min(since.get(event_id, as_utc(moment)), as_utc(moment))
    waited = [now - moment for moment in since.values()]
    for age, younger, older in AGES:
        yield metrics.NOTICES_AWAITING, (age,), sum(1 for wait in waited if younger <= wait and (older is None
                                                                                                 or wait < older))
