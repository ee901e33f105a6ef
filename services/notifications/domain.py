"""Notifications domain: which events become which notices, and a delivery's life. Pure Python.

Which events are told to whom: subscriptions.py, rules.yaml and fanout.py; this module is a notice's
own life.

A delivery on an outside channel is queued, then sent, or failed: retrying with back-off and jitter,
and dead after the last allowed attempt, with the channel's answer as the reason.
"""
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Optional

from safecommunity.domain import Aggregate
from safecommunity.errors import IllegalTransition  # the HTTP edge answers it 409
from safecommunity.ids import new_id

from . import templates
from .masking import mask

QUEUED, SENT, RETRYING, DEAD, DELIVERED = "queued", "sent", "retrying", "dead", "delivered"
DUE = (QUEUED, RETRYING)  # what the sender picks up




@dataclass(frozen=True)
class RetryPolicy:
    """attempts: how many sends before a delivery is dead; the wait before try n+1 is a random part
    ("full jitter") of first * 2**(n-1), capped: a gateway that was down for everyone is not hit by
    every queued delivery at the same second when it returns."""
    attempts: int = 5
    first: float = 30.0
    cap: float = 3600.0

    def wait_after(self, attempt, rand=random.random):
        ceiling = min(self.cap, self.first * 2 ** (attempt - 1))
        return ceiling * (0.5 + rand() / 2)  # never less than half: no burst of immediate retries


