"""Digests and bulletins: events a recipient takes daily or weekly are kept as lines and sent as one
notice per period (the grid staff's daily briefing at 08:00, a street's weekly bulletin on Monday,
the district / street / community bulletins). Pure Python.

A period comes due at its hour on the site's clock (every day, or on its weekday). At the first turn
after that, everything the recipient has pending on that channel goes out as one notice, keyed by
the period (`digest:daily:2026-12-02`): the delivery log's unique key lets one replica make it and
no other, and a later event waits for the next period.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Optional

from safecommunity import sitetime
from safecommunity.ids import new_id

from .domain import rendered

DAILY, WEEKLY = "daily", "weekly"
MOST_LINES = 50  # lines in one digest; the rest are counted ("and 12 more")


@dataclass(frozen=True)
class Schedule:
    frequency: str              # daily or weekly
    hour: int = 8               # on the site's clock
    weekday: int = 1            # ISO: Monday 1 … Sunday 7 (weekly only)

    def last_due(self, now):
        """The latest moment at or before `now` this schedule came due, on the site's clock."""
        local = sitetime.local(now)
        due = local.replace(hour=self.hour, minute=0, second=0, microsecond=0)
        if self.frequency == WEEKLY:
            due -= timedelta(days=(local.isoweekday() - self.weekday) % 7)
        if due > local:
            due -= timedelta(days=7 if self.frequency == WEEKLY else 1)
        return due

    def period(self, now):
        """The key of the period that came due last, as its digest's trigger in the delivery log:
        digest:daily:2026-12-02T08, digest:weekly:2026-11-30T08."""
        return f"digest:{self.frequency}:{self.last_due(now):%Y-%m-%dT%H}"


@dataclass
class DigestLine:
    """One event, kept for a recipient's next digest on a channel."""
    recipient: str
    channel: str
    schedule: Schedule
    event_id: str
    event_type: str
    line: str
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    id: str = field(default_factory=new_id)
    digest: Optional[str] = None  # the period key of the digest it went out in


def compose(channel, schedule, lines, now):
    """(subject, body) of one digest, in Chinese, from its lines (oldest first)."""
    due = schedule.last_due(now)
    counts = {}
    for line in lines:
        counts[line.event_type] = counts.get(line.event_type, 0) + 1
    payload = {"frequency": schedule.frequency, "period": due.date().isoformat(), "count": len(lines),
               "counts": counts, "lines": [line.line for line in lines[:MOST_LINES]],
               "more": max(0, len(lines) - MOST_LINES)}
    return rendered("digest", channel, payload)
