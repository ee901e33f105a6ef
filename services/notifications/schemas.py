"""Notifications HTTP input (the deliveries' query string, strict and bounded) and output."""
from marshmallow import RAISE, Schema, fields, validate

from safecommunity.text import ValidText

RECIPIENT_MAX = 120  # as wide as the deliveries table's column



class DeliveryQuerySchema(Schema):
    """recipient, and limit and offset (read by paging()); nothing else."""

    class Meta:
        unknown = RAISE

    recipient = fields.String(validate=[validate.Length(max=RECIPIENT_MAX), ValidText()])
    limit = fields.String(validate=[validate.Length(max=20), ValidText()])
    offset = fields.String(validate=[validate.Length(max=20), ValidText()])


class DeliverySchema(Schema):
    id = fields.String()
    trigger_event_id = fields.String()
    channel = fields.String()
    recipient = fields.String()
    subject = fields.String()
    body = fields.String()
    status = fields.String()
    created_at = fields.DateTime()
