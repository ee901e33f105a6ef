"""The service's steps with the store: events told to their recipients (at once, or kept for a
digest), escalations moved on, digests sent, a person's inbox, and an acknowledgement that stops an
escalation. Entrypoints (service.py) call these and nothing else."""
from sqlalchemy.exc import IntegrityError

from safecommunity import sitetime
from safecommunity.database import utcnow
from safecommunity.deadletters import REJECTED, RESOLVED
from safecommunity.errors import NotFound

from .acklinks import LinkInvalid
from .digests import compose
from .domain import DEAD, moment
from .fanout import Trigger, escalate, fan_out_all, notice_of
from .recipients import holders_at_or_above, person
from .sending import observe


def tell(store, sending, events):
    """Each event not handled before, told to whoever the rules and subscriptions name."""
    told, subscribed = [], {}
    fresh = store.inbox.claim(events)
    store.directory.read_names(fresh_event.data for fresh_event in fresh)  # one query, not one an event
    store.directory.read_unit_types(fresh_event.data for fresh_event in fresh)
    store.directory.read_holders([fresh_event.data for fresh_event in fresh])
    for event in fresh:
        if event.type == "hazard.reported":
            store.directory.hazard_reported(event.data)
        if event.type not in subscribed:  # once per type and batch
            subscribed[event.type] = list(sending.rules) + store.subscriptions.for_event(event.type)
        trigger = Trigger(event.id, event.type, event.data, moment(event.time), store.directory.names(event.data))
        told.append((trigger, subscribed[event.type]))
    notices, escalations, lines = fan_out_all(told, store.directory, store.contacts(sending.sealer).many,
                                              sending.office_channels, sitetime.today(), utcnow(),
                                              store.directory.names)
    store.deliveries.add_many(notices)
    store.escalations.add_many(escalations)
    store.digests.add_many(lines)
    store.commit()
    observe_done(notices)


def observe_done(notices):
    """Count the notices done as they were made: in-app ones delivered, and those dead for want of
    an address (the sender counts the rest when it sends them)."""
    for notice in notices:
        if notice.sent_at or notice.status == "dead":
            observe(notice)


def escalate_due(store, sending, batch=20):
    """Up to `batch` escalations due, each told to its next level in a transaction of its own."""
    for _ in range(batch):
        escalation = store.escalations.claim_due(utcnow())
        if escalation is None:
            break
        trigger = Trigger(escalation.trigger_event_id, escalation.event_type, escalation.payload,
                          escalation.triggered_at, store.directory.names(escalation.payload))
        notices = escalate(escalation, trigger, store.directory, store.contacts(sending.sealer).many,
                           sitetime.today(), utcnow())
        made = store.deliveries.add_new(notices)
        store.escalations.save(escalation)
        store.commit()
        observe_done(made)


def requeue_replayed(store, now=utcnow):
    """Dead deliveries whose dead letters an operator replayed: queued again with fresh attempts
    (the sender sends them at its turn), and their rows resolved; in one transaction."""
    replayed = store.dead_deliveries.replayed()
    if not replayed:
        return
    for row_id, delivery_id in replayed:
        try:
            notice = store.deliveries.get(delivery_id)
        except NotFound:
            store.dead_deliveries.settle(row_id, REJECTED, f"no delivery {delivery_id} in the log")
            continue
        if notice.status == DEAD:  # else queued again already (a replay twice): nothing more to do
            notice.requeue(now())
            store.deliveries.save_progress([notice])
        store.dead_deliveries.settle(row_id, RESOLVED)
    store.commit()


def own_notice(store, subject, delivery_id):
    """The caller's own notice (a recipient their login reads as), else 404, as if there were none."""
    notice = store.deliveries.get(delivery_id)
    if notice.recipient not in store.logins.recipients(subject):
        raise NotFound(f"no delivery {delivery_id} in your inbox")
    return notice


def read(store, subject, delivery_id):
    notice = own_notice(store, subject, delivery_id)
    notice.read(utcnow())
    store.deliveries.save_read(notice)
    store.commit()
    return notice


def acknowledge(store, delivery_id, by, notice=None):
    notice = notice or store.deliveries.get(delivery_id)
    now = utcnow()
    asked = store.escalations.of_trigger(notice.trigger_event_id)  # what it asked action for, if it did
    notice.acknowledge(by, now, asked and asked.event_type, asked and asked.payload.get("severity"))
    store.deliveries.save_acknowledgement(notice)
    store.escalations.acknowledge_all(notice.trigger_event_id, now)
    store.commit()
    return notice


def linked_notice(store, links, token):
    """The notice an acknowledgement link names, if it is still its recipient's (400, 410, 404)."""
    delivery_id, recipient = links.read(token)
    notice = store.deliveries.get(delivery_id)
    if notice.recipient != recipient:
        raise LinkInvalid("this acknowledgement link is not for this notice's recipient")
    return notice


def acknowledge_by_link(store, links, token):
    """As the inbox's acknowledgement, by the link's recipient: the link is their credential, so
    they are who acknowledged (acknowledged_by, and the envelope's actor)."""
    notice = linked_notice(store, links, token)
    store.actor = notice.recipient
    return acknowledge(store, notice.id, notice.recipient, notice)


def holders(store, role, grid_code=None):
    """Who notifications would tell in a role today: from grid_code upwards to the nearest grid with
    someone in it, or everywhere without a grid. What an operator checks when someone was not told."""
    day = sitetime.today()
    if grid_code:
        grid, found = holders_at_or_above(store.directory, role, grid_code, day)
    else:
        grid, found = None, [h for h in store.directory.holders(role) if h.active_on(day)]
    return {"role": role, "grid_code": grid, "recipients": [person(h.person_key) for h in found]}


def send_digests(store, sending, now=utcnow):
    """For each recipient and channel with lines pending whose period has come due and has no
    digest yet: one notice with them all, in a transaction of its own. The delivery log's unique key
    (the period's, the channel, the recipient) stops a second replica making it too."""
    for recipient, channel, schedule in store.digests.bundles():
        period = schedule.period(now())
        lines = store.digests.pending(recipient, channel, schedule)
        if not lines or store.deliveries.exists(period, channel, recipient):
            continue
        subject, body = compose(channel, schedule, lines, now())
        trigger = Trigger(period, "digest", {})
        addresses = {} if channel == "in_app" else store.contacts(sending.sealer).many([(recipient, channel)])
        made = notice_of(trigger, recipient, channel, subject, body, addresses)
        store.digests.sent(lines, period)
        try:
            store.deliveries.add_many([made])
            store.commit()
        except IntegrityError:  # another replica made this period's digest first
            store.rollback()
            continue
        observe_done([made])
