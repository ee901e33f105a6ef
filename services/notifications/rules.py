"""The site's notification rules, read from YAML and checked before the service starts: a rule that
names an unknown event, field, channel or recipient spec stops it, naming the rule (as a broken
template does). The defaults are rules.yaml beside this file; NOTIFY_RULES_FILE replaces them."""
from pathlib import Path

import yaml
from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

from safecommunity.text import ValidText

from .recipients import SPEC_KEYS
from .subscriptions import (
    CHANNELS,
    EVENT_TYPES,
    FILTER_FIELDS,
    FREQUENCIES,
    IMMEDIATELY,
    EscalationPolicy,
    Subscription,
)

DEFAULT_RULES = Path(__file__).with_name("rules.yaml")
NAME = validate.Regexp(r"^[a-z0-9][a-z0-9_.-]{0,79}$", error="1-80 lower-case letters, digits, '-', '_' or '.'")
SPEC_VALUE_MAX = 80


class RulesRefused(Exception):
    """The rules file cannot be used: the message names the file, the rule and the field."""


def _text(max_length):
    return fields.String(validate=[validate.Length(min=1, max=max_length), ValidText()])


class TextOrFlag(fields.Field):
    """A filter's value: a code (short text), or true / false for a flag the payload carries."""

    def _deserialize(self, value, attr, data, **kwargs):
        return value if isinstance(value, bool) else _text(40).deserialize(value)


class FilterField(fields.Dict):
    """{field: [values]} over FILTER_FIELDS; grid_code is one grid (its scope), the others lists."""

    def __init__(self, **kwargs):
        super().__init__(keys=fields.String(validate=validate.OneOf(FILTER_FIELDS)), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        found = super()._deserialize(value, attr, data, **kwargs)
        checked = {}
        for name, values in found.items():
            if name == "grid_code":
                checked[name] = _text(40).deserialize(values)
            else:
                values = [values] if isinstance(values, (str, bool)) else values
                checked[name] = fields.List(TextOrFlag(), validate=validate.Length(min=1, max=50)).deserialize(values)
        return checked


class SpecField(fields.Dict):
    """A recipient spec: exactly one key of recipients.SPEC_KEYS, its value short text (or true)."""

    def _deserialize(self, value, attr, data, **kwargs):
        spec = super()._deserialize(value, attr, data, **kwargs)
        if len(spec) != 1 or next(iter(spec)) not in SPEC_KEYS:
            raise ValidationError(f"name one of {', '.join(SPEC_KEYS)}")
        [(key, spec_value)] = spec.items()
        if key == "office":
            if spec_value is not True:
                raise ValidationError("office: true")
            return spec
        return {key: _text(SPEC_VALUE_MAX).deserialize(spec_value)}


def schedule_fields():
    """frequency, hour and weekday, as rules and subscriptions take them."""
    return (fields.String(load_default=IMMEDIATELY, validate=validate.OneOf(FREQUENCIES)),
            fields.Integer(strict=True, load_default=8, validate=validate.Range(0, 23)),
            fields.Integer(strict=True, load_default=1, validate=validate.Range(1, 7)))


def _channels():
    return fields.List(fields.String(validate=validate.OneOf(CHANNELS)), required=True,
                       validate=validate.Length(min=1, max=len(CHANNELS)))


class EscalationSchema(Schema):
    class Meta:
        unknown = RAISE

    after_minutes = fields.List(fields.Float(validate=validate.Range(0.01, 7 * 24 * 60)),  # tests wait seconds
                                required=True, validate=validate.Length(min=1, max=10))
    role = _text(40)
    channels = _channels()

    @post_load
    def make(self, data, **kwargs):
        return EscalationPolicy(**{key: tuple(value) if isinstance(value, list) else value
                                   for key, value in data.items()})


class RuleSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=NAME)
    label = _text(200)
    event = fields.String(required=True, validate=validate.OneOf(EVENT_TYPES))
    when = FilterField(load_default=dict)
    to = fields.List(SpecField(), required=True, validate=validate.Length(min=1, max=20))
    channels = _channels()
    frequency, hour, weekday = schedule_fields()
    asks_action = fields.Boolean(load_default=False)
    escalation = fields.Nested(EscalationSchema, load_default=None)
    urgent = fields.Boolean(load_default=False)

    @validates_schema
    def escalates_only_what_asks_for_action(self, data, **kwargs):
        if data.get("escalation") and not data.get("asks_action"):
            raise ValidationError("only a notice that asks for action escalates", "escalation")
        if data.get("asks_action") and data.get("frequency") != IMMEDIATELY:
            raise ValidationError("a notice that asks for action is told at once, not in a digest", "frequency")

    @post_load
    def make(self, data, **kwargs):
        return Subscription(event_type=data["event"], to=tuple(data["to"]), channels=tuple(data["channels"]),
                            filter=data["when"], frequency=data["frequency"], hour=data["hour"],
                            weekday=data["weekday"], asks_action=data["asks_action"], escalation=data["escalation"],
                            urgent=data["urgent"],
                            name=data["name"], label=data.get("label", ""), created_by="rules", id=data["name"])


def load(path=None):
    """The rules in the file (the defaults when path is empty), each a Subscription."""
    path = Path(path) if path else DEFAULT_RULES
    try:
        listed = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RulesRefused(f"{path}: {exc}") from None
    if not isinstance(listed, list):
        raise RulesRefused(f"{path}: a list of rules, each a mapping")
    rules = []
    for number, rule in enumerate(listed, 1):
        name = rule.get("name", f"#{number}") if isinstance(rule, dict) else f"#{number}"
        try:
            rules.append(RuleSchema().load(rule))
        except ValidationError as exc:
            raise RulesRefused(f"{path}: rule {name}: {exc.messages}") from None
    names = [rule.name for rule in rules]
    if len(set(names)) != len(names):
        raise RulesRefused(f"{path}: two rules share a name: {sorted({n for n in names if names.count(n) > 1})}")
    return rules