@dataclass
class Notification(Aggregate):
    trigger_event_id: str
    channel: str
    recipient: str
    subject: str
    body: str
    status: str = DELIVERED
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    id: str = field(default_factory=new_id)
    address: str = ""                    # where this send goes: looked up for it, in memory only (sending.py)
    address_masked: str = ""             # all the log keeps of it, and what answers show (masking.py)
    triggered_at: Optional[datetime] = None   # the triggering event's time (delivery latency)
    attempts: int = 0
    next_attempt_at: Optional[datetime] = None
    last_answer: str = ""
    sent_at: Optional[datetime] = None
    acknowledged_at: Optional[datetime] = None
    acknowledged_by: str = ""            # the caller's subject (the envelope's actor too), not in the payload
    urgent: bool = False                 # through quiet hours and rate limits (limits.py)
    read_at: Optional[datetime] = None   # in-app: when its recipient opened it

    @classmethod
    def deliver_in_app(cls, trigger_event_id, recipient, subject, body, triggered_at=None):
        # In-app delivery is writing it to the log the recipient reads: done once it is stored.
        notice = cls(trigger_event_id=trigger_event_id, channel="in_app", recipient=recipient,
                     subject=subject, body=body, triggered_at=triggered_at)
        notice.sent_at = notice.created_at
        notice._record_sent()
        return notice

    @classmethod
    def undeliverable(cls, trigger_event_id, channel, recipient, subject, body, reason, triggered_at=None):
        """A notice for a channel the recipient has no address on: dead at once, with the reason, so
        the log shows who could not be told (and the office can add the address)."""
        notice = cls(trigger_event_id=trigger_event_id, channel=channel, recipient=recipient, subject=subject,
                     body=body, status=DEAD, triggered_at=triggered_at, last_answer=reason)
        notice._record_failed()
        return notice

    @classmethod
    def queue(cls, trigger_event_id, channel, recipient, address, subject, body, triggered_at=None, urgent=False):
        notice = cls(trigger_event_id=trigger_event_id, channel=channel, recipient=recipient, subject=subject,
                     body=body, status=QUEUED, triggered_at=triggered_at, urgent=urgent)
        notice.send_to(address)
        notice.next_attempt_at = notice.created_at
        return notice

    def send_to(self, address):
        """Where the next send goes: the recipient's address as it is now. The delivery log keeps it
        masked only, so each send (a retry, a replay) looks it up again and a corrected one is used."""
        self.address, self.address_masked = address, mask(address)

    def record_answer(self, answer, now, policy):
        """The channel's answer to one send: sent, retrying at a later time, or dead."""
        if self.status not in DUE:
            raise IllegalTransition(f"delivery {self.id} is {self.status}, not due for sending")
        self.attempts += 1
        self.last_answer = without_address(answer.text, self.address)[:1000]
        if answer.ok:
            self.status, self.sent_at, self.next_attempt_at = SENT, now, None
            self._record_sent()
        elif answer.retryable and self.attempts < policy.attempts:
            self.status = RETRYING
            self.next_attempt_at = now + timedelta(seconds=policy.wait_after(self.attempts))
        else:
            self.status, self.next_attempt_at = DEAD, None
            self._record_failed()

    def requeue(self, now):
        """A dead delivery handed back (its dead letter replayed): queued now, with fresh attempts."""
        if self.status != DEAD:
            raise IllegalTransition(f"delivery {self.id} is {self.status}: only a dead one is queued again")
        self.status, self.attempts, self.next_attempt_at = QUEUED, 0, now
        self.last_answer = f"replayed from the dead letters (was: {self.last_answer})"[:1000]

    def read(self, now):
        """Opened by its recipient (the first time counts)."""
        if self.channel != "in_app":
            raise IllegalTransition(f"delivery {self.id} went by {self.channel}: only in-app notices are read here")
        self.read_at = self.read_at or now

    def defer(self, until, reason):
        """Held back (quiet hours) until then, without costing an attempt."""
        if self.status not in DUE:
            raise IllegalTransition(f"delivery {self.id} is {self.status}, not due for sending")
        self.next_attempt_at, self.last_answer = until, reason

    def acknowledge(self, by, now, event_type=None, severity=None):
        """The recipient has read it and acts on it: once, and only a notice that reached them.
        event_type, severity: what it was about, when known (a notice that asked for action)."""
        if self.acknowledged_at is not None:
            raise IllegalTransition(f"delivery {self.id} was acknowledged at {self.acknowledged_at.isoformat()}")
        if self.status not in (SENT, DELIVERED):
            raise IllegalTransition(f"delivery {self.id} is {self.status}: only one sent or delivered is acknowledged")
        self.acknowledged_at, self.acknowledged_by = now, by
        seconds = (now - self.sent_at).total_seconds() if self.sent_at else None
        self.record("notification.acknowledged", notification_id=self.id, trigger_event_id=self.trigger_event_id,
                    channel=self.channel, recipient=self.recipient, acknowledged_at=now,
                    seconds_after_sent=None if seconds is None else max(0.0, seconds),
                    event_type=event_type, severity=severity)

    def _record_failed(self):
        self.record("notification.failed", notification_id=self.id, trigger_event_id=self.trigger_event_id,
                    channel=self.channel, recipient=self.recipient, attempts=self.attempts, reason=self.last_answer)

    def _record_sent(self):
        self.record("notification.sent", notification_id=self.id, trigger_event_id=self.trigger_event_id,
                    channel=self.channel, recipient=self.recipient, subject=self.subject)


def without_address(text, address):
    """A channel's answer with the delivery's address taken out (Apprise's log lines may name the
    e-mail address, a bot's token or the URL): the answer goes into notification.failed and HTTP
    answers, which carry no contact."""
    for part in sorted({p.strip() for p in address.split(",") if p.strip()}, key=len, reverse=True):
        text = text.replace(part, "…")
    return text


def moment(text):
    """An event's ISO 8601 time; None when it cannot be read (the latency is then not observed)."""
    try:
        parsed = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    # kept as UTC, as every moment here: SQLite stores an aware time's wall clock without its offset
    return parsed.astimezone(timezone.utc) if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


# channel -> the template it reads (templates.py's CHANNEL_PARTS); a webhook gets the in-app text
TEMPLATE_OF = {"email": "email", "sms": "sms", "dingtalk": "chat", "wecom": "chat", "feishu": "chat"}


def rendered(event_type, channel, payload, names=None):
    """(subject, body) for one channel, in Chinese (the offices read it); an SMS has no subject.
    names: looked-up names ({"grid": "仙林街道"}) in place of the payload's codes."""
    parts = templates.current().render("zh", event_type, TEMPLATE_OF.get(channel, "in_app"), payload, names)
    return parts.get("subject", parts.get("title", "")), parts.get("body", parts.get("text", ""))
