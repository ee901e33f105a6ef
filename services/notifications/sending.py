"""The sender: deliveries due are claimed, handed to their channel, and their answer recorded.

One delivery per transaction: its row stays locked (PostgreSQL) from the claim to the commit that
records the answer, so no other replica sends it too, and a slow channel holds one lock for one
send's timeout, not a batch's. That commit publishes notification.sent / notification.failed. A
crash between a send and its commit sends the message again at the next turn: at least once, which
a person told twice prefers to never.
"""
import logging

from safecommunity import metrics
from safecommunity.database import utcnow

from .channels import Answer, Message

log = logging.getLogger(__name__)
SERVICE = "notifications"


def send_due(store, sending, now=utcnow):
    """Up to sending.batch deliveries due, each sent and recorded; those handled."""
    handled = []
    while len(handled) < sending.batch:
        claimed = store.deliveries.claim_due(now(), 1)
        if not claimed:
            break
        notice = claimed[0]
        notice.record_answer(send_one(sending.channels, notice), now(), sending.policy)
        store.deliveries.save_progress(notice)
        store.commit()
        observe(notice)
        handled.append(notice)
    return handled


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
