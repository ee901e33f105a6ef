"""Notifications domain: which events become which notices. Pure Python.

For now one rule: a severe injury is told to the committee office in the platform (in-app).
Subscriptions, templates and the other channels come with the notifications issue.
"""
from dataclasses import dataclass, field
from datetime import datetime, timezone

from safecommunity.domain import Aggregate
from safecommunity.ids import new_id

COMMITTEE_OFFICE = "committee-office"


@dataclass
class Notification(Aggregate):
    trigger_event_id: str
    channel: str
    recipient: str
    subject: str
    body: str
    status: str = "delivered"
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    id: str = field(default_factory=new_id)

    @classmethod
    def deliver_in_app(cls, trigger_event_id, recipient, subject, body):
        # In-app delivery is writing it to the log the recipient reads: done once it is stored.
        notice = cls(trigger_event_id=trigger_event_id, channel="in_app", recipient=recipient,
                     subject=subject, body=body)
        notice.record("notification.sent", notification_id=notice.id, trigger_event_id=trigger_event_id,
                      channel=notice.channel, recipient=recipient, subject=subject)
        return notice


def notices_for_injury(event_id, injury):
    if injury["severity"] != "severe":
        return []
    where = f"grid {injury['grid_code']}" if injury.get("grid_code") else "an unknown grid"
    subject = f"Severe injury ({injury['cause']}) reported in {where}"
    body = (f"{injury['source']} reported a severe {injury['cause']} injury, outcome {injury['outcome']}, "
            f"injured at {injury['injury_time']}. Case {injury['case_id']}.")
    return [Notification.deliver_in_app(event_id, COMMITTEE_OFFICE, subject, body)]
