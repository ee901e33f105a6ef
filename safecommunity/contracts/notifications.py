"""Events notifications publishes."""
from marshmallow import fields

from . import EventSpec, Payload


class NotificationSentSchema(Payload):
    notification_id = fields.String(required=True)
    trigger_event_id = fields.String(required=True)
    channel = fields.String(required=True)
    recipient = fields.String(required=True)
    subject = fields.String(required=True)


EVENTS = (
    EventSpec("notification.sent", "notifications", NotificationSentSchema(), 1, ("reports",),
              "A notification was delivered on a channel and written to the delivery log."),
)
