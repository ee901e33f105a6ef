"""The incidents service's business gauges, read when Prometheus scrapes (safecommunity/gauges.py):
open and overdue hazards by severity, and the injury cases of the site's today."""
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import func, select

from safecommunity import metrics, sitetime
from safecommunity.contracts.incidents import HAZARD_SEVERITIES

from ..domain import NOT_YET_RECTIFIED, OPEN
from .tables import hazards, injury_cases

GAUGES = (metrics.HAZARDS_OPEN, metrics.HAZARDS_OVERDUE, metrics.INJURIES_TODAY)


def read_gauges(connection, now):
    open_ = _by_severity(connection, hazards.c.status.in_(OPEN))
    # as HazardRepository.list's overdue filter and Hazard.overdue: late, and not rectified yet
    overdue = _by_severity(connection, hazards.c.status.in_(NOT_YET_RECTIFIED) & (hazards.c.deadline < now))
    # Every severity has a sample, 0 included: a series that vanishes at 0 reads as "no data".
    for severity in sorted(set(HAZARD_SEVERITIES) | set(open_)):
        yield metrics.HAZARDS_OPEN, (severity,), open_.get(severity, 0)
        yield metrics.HAZARDS_OVERDUE, (severity,), overdue.get(severity, 0)
    yield metrics.INJURIES_TODAY, (), injuries_on(connection, sitetime.day_of(now))


def _by_severity(connection, condition):
    query = select(hazards.c.severity, func.count()).where(condition).group_by(hazards.c.severity)
    return dict(connection.execute(query).all())


def injuries_on(connection, day):
    """Cases whose injury time falls on the site's calendar day, as the reports count them."""
    start, end = _site_day(day), _site_day(day + timedelta(days=1))
    c = injury_cases.c
    # A visit is never before its injury (rule R1a): the visit_time index bounds the rows read
    # to the visits since the day began, instead of every case ever reported.
    query = select(func.count()).where(c.visit_time >= start, c.injury_time >= start, c.injury_time < end)
    return connection.execute(query).scalar()


def _site_day(day):
    """The instant the site's day begins, in UTC (so a 23- or 25-hour day is right too)."""
    return datetime.combine(day, time(), tzinfo=sitetime.zone()).astimezone(timezone.utc)
