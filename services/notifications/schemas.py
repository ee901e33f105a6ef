"""Notifications HTTP output."""
from marshmallow import Schema, fields


class DeliverySchema(Schema):
    id = fields.String()
    trigger_event_id = fields.String()
    channel = fields.String()
    recipient = fields.String()
    subject = fields.String()
    body = fields.String()
    status = fields.String()
    created_at = fields.DateTime()
