"""The sender: deliveries due are claimed, handed to their channel, and their answers recorded.

A turn claims up to `batch` deliveries due (locked on PostgreSQL until the commit that records their
answers, so no other replica sends them too), looks their addresses up (the log keeps them masked
only: without_address_now), sends them at the same time, up to `concurrency` at once, and records
every answer in one commit, which publishes notification.sent / .failed (and puts a dead one in the
dead letters: deadletters.py). A slow channel holds the batch's locks for at most one send's
timeout. SMS with the same text (one alert to a thousand parents) go to the gateway `sms_batch`
numbers a call, comma-separated, when the gateway takes that (SMS_BATCH_MAX). The turn goes on
while full batches come, so a fan-out of ten thousand is not sent a batch per timer tick.

A crash between a send and its commit sends the message again at the next turn: at least once,
which a person told twice prefers to never.
"""
import logging
import time
from itertools import groupby

import eventlet

from safecommunity import metrics, sitetime
from safecommunity.database import utcnow

from .acklinks import LINKED
from .channels import Answer, Message
from .domain import DEAD, without_address
from .recipients import COMMITTEE_OFFICE

log = logging.getLogger(__name__)
SERVICE = "notifications"
GROUPED = ("sms",)  # channels whose gateway may take several addresses for one text
TURN_SECONDS = 30   # a turn ends after a batch that starts later than this, leaving the rest to the next


def send_due(store, sending, now=utcnow, clock=time.monotonic):
    """Deliveries due, sent and recorded, batch after batch; those handled."""
    handled, started = [], clock()
    while True:
        claimed = store.deliveries.claim_due(now(), sending.batch)
        if not claimed:
            break
        sent, waiting, held = sortable(claimed, sending, now())
        answers = without_address_now(store, sending, sent)
        answers.update(send_all(sending, [notice for notice in sent if notice.id not in answers],
                                bodies_with_links(store, sending, sent, now())))
        for notice in sent:
            notice.record_answer(answers[notice.id], now(), sending.policy)
        store.deliveries.save_progress(sent + waiting)
        store.dead_deliveries.park([notice for notice in sent if notice.status == DEAD], now())
        store.commit()  # the held ones stay as they were, for the next turn
        for notice in sent:
            observe(notice)
        handled += sent
        if len(claimed) < sending.batch or held or clock() - started > TURN_SECONDS:
            break
    return handled


def sortable(claimed, sending, now):
    """(to send now, held back until quiet hours end, over a channel's rate limit this turn)."""
    sent, waiting, held = [], [], []
    quiet_until = sending.quiet_hours.until(now) if sending.quiet_hours else None
    for notice in claimed:
        if quiet_until and notice.channel == "sms" and not notice.urgent:
            notice.defer(quiet_until, f"quiet hours: held until {sitetime.local(quiet_until):%H:%M}")
            waiting.append(notice)
        elif notice.urgent or sending.limiter.take(notice.channel):
            sent.append(notice)
        else:
            held.append(notice)
    return sent, waiting, held


def without_address_now(store, sending, notices):
    """Each notice given its recipient's address as it is now (the delivery log keeps none in
    clear: a queued delivery, a retry and a replayed dead one alike are looked up here, in one query
    a batch); {delivery id: Answer} for those with none any more, which die with that reason."""
    office = dict(sending.office_channels)
    wanted = [(notice.recipient, notice.channel) for notice in notices if notice.recipient != COMMITTEE_OFFICE]
    found = store.contacts(sending.sealer).many(wanted) if wanted else {}
    missing = {}
    for notice in notices:
        key = (notice.recipient, notice.channel)
        address = office.get(notice.channel) if notice.recipient == COMMITTEE_OFFICE else found.get(key)
        if address:
            notice.send_to(address)
        else:
            missing[notice.id] = Answer(False, f"no {notice.channel} address for {notice.recipient} any more")
    return missing


def bodies_with_links(store, sending, notices, now):
    """{delivery id: body with its acknowledgement link} for the notices that ask for action (their
    event has an escalation) on a channel whose text carries one (acklinks.py). The link is in what
    goes out only, not in the log."""
    linked = [notice for notice in notices if notice.channel in LINKED]
    if not linked or sending.links.base_url is None:
        return {}
    asking = store.escalations.asking({notice.trigger_event_id for notice in linked})
    return {notice.id: sending.links.added(notice, now) for notice in linked if notice.trigger_event_id in asking}


def send_all(sending, notices, bodies=None):
    """{delivery id: Answer} for the notices, sent concurrently, grouped where the channel allows;
    bodies: {delivery id: the text to send in place of its body}."""
    pool, answers, bodies = eventlet.GreenPool(max(1, sending.concurrency)), {}, bodies or {}

    def send(group):
        answer = send_one(sending.channels, group, bodies.get(group[0].id))
        answers.update({notice.id: answer for notice in group})
    for group in groups(notices, sending.sms_batch):
        pool.spawn_n(send, group)
    pool.waitall()
    return answers


def groups(notices, most):
    """Lists of notices sent as one message: alone, or up to `most` SMS with the same text."""
    alone = [[notice] for notice in notices if notice.channel not in GROUPED or most <= 1]
    def text(notice):
        return notice.channel, notice.subject, notice.body
    grouped = sorted((n for n in notices if n.channel in GROUPED and most > 1), key=text)
    for _, same in groupby(grouped, key=text):
        same = list(same)
        alone += [same[start:start + most] for start in range(0, len(same), most)]
    return alone


def send_one(channels, group, body=None):
    first = group[0]
    channel = channels.get(first.channel)
    if channel is None:  # settings missing now may be set at the next start: worth another try
        return Answer(False, f"the {first.channel} channel is not configured", retryable=True)
    address = ",".join(notice.address for notice in group)
    try:
        answer = channel.send(Message(address, first.subject, body or first.body))
        # each notice's answer goes in its own log and events: with no one else's number in it
        return Answer(answer.ok, without_address(answer.text, address), answer.retryable)
    except Exception as exc:  # an adapter's bug must not stop the batch, nor lose the attempt
        log.exception("the %s channel failed on delivery %s", first.channel, first.id)
        return Answer(False, f"{type(exc).__name__}: {exc}"[:1000], retryable=True)


def observe(notice):
    metrics.NOTIFICATIONS_SENT.labels(SERVICE, notice.channel, notice.status).inc()
    if notice.sent_at and notice.triggered_at:
        metrics.NOTIFICATION_LATENCY.labels(SERVICE, notice.channel).observe(
            max(0.0, (notice.sent_at - notice.triggered_at).total_seconds()))
