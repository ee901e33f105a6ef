"""From an event to its notices: the rules and subscriptions it matches, their recipients resolved
now, one notice per recipient and channel (each once, however many rules name it) or a line kept for
their digest, and an escalation for each rule whose notice asks for action. Pure Python: the directory (who holds which
role where) and the address book are passed in."""
from collections import defaultdict
from dataclasses import dataclass, field, replace

from .digests import DigestLine
from .domain import Notification, rendered
from .escalation import Escalation
from .recipients import COMMITTEE_OFFICE, grid_and_above, holders_at_or_above, resolve_all
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
    """(notices, escalations, digest lines) for one event. addresses([(recipient, channel)]) ->
    {(recipient, channel): address} for those it has; office_channels: the committee office's
    (channel, address) pairs from the settings; names_of(payload): the names for one grid's notices
    of an event about several grids."""
    return fan_out_all([(trigger, subscriptions)], directory, addresses, office_channels, day, now, names_of)


def fan_out_all(told, directory, addresses, office_channels, day, now, names_of=None):
    """As fan_out, for a batch of (trigger, its subscriptions): routed one by one, then every
    address the batch needs looked up at once (a query, not one an event), then the notices."""
    routed = [(trigger, route(trigger, subscriptions, directory, office_channels, day, names_of))
              for trigger, subscriptions in told]
    found = addresses(list(dict.fromkeys(key for _, routes in routed for key in routes.now
                                         if key[1] != "in_app" and key[0] != COMMITTEE_OFFICE)))
    found.update({(COMMITTEE_OFFICE, channel): address for channel, address in office_channels})
    notices, escalations, lines = [], [], []
    for trigger, routes in routed:
        made, opened, kept = made_of(trigger, routes, directory, found, day, now)
        notices += made
        escalations += opened
        lines += kept
    return notices, escalations, lines


def made_of(trigger, routes, directory, found, day, now):
    """(notices, escalations, digest lines) of one event's routes; found: its addresses."""
    texts = {}  # one render per grid and channel: a grid's ten subscribers read the same words
    notices = [notice(grid_trigger, *key, found, texts=texts, urgent=key in routes.urgent)
               for key, grid_trigger in routes.now.items()]
    escalations = [Escalation.open(trigger.event_id, subscription.name, trigger.event_type, trigger.payload,
                                   subscription.escalation, told_grid(subscription, trigger.payload, directory, day),
                                   now, trigger.triggered_at, subscription.urgent)
                   for subscription in routes.matched.values() if subscription.asks_action and subscription.escalation]
    lines = [DigestLine(recipient, channel, schedule, trigger.event_id, trigger.event_type,
                        text_of(grid_trigger, "in_app", texts)[0])
             for (recipient, channel, schedule), grid_trigger in routes.later.items()]
    return notices, escalations, lines


@dataclass
class Routes:
    """Where one event goes: (recipient, channel) -> the grid's trigger told now, (recipient,
    channel, schedule) -> the one kept for a digest, the pairs made urgent, the subscriptions matched."""
    now: dict = field(default_factory=dict)
    later: dict = field(default_factory=dict)
    urgent: set = field(default_factory=set)
    matched: dict = field(default_factory=dict)


def route(trigger, subscriptions, directory, office_channels, day, names_of=None):
    """The event's routes. Subscriptions are looked up by their grid scope, so an alert for a
    thousand grids and ten thousand subscribers is not ten million comparisons; a recipient named by
    several rules on one channel is told once, urgently if any of them says so."""
    by_scope, routes = defaultdict(list), Routes()
    for subscription in subscriptions:
        if subscription.event_type == trigger.event_type:
            by_scope[subscription.scope].append(subscription)
    for grid_trigger in per_grid(trigger, names_of):
        payload = grid_trigger.payload
        scopes = [None] + grid_and_above(directory, payload.get("grid_code"))
        facts = payload
        for subscription in (s for scope in scopes for s in by_scope.get(scope, ())):
            if "unit_type" in subscription.filter and "unit_type" not in facts:
                facts = {**payload, "unit_type": unit_type_of(payload, directory)}
            if not subscription.matches_fields(facts):
                continue
            routes.matched.setdefault(subscription.name, subscription)
            for recipient in resolve_all(subscription.to, payload, directory, day):
                extra = tuple(channel for channel, _ in office_channels) if recipient == COMMITTEE_OFFICE else ()
                for channel in dict.fromkeys(subscription.channels + extra):
                    if subscription.schedule:  # kept for the recipient's next digest
                        routes.later.setdefault((recipient, channel, subscription.schedule), grid_trigger)
                        continue
                    routes.now.setdefault((recipient, channel), grid_trigger)
                    if subscription.urgent:
                        routes.urgent.add((recipient, channel))
    return routes


def unit_type_of(payload, directory):
    """The type of the unit the event names, or its hazard was reported against (None: no unit, or
    one notifications has not heard of); looked up only for a filter on it."""
    unit_id = payload.get("unit_id") or directory.unit_of_hazard(payload.get("hazard_id"))
    return directory.unit_type(unit_id) if unit_id else None


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


def notice(trigger, recipient, channel, addresses, mark="", texts=None, urgent=False):
    """One notice; addresses: {(recipient, channel): address}; texts: see text_of."""
    return notice_of(trigger, recipient, channel, *text_of(trigger, channel, texts, mark), addresses, urgent)


def text_of(trigger, channel, texts=None, mark=""):
    """(subject, body) for the trigger on the channel; texts: those already rendered, kept there."""
    texts = {} if texts is None else texts
    key = (id(trigger), channel)
    if key not in texts:
        subject, body = rendered(trigger.event_type, channel, trigger.payload, dict(trigger.names))
        texts[key] = (mark + subject if subject else subject), mark + body
    return texts[key]


def notice_of(trigger, recipient, channel, subject, body, addresses, urgent=False):
    """A notice of text already made; addresses: {(recipient, channel): address}."""
    if channel == "in_app":
        return Notification.deliver_in_app(trigger.event_id, recipient, subject, body, trigger.triggered_at)
    address = addresses.get((recipient, channel))
    if not address:
        return Notification.undeliverable(trigger.event_id, channel, recipient, subject, body,
                                          f"no {channel} address for {recipient}", trigger.triggered_at)
    return Notification.queue(trigger.event_id, channel, recipient, address, subject, body, trigger.triggered_at,
                              urgent)


def escalate(escalation, trigger, directory, addresses, day, now):
    """The next level's notices for an escalation that is due (and the escalation moved on)."""
    grid, holders = holders_at_or_above(directory, escalation.role, escalation.next_grid(directory.parent_of), day)
    if grid is None:
        escalation.exhaust(now)
        return []
    recipients = list(dict.fromkeys(f"person:{holder.person_key}" for holder in holders))
    found, texts = addresses([(recipient, channel) for recipient in recipients for channel in escalation.channels]), {}
    notices = [notice(trigger, recipient, channel, found, mark=ESCALATED_MARK, texts=texts, urgent=escalation.urgent)
               for recipient in recipients for channel in escalation.channels]
    escalation.escalate(grid, recipients, now, has_parent=directory.parent_of(grid) is not None)
    return notices
