"""From an event to its notices: the rules and subscriptions it matches, their recipients resolved
now, one notice per recipient and channel (each once, however many rules name it), and an
escalation for each rule whose notice asks for action. Pure Python: the directory (who holds which
role where) and the address book are passed in."""
from dataclasses import dataclass, replace

from .domain import Notification, rendered
from .escalation import Escalation
from .recipients import COMMITTEE_OFFICE, holders_at_or_above, resolve_all
from .templates import ESCALATED_MARK


@dataclass(frozen=True)
class Trigger:
    """The event being told: its id, type, payload, time (for latency) and looked-up names."""
    event_id: str
    event_type: str
    payload: dict
    triggered_at: object = None
    names: tuple = ()  # (kind, name) pairs for the templates (grid, department)


def fan_out(trigger, subscriptions, directory, addresses, office_channels, day, now, names_of=None):
    """(notices, escalations) for one event. addresses(recipient, channel) -> address or None;
    office_channels: the committee office's (channel, address) pairs from the settings; names_of(payload):
    the names for one grid's notices of an event about several grids."""
    triggers = per_grid(trigger, names_of)
    notices, escalations, told = [], [], set()
    for subscription in subscriptions:
        matched = False
        for grid_trigger in triggers:
            payload = grid_trigger.payload
            if not subscription.matches(trigger.event_type, payload, directory):
                continue
            matched = True
            for recipient in resolve_all(subscription.to, payload, directory, day):
                extra = tuple(channel for channel, _ in office_channels) if recipient == COMMITTEE_OFFICE else ()
                for channel in dict.fromkeys(subscription.channels + extra):
                    if (recipient, channel) not in told:
                        told.add((recipient, channel))
                        notices.append(notice(grid_trigger, recipient, channel, addresses, office_channels))
        if matched and subscription.asks_action and subscription.escalation:
            escalations.append(Escalation.open(
                trigger.event_id, subscription.name, trigger.event_type, trigger.payload, subscription.escalation,
                told_grid(subscription, trigger.payload, directory, day), now, trigger.triggered_at))
    return notices, escalations


def per_grid(trigger, names_of=None):
    """An event about several grids (a public alert's grid_codes) is told grid by grid, each with its
    grid_code and names, so a subscription's grid scope and a role's grid work as for any other
    event; a recipient in several of them is told once."""
    if "grid_codes" not in trigger.payload:
        return [trigger]
    payloads = [{**trigger.payload, "grid_code": code} for code in dict.fromkeys(trigger.payload["grid_codes"])]
    return [replace(trigger, payload=payload, names=names_of(payload) if names_of else trigger.names)
            for payload in payloads]


def told_grid(subscription, payload, directory, day):
    """The grid whose holders of the policy's role this rule told (escalation starts above it)."""
    role = subscription.escalation.role
    if {"role": role} in subscription.to and payload.get("grid_code"):
        return holders_at_or_above(directory, role, payload["grid_code"], day)[0]
    return None


def notice(trigger, recipient, channel, addresses, office_channels=(), mark=""):
    subject, body = rendered(trigger.event_type, channel, trigger.payload, dict(trigger.names))
    subject, body = (mark + subject if subject else subject), mark + body
    if channel == "in_app":
        return Notification.deliver_in_app(trigger.event_id, recipient, subject, body, trigger.triggered_at)
    address = dict(office_channels).get(channel) if recipient == COMMITTEE_OFFICE else addresses(recipient, channel)
    if not address:
        return Notification.undeliverable(trigger.event_id, channel, recipient, subject, body,
                                          f"no {channel} address for {recipient}", trigger.triggered_at)
    return Notification.queue(trigger.event_id, channel, recipient, address, subject, body, trigger.triggered_at)


def escalate(escalation, trigger, directory, addresses, day, now):
    """The next level's notices for an escalation that is due (and the escalation moved on)."""
    grid, holders = holders_at_or_above(directory, escalation.role, escalation.next_grid(directory.parent_of), day)
    if grid is None:
        escalation.exhaust(now)
        return []
    recipients = list(dict.fromkeys(f"person:{holder.person_key}" for holder in holders))
    notices = [notice(trigger, recipient, channel, addresses, mark=ESCALATED_MARK)
               for recipient in recipients for channel in escalation.channels]
    escalation.escalate(grid, recipients, now, has_parent=directory.parent_of(grid) is not None)
    return notices
