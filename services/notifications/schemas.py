"""Notifications HTTP input (strict and bounded) and output (contact addresses masked)."""
from marshmallow import RAISE, Schema, fields, validate

from safecommunity.text import ValidText

from .escalation import ACKNOWLEDGED, EXHAUSTED, OPEN
from .rules import FilterField, schedule_fields
from .subscriptions import CHANNELS, EVENT_TYPES

RECIPIENT_MAX = 120  # as wide as the deliveries table's column


# A recipient one can give an address or a subscription: a person (the registry's key for a person
# in a role), a department or a unit. The committee office's addresses are settings (NOTIFY_OFFICE_*).
RECIPIENT = validate.Regexp(r"^(person|department|unit):[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
                            error="person:<key>, department:<code> or unit:<id>")


def recipient_in_path(value):
    """The recipient key in a path, checked as the body's would be (a 400 naming it)."""
    return Strict.from_dict({"recipient": fields.String(validate=RECIPIENT)})().load({"recipient": value})["recipient"]


ADDRESS_RULES = {  # channel -> what its address looks like
    "email": validate.Email(error="an e-mail address"),
    "sms": validate.Regexp(r"^\+?[0-9]{5,20}$", error="a phone number: digits, maybe a leading +"),
    "dingtalk": validate.Regexp(r"^[A-Za-z0-9_-]{8,100}(@[A-Za-z0-9_-]{8,100})?$",
                                error="the robot's access token, or secret@token"),
    "wecom": validate.Regexp(r"^[A-Za-z0-9_-]{8,100}$", error="the robot's key"),
    "feishu": validate.Regexp(r"^[A-Za-z0-9_-]{8,100}$", error="the hook's token"),
    "webhook": validate.URL(schemes={"http", "https"}, require_tld=False, error="an http(s) URL"),
}
CONTACT_CHANNELS = tuple(ADDRESS_RULES)


class Strict(Schema):
    class Meta:
        unknown = RAISE


# {channel: address}; null takes an address away. in_app needs none.
ContactsSchema = Strict.from_dict({
    channel: fields.String(allow_none=True, validate=[validate.Length(max=300), ValidText(), rule])
    for channel, rule in ADDRESS_RULES.items()}, name="ContactsSchema")


class SubscribeSchema(Strict):
    recipient = fields.String(required=True, validate=[validate.Length(max=RECIPIENT_MAX), ValidText(), RECIPIENT])
    event_type = fields.String(required=True, validate=validate.OneOf(EVENT_TYPES))
    filter = FilterField(load_default=dict)
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)), required=True,
                           validate=validate.Length(min=1, max=len(CHANNELS)))
    frequency, hour, weekday = schedule_fields()


class RecipientQuerySchema(Strict):
    recipient = fields.String(validate=[validate.Length(max=RECIPIENT_MAX), ValidText()])
    limit = fields.String(validate=[validate.Length(max=20), ValidText()])
    offset = fields.String(validate=[validate.Length(max=20), ValidText()])


class LoginsSchema(Strict):
    """The logins (tokens' subjects) that open this recipient's inbox; [] takes them all away."""
    subjects = fields.List(fields.String(validate=[validate.Length(min=1, max=120), ValidText()]), required=True,
                           validate=validate.Length(max=20))


class InboxQuerySchema(Strict):
    unread = fields.Boolean()
    limit = fields.String(validate=[validate.Length(max=20), ValidText()])
    offset = fields.String(validate=[validate.Length(max=20), ValidText()])


class HoldersQuerySchema(Strict):
    role = fields.String(required=True, validate=[validate.Length(max=40), ValidText()])
    grid_code = fields.String(validate=[validate.Length(max=40), ValidText()])


class EscalationQuerySchema(Strict):
    status = fields.String(validate=validate.OneOf((OPEN, ACKNOWLEDGED, EXHAUSTED)))
    limit = fields.String(validate=[validate.Length(max=20), ValidText()])
    offset = fields.String(validate=[validate.Length(max=20), ValidText()])


class SubscriptionSchema(Schema):
    id = fields.String()
    name = fields.String()
    label = fields.String()
    recipient = fields.Function(lambda s: s.recipient if s.created_by != "rules" else None)
    to = fields.List(fields.Dict())   # a rule's recipient specs (recipients.py)
    event_type = fields.String()
    filter = fields.Dict()
    channels = fields.List(fields.String())
    frequency = fields.String()
    hour = fields.Integer()
    weekday = fields.Integer()
    asks_action = fields.Boolean()
    escalation = fields.Function(lambda s: s.escalation and vars(s.escalation))
    created_by = fields.String()
    created_at = fields.DateTime()


class EscalationSchema(Schema):
    id = fields.String()
    trigger_event_id = fields.String()
    rule = fields.String()
    event_type = fields.String()
    grid_code = fields.String()       # the level told last
    step = fields.Integer()
    status = fields.String()          # open, acknowledged or exhausted (the top was told)
    next_at = fields.DateTime()
    closed_at = fields.DateTime()


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
    address = fields.String(attribute="address_masked")  # the log keeps no address in clear
    attempts = fields.Integer()
    next_attempt_at = fields.DateTime()
    last_answer = fields.String()     # the channel's answer to the last attempt
    sent_at = fields.DateTime()
    acknowledged_at = fields.DateTime()
    acknowledged_by = fields.String()
    read_at = fields.DateTime()       # in-app: when its recipient opened it
