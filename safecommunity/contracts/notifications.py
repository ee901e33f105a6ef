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


class NotificationAcknowledgedSchema(Payload):
    notification_id = fields.String(required=True)
    trigger_event_id = fields.String(required=True)
    channel = fields.String(required=True)
    recipient = fields.String(required=True)
    acknowledged_at = fields.DateTime(required=True)
    seconds_after_sent = fields.Float(allow_none=True)  # the time to acknowledge (a KPI for major hazards)
    # what the notice was about, when it asked for action (the KPI needs major hazards apart)
    event_type = fields.String(allow_none=True, load_default=None)
    severity = fields.String(allow_none=True, load_default=None)


class NotificationEscalatedSchema(Payload):
    """Nobody acknowledged the event's notices within the policy's wait: the holders of `role` in
    `grid_code` (the next level up) were told. recipients are keys (person:…), never names."""
    trigger_event_id = fields.String(required=True)
    event_type = fields.String(required=True)
    rule = fields.String(required=True)
    step = fields.Integer(required=True)
    grid_code = fields.String(required=True)
    role = fields.String(required=True)
    recipients = fields.List(fields.String(), required=True)
    at = fields.DateTime(required=True)


class AlertIssuedSchema(Payload):
    """A public warning (CAP 1.2, served by notifications) for the grids it names: public text only."""
    identifier = fields.String(required=True)
    kind = fields.String(required=True)      # warnings.KINDS: rainstorm, typhoon…
    colour = fields.String(required=True)    # blue, yellow, orange, red
    status = fields.String(required=True)    # CAP's: Actual, Exercise, System, Test, Draft
    msg_type = fields.String(required=True)  # Alert, Update, Cancel
    grid_codes = fields.List(fields.String(), required=True)
    headline = fields.String(required=True)
    effective = fields.DateTime(required=True)
    expires = fields.DateTime(required=True)
    sent = fields.DateTime(required=True)


EVENTS = (
    EventSpec("notification.sent", "notifications", NotificationSentSchema(), 1, ("reports",),
              "A notification was delivered on a channel and written to the delivery log."),
    EventSpec("notification.failed", "notifications", NotificationFailedSchema(), 1, ("reports",),
              "A notification could not be delivered on a channel after its last allowed attempt."),
    EventSpec("notification.acknowledged", "notifications", NotificationAcknowledgedSchema(), 1, ("reports",),
              "The recipient of a notification acknowledged it (read it and acts on it)."),
    EventSpec("notification.escalated", "notifications", NotificationEscalatedSchema(), 1, ("reports",),
              "A notice that asks for action was not acknowledged in time: the next level up was told."),
    EventSpec("alert.issued", "notifications", AlertIssuedSchema(), 1, ("notifications", "reports"),
              "A public warning (CAP 1.2) was issued for some grids; its subscribers are told."),
)
