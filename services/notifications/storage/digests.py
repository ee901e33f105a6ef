"""Lines kept for digests, and the bundles (recipient, channel, schedule) that have some pending."""
from sqlalchemy import select, update

from safecommunity.bulk import insert_rows
from safecommunity.database import as_utc

from ..digests import DigestLine, Schedule
from .tables import digest_lines

BUNDLE = (digest_lines.c.recipient, digest_lines.c.channel, digest_lines.c.frequency, digest_lines.c.hour,
          digest_lines.c.weekday)


class DigestBook:
    def __init__(self, uow):
        self.uow = uow

    def add_many(self, lines):
        if lines:
            insert_rows(self.uow.session, digest_lines, [
                {"id": line.id, "recipient": line.recipient, "channel": line.channel,
                 "frequency": line.schedule.frequency, "hour": line.schedule.hour, "weekday": line.schedule.weekday,
                 "event_id": line.event_id, "event_type": line.event_type, "line": line.line[:300],
                 "created_at": line.created_at} for line in lines])

    def bundles(self):
        """(recipient, channel, Schedule) of every bundle with lines pending."""
        query = select(*BUNDLE).where(digest_lines.c.digest.is_(None)).distinct()
        return [(recipient, channel, Schedule(frequency, hour, weekday))
                for recipient, channel, frequency, hour, weekday in self.uow.session.execute(query)]

    def pending(self, recipient, channel, schedule):
        query = (select(digest_lines).where(
            digest_lines.c.digest.is_(None), digest_lines.c.recipient == recipient, digest_lines.c.channel == channel,
            digest_lines.c.frequency == schedule.frequency, digest_lines.c.hour == schedule.hour,
            digest_lines.c.weekday == schedule.weekday).order_by(digest_lines.c.created_at, digest_lines.c.id))
        return [DigestLine(row.recipient, row.channel, schedule, row.event_id, row.event_type, row.line,
                           as_utc(row.created_at), row.id) for row in self.uow.session.execute(query)]

    def sent(self, lines, period):
        self.uow.session.execute(update(digest_lines).where(digest_lines.c.id.in_([line.id for line in lines]))
                                 .values(digest=period))
