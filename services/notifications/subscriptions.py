"""Subscriptions and rules: which events are told to whom, on which channels, and whether the notice
asks for action (and so escalates until acknowledged). Pure Python.

A site's **rules** are data (rules.yaml beside this file, or the site's NOTIFY_RULES_FILE in its
place), checked at start; a person's or a department's **subscriptions** are made over HTTP. Both
are a `Subscription`: an event type, a filter, recipient specs (recipients.py) and channels.

A filter maps a payload field to the values it may have (`severity: [major]`); `grid_code` is a
scope: the grid named and every grid below it; `unit_type` is the type of the unit the event names
(its `unit_id`, or the unit its hazard was reported against), from the registry's unit events.
"""
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Optional

from safecommunity.domain import Aggregate
from safecommunity.ids import new_id

from .digests import Schedule

EVENT_TYPES = ("injury.reported", "accident.reported", "hazard.reported", "hazard.notified", "hazard.escalated",
               "hazard.reminded", "hazard.overdue", "alert.issued")
CHANNELS = ("in_app", "email", "sms", "dingtalk", "wecom", "feishu", "webhook")
FILTER_FIELDS = ("grid_code", "severity", "category", "cause", "intent", "place", "outcome", "status",
                 "found_by", "source", "kind", "colour", "msg_type", "mass_casualty", "unit_type")
IMMEDIATELY = "immediately"
FREQUENCIES = (IMMEDIATELY, "daily", "weekly")  # daily and weekly: a digest a period (digests.py)


@dataclass(frozen=True)
class EscalationPolicy:
    """A notice not acknowledged `after_minutes[n]` minutes after step n is told to the holders of
    `role` one grid further up (the event's grid first when nobody in a grid was told yet), until
    the steps run out or the top of the hierarchy (the district) has been told."""
    after_minutes: tuple
    role: str = "grid_head"
    channels: tuple = ("sms", "in_app")


@dataclass
class Subscription(Aggregate):
    event_type: str
    to: tuple                         # recipient specs (recipients.py)
    channels: tuple
    filter: dict = field(default_factory=dict)
    frequency: str = IMMEDIATELY
    hour: int = 8                     # a digest's hour on the site's clock
    weekday: int = 1                  # a weekly digest's day, Monday 1 … Sunday 7
    asks_action: bool = False
    escalation: Optional[EscalationPolicy] = None
    urgent: bool = False              # through SMS quiet hours and rate limits (limits.py)
    name: str = ""                    # a rule's name; a subscription's is its id
    label: str = ""                   # what a person reads: Chinese / English
    created_by: str = ""
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    id: str = field(default_factory=new_id)

    @classmethod
    def subscribe(cls, recipient, event_type, channels, filter=None, frequency=IMMEDIATELY, hour=8, weekday=1, by=""):
        """A recipient's own subscription; recipient is a key (person:…, department:…, unit:…)."""
        kind, _, key = recipient.partition(":")
        subscription = cls(event_type=event_type, to=({kind: key},), channels=tuple(channels),
                           filter=dict(filter or {}), frequency=frequency, hour=hour, weekday=weekday, created_by=by)
        subscription.name = subscription.id
        return subscription

    @property
    def schedule(self):
        """When its digest goes out (digests.Schedule); None for a subscription told at once."""
        return None if self.frequency == IMMEDIATELY else Schedule(self.frequency, self.hour, self.weekday)

    @property
    def recipient(self):
        """The key of a subscription's one recipient (rules name specs instead)."""
        [(kind, key)] = self.to[0].items()
        return f"{kind}:{key}"

    @property
    def scope(self):
        """The grid whose events (its own and those of every grid below it) it takes; None: any.
        fanout.route looks subscriptions up by it."""
        return self.filter.get("grid_code")

    def matches_fields(self, payload):
        """The filter's fields other than the grid scope."""
        return all(payload.get(name) in values for name, values in self.filter.items() if name != "grid_code")
