"""Notifications HTTP input (the deliveries' query string, strict and bounded) and output."""
from urllib.parse import urlsplit

from marshmallow import RAISE, Schema, fields, validate

from safecommunity.text import ValidText

RECIPIENT_MAX = 120  # as wide as the deliveries table's column


def mask(address):
    """Enough of a contact address to tell which one it is, not enough to use it: an answer may be
    read by anyone with notifications:read."""
    return ", ".join(_mask_one(part.strip()) for part in address.split(",") if part.strip())


def _mask_one(address):
    if "://" in address:  # a webhook: the host, never the path (it often holds the secret)
        return f"{urlsplit(address).scheme}://{urlsplit(address).hostname}/…"
    if "@" in address and "." in address.rsplit("@", 1)[1]:  # an e-mail address
        name, domain = address.rsplit("@", 1)
        return f"{name[:1]}***@{domain}"
    if address.lstrip("+").isdigit():  # a phone number: 138****0000
        return address[:3] + "*" * max(len(address) - 7, 1) + address[-4:]
    return address[:4] + "***"  # a bot token or key


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
    status = fields.String()          # in_app: delivered; else queued, sent, retrying or dead
    created_at = fields.DateTime()
    address = fields.Function(lambda notice: mask(notice.address))
    attempts = fields.Integer()
    next_attempt_at = fields.DateTime()
    last_answer = fields.String()     # the channel's answer to the last attempt
    sent_at = fields.DateTime()
    acknowledged_at = fields.DateTime()
    acknowledged_by = fields.String()
