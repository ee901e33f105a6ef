"""The notifications service's business gauge, read when Prometheus scrapes (safecommunity/gauges.py).

There is no acknowledgement of a notice yet: an in-app notice stays "delivered" for good, so this
counts every in-app notice delivered. When acknowledging arrives and moves a notice on from
"delivered", the gauge keeps its meaning."""
from sqlalchemy import func, select

from safecommunity import metrics

from .storage import deliveries

GAUGES = (metrics.NOTICES_UNACKNOWLEDGED,)


def read_gauges(connection, now):
    # Few rows (a severe injury each) and no index on channel or status: a scan is cheap here.
    query = select(func.count()).where(deliveries.c.channel == "in_app", deliveries.c.status == "delivered")
    yield metrics.NOTICES_UNACKNOWLEDGED, (), connection.execute(query).scalar()
