"""The notifications service's business gauge, read when Prometheus scrapes (safecommunity/gauges.py):
in-app notices delivered that nobody has acknowledged yet
(`POST /api/notifications/deliveries/<id>/acknowledge`)."""
from sqlalchemy import func, select

from safecommunity import metrics

from .storage import deliveries

GAUGES = (metrics.NOTICES_UNACKNOWLEDGED,)


def read_gauges(connection, now):
    # Few rows (a severe injury each): the status index narrows it, the rest is a short scan.
    query = select(func.count()).where(deliveries.c.status == "delivered", deliveries.c.channel == "in_app",
                                       deliveries.c.acknowledged_at.is_(None))
    yield metrics.NOTICES_UNACKNOWLEDGED, (), connection.execute(query).scalar()
