"""Escalation until acknowledged. Pure Python.

A notice that asks for action opens an escalation for its event and rule. If nobody acknowledges
any notice of that event within the policy's first wait, the holders of the policy's role one grid
up are told (`notification.escalated`), and so on for each wait, until the district (a grid with no
parent) has been told. An acknowledgement of any of the event's notices closes it.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Optional

from safecommunity.domain import Aggregate
from safecommunity.ids import new_id

OPEN, ACKNOWLEDGED, EXHAUSTED = "open", "acknowledged", "exhausted"


@dataclass
class Escalation(Aggregate):
    trigger_event_id: str
    rule: str
    event_type: str
    payload: dict
    after_minutes: tuple
    role: str
    channels: tuple
    triggered_at: Optional[datetime] = None
    grid_code: Optional[str] = None     # the grid whose holders were told last (None: no grid yet)
    step: int = 0
    status: str = OPEN
    next_at: Optional[datetime] = None
    closed_at: Optional[datetime] = None
    urgent: bool = False                # its notices go through quiet hours, as the first ones did
    id: str = field(default_factory=new_id)

    @classmethod
    def open(cls, trigger_event_id, rule, event_type, payload, policy, told_grid, now, triggered_at=None,
             urgent=False):
        return cls(trigger_event_id=trigger_event_id, rule=rule, event_type=event_type, payload=payload,
                   after_minutes=tuple(policy.after_minutes), role=policy.role, channels=tuple(policy.channels),
                   triggered_at=triggered_at, grid_code=told_grid, urgent=urgent,
                   next_at=now + timedelta(minutes=policy.after_minutes[0]))

    def next_grid(self, parent_of):
        """Where to look for the next level: the event's grid while no grid was told, else one up."""
        return self.payload.get("grid_code") if self.grid_code is None else parent_of(self.grid_code)

    def escalate(self, grid_code, recipients, now, has_parent):
        """The holders in grid_code (recipients: their keys) were told: the next wait starts, or this
        was the last level."""
        self.step += 1
        self.grid_code = grid_code
        self.record("notification.escalated", trigger_event_id=self.trigger_event_id, event_type=self.event_type,
                    rule=self.rule, step=self.step, grid_code=grid_code, role=self.role,
                    recipients=list(recipients), at=now)
        if self.step < len(self.after_minutes) and has_parent:
            self.next_at = now + timedelta(minutes=self.after_minutes[self.step])
        else:
            self.exhaust(now)

    def exhaust(self, now):
        """Nobody further up to tell, or no more steps: it stays unacknowledged, in the log."""
        self.status, self.next_at, self.closed_at = EXHAUSTED, None, now

    def acknowledge(self, now):
        if self.status == OPEN:
            self.status, self.next_at, self.closed_at = ACKNOWLEDGED, None, now
