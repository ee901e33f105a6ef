"""Dead deliveries in the backbone's dead letters, where an operator looks for what failed
(`safecommunity dead-letters list / show / replay`, `GET /api/notifications/dead-letters`).

A delivery that ends `dead` after a send (out of attempts, or an answer that will not change) is
also a dead-letter row of notifications' own database, written in the commit that records its
answer: consumer `notifications.deliveries`, type `notification.delivery`, the delivery's id as its
event id, and as its body the delivery's id, event, channel, recipient key, attempts and reason:
never its address (the reason has it taken out, as notification.failed does). Replaying the row
sets it back to `retrying`, as for any dead letter; no event handler claims this consumer's rows:
the sender's next turn does, queues the delivery again with fresh attempts, and resolves the row.
A notice dead at once for want of an address is not a dead letter: there is nothing to retry until
someone gives the address. Pure Python."""
import json

CONSUMER = "notifications.deliveries"
KIND = "notification.delivery"


def letter_of(notice):
    """The dead letter's body: what an operator needs to find the delivery and why it failed."""
    return json.dumps({"delivery_id": notice.id, "trigger_event_id": notice.trigger_event_id,
                       "channel": notice.channel, "recipient": notice.recipient, "attempts": notice.attempts,
                       "reason": notice.last_answer}, ensure_ascii=False)
