"""Indicators' HTTP input and output. A condition on a counted event's field is checked against
the producer's own payload schema (safecommunity.contracts): a field it does not carry, or a code
outside its list (`cause: falls` for `fall`), is a 400 naming the field, not an indicator that
silently never counts."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from safecommunity.catalogue import CATALOGUE

from ..indicators import COUNTABLE, DENOMINATORS, DIRECTIONS, NOT_CONDITIONS, SHARES
from .common import (
    MOST_LISTED,
    SHORT_MAX,
    Query,
    Strict,
    code,
    day,
    figure,
    filled,
    one_of,
    text,
    unique_codes,
)

MOST_FACTOR = 1_000_000
AGES = validate.Range(0, 150)


def condition_problem(field, condition):
    """Why a condition cannot apply to a payload's field, or None."""
    if isinstance(condition, dict):
        if not isinstance(field, fields.Number):
            return "a {min, max} range is for a number"
        if not condition or set(condition) - {"min", "max"}:
            return "a range has min, max or both"
        if any(not isinstance(v, (int, float)) or isinstance(v, bool) for v in condition.values()):
            return "min and max are numbers"
        if condition.get("min", 0) > condition.get("max", condition.get("min", 0)):
            return "min must not be above max"
        return None
    values = condition if isinstance(condition, list) else [condition]
    if not values or len(values) > MOST_LISTED:
        return f"list 1 to {MOST_LISTED} values"
    for value in values:
        try:
            field.deserialize(value)
        except ValidationError as exc:
            return f"{value!r}: {' '.join(exc.messages) if isinstance(exc.messages, list) else exc.messages}"
    return None


class CountsSchema(Strict):
    event = one_of(tuple(COUNTABLE), required=True)
    where = fields.Dict(keys=fields.String(validate=validate.Length(1, 40)), load_default=dict,
                        validate=validate.Length(max=20))

    @validates_schema
    def _conditions_fit_the_event(self, data, **_):
        payload = CATALOGUE[data["event"]].schema.fields
        problems = {}
        for name, condition in data.get("where", {}).items():
            if name not in payload or name in NOT_CONDITIONS:
                allowed = sorted(set(payload) - NOT_CONDITIONS)
                problems[name] = [f"{data['event']} cannot be counted by {name}; use one of {', '.join(allowed)}"]
            elif problem := condition_problem(payload[name], condition):
                problems[name] = [problem]
        if problems:
            raise ValidationError({"where": problems})

    def load(self, *args, **kwargs):
        loaded = super().load(*args, **kwargs)
        loaded["where"] = {name: c if isinstance(c, (dict, list)) else [c] for name, c in loaded["where"].items()}
        return loaded


class ShareSchema(Strict):
    of = one_of(tuple(SHARES), required=True)
    type = code()                        # facilities: the facility type (gas_alarm)
    status = unique_codes()              # facilities: the statuses that count as the share (in_order)

    @validates_schema
    def _facilities_name_a_type(self, data, **_):
        if data["of"] == "facilities":
            missing = {name: ["a share of facilities names it"] for name in ("type", "status") if not data.get(name)}
            if missing:
                raise ValidationError(missing)
        elif data.get("type") or data.get("status"):
            raise ValidationError({"type": ["only a share of facilities has a type and status"]})


class AgeSchema(Strict):
    min = fields.Integer(strict=True, validate=AGES)
    max = fields.Integer(strict=True, validate=AGES)


class ResidentsSchema(Strict):
    tag = code()
    age = fields.Nested(AgeSchema)
    sex = one_of(("male", "female"))
    residence_type = code()


class UnitsSchema(Strict):
    type = code(required=True)


class PerSchema(Strict):
    residents = fields.Nested(ResidentsSchema)
    units = fields.Nested(UnitsSchema)

    @validates_schema
    def _one_denominator(self, data, **_):
        if len(data) != 1:
            raise ValidationError(f"name one of {', '.join(DENOMINATORS)}")


class BaselineSchema(Strict):
    figure = figure(required=True)
    period = filled(SHORT_MAX, required=True)
    source = filled(SHORT_MAX, required=True)


class TargetSchema(Strict):
    value = figure(required=True)
    direction = one_of(tuple(DIRECTIONS), required=True)
    due_on = day(allow_none=True, load_default=None)


class DefineIndicatorSchema(Strict):
    code = code(required=True)
    name = filled(required=True)
    unit = text(40, allow_none=True, load_default=None)
    counts = fields.Nested(CountsSchema, load_default=None)
    share = fields.Nested(ShareSchema, load_default=None)
    per = fields.Nested(PerSchema, load_default=None)
    grids = unique_codes(load_default=list)
    factor = fields.Float(allow_nan=False, validate=validate.Range(min=0, max=MOST_FACTOR, min_inclusive=False))
    baseline = fields.Nested(BaselineSchema, load_default=None)
    target = fields.Nested(TargetSchema, load_default=None)

    @validates_schema
    def _counts_or_share(self, data, **_):
        if bool(data.get("counts")) == bool(data.get("share")):
            raise ValidationError({"counts": ["an indicator either counts events or is a share (name one)"]})
        if data.get("per") and data.get("share"):
            raise ValidationError({"per": ["a share has its own denominator"]})


class IndicatorQuerySchema(Query):
    since = fields.String(data_key="from", validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$"))
    until = fields.String(data_key="to", validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$"))


class ValueSchema(Schema):
    month = fields.String()
    numerator, denominator, value = fields.Float(), fields.Float(allow_none=True), fields.Float(allow_none=True)
    on_target = fields.Boolean(allow_none=True)


class IndicatorSchema(Schema):
    id, project_id, code, name, kind = (fields.String() for _ in range(5))
    unit = fields.String(allow_none=True)
    counts, share, per = (fields.Dict(allow_none=True) for _ in range(3))
    grids = fields.List(fields.String())
    factor = fields.Float()
    baseline, target = fields.Dict(allow_none=True), fields.Dict(allow_none=True)
    created_by, created_at = fields.String(allow_none=True), fields.DateTime(allow_none=True)
    latest = fields.Nested(ValueSchema, allow_none=True)
    values = fields.List(fields.Nested(ValueSchema))

