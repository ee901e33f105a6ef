"""The sender: deliveries due are claimed, handed to their channel, and their answer recorded.

A claimed row stays locked (PostgreSQL) until the batch commits, so no other replica sends it too;
the batch is small and every send has a timeout, which bounds how long the locks are held. The
commit that records an answer is the one that publishes notification.sent / notification.failed.
A crash between a send and that commit sends the message again at the next turn: at least once,
which a person prefers to never.
"""
import logging

from safecommunity import metrics
from safecommunity.database import utcnow

from .channels import Answer, Message

log = logging.getLogger(__name__)
SERVICE = "notifications"


def send_due(store, sending, now=utcnow):
    notices = store.deliveries.claim_due(now(), sending.batch)
    for notice in notices:
        answer = send_one(sending.channels, notice)
        notice.record_answer(answer, now(), sending.policy)
        store.deliveries.save_progress(notice)
        observe(notice)
    store.commit()
    return notices


def send_one(channels, notice):
    channel = channels.get(notice.channel)
    if channel is None:  # settings missing now may be set at the next start: worth another try
        return Answer(False, f"the {notice.channel} channel is not configured", retryable=True)
    try:
        return channel.send(Message(notice.address, notice.subject, notice.body))
    except Exception as exc:  # an adapter's bug must not stop the batch, nor lose the attempt
        log.exception("the %s channel failed on delivery %s", notice.channel, notice.id)
        return Answer(False, f"{type(exc).__name__}: {exc}"[:1000], retryable=True)


def observe(notice):
    metrics.NOTIFICATIONS_SENT.labels(SERVICE, notice.channel, notice.status).inc()
    if notice.sent_at and notice.triggered_at:
        metrics.NOTIFICATION_LATENCY.labels(SERVICE, notice.channel).observe(
            max(0.0, (notice.sent_at - notice.triggered_at).total_seconds()))
