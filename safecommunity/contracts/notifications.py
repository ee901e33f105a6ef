"""Events notifications publishes. None carries a contact address or a person's name: recipient is
the recipient's key (a role, a department), and the address stays in notifications' database."""
from marshmallow import fields

from . import EventSpec, Payload


class NotificationSentSchema(Payload):
    notification_id = fields.String(required=True)
    trigger_event_id = fields.String(required=True)
    channel = fields.String(required=True)
    recipient = fields.String(required=True)
    subject = fields.String(required=True)


class NotificationFailedSchema(Payload):
    notification_id = fields.String(required=True)
    trigger_event_id = fields.String(required=True)
    channel = fields.String(required=True)
    recipient = fields.String(required=True)
    attempts = fields.Integer(required=True)
    reason = fields.String(required=True)  # the channel's last answer


EVENTS = (
    EventSpec("notification.sent", "notifications", NotificationSentSchema(), 1, ("reports",),
              "A notification was delivered on a channel and written to the delivery log."),
    EventSpec("notification.failed", "notifications", NotificationFailedSchema(), 1, ("reports",),
              "A notification could not be delivered on a channel after its last allowed attempt."),
)
