"""Notifications HTTP input (the deliveries' query string, strict and bounded) and output."""
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from safecommunity.text import text_problem

RECIPIENT_MAX = 120  # as wide as the deliveries table's column


def valid_text(value):
    if reason := text_problem(value):
        raise ValidationError(reason)


class DeliveryQuerySchema(Schema):
    """recipient, and limit and offset (read by paging()); nothing else."""

    class Meta:
        unknown = RAISE

    recipient = fields.String(validate=[validate.Length(max=RECIPIENT_MAX), valid_text])
    limit = fields.String(validate=[validate.Length(max=20), valid_text])
    offset = fields.String(validate=[validate.Length(max=20), valid_text])


class DeliverySchema(Schema):
    id = fields.String()
    trigger_event_id = fields.String()
    channel = fields.String()
    recipient = fields.String()
    subject = fields.String()
    body = fields.String()
    status = fields.String()
    created_at = fields.DateTime()
