"""Incidents HTTP input and output. Requests are strict: unknown fields are refused."""
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from safecommunity.contracts import RESIDENCE_TYPES, SEXES
from safecommunity.contracts import incidents as contracts

from .domain import check_case

MAX_BATCH = 1000


def one_of(choices):
    return validate.OneOf(choices)


class ReportInjurySchema(Schema):
    class Meta:
        unknown = RAISE

    source = fields.String(required=True, validate=validate.Length(min=1, max=60))
    external_id = fields.String(required=True, validate=validate.Length(min=1, max=60))
    grid_code = fields.String(load_default=None, allow_none=True)
    injury_time = fields.AwareDateTime(required=True)
    visit_time = fields.AwareDateTime(required=True)
    sex = fields.String(required=True, validate=one_of(SEXES))
    age = fields.Integer(required=True, strict=True, validate=validate.Range(0, 120))
    residence_type = fields.String(required=True, validate=one_of(RESIDENCE_TYPES))
    cause = fields.String(required=True, validate=one_of(contracts.CAUSES))
    intent = fields.String(required=True, validate=one_of(contracts.INTENTS))
    place = fields.String(required=True, validate=one_of(contracts.PLACES))
    activity = fields.String(required=True, validate=one_of(contracts.ACTIVITIES))
    nature = fields.String(required=True, validate=one_of(contracts.NATURES))
    body_part = fields.String(required=True, validate=one_of(contracts.BODY_PARTS))
    severity = fields.String(required=True, validate=one_of(contracts.SEVERITIES))
    outcome = fields.String(required=True, validate=one_of(contracts.OUTCOMES))
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))

    @validates_schema(skip_on_field_errors=True)
    def card_rules(self, data, **_kwargs):
        errors = check_case(data)
        if errors:
            raise ValidationError(errors)


class BatchSchema(Schema):
    class Meta:
        unknown = RAISE

    cases = fields.List(fields.Dict(), required=True,
                        validate=validate.Length(min=1, max=MAX_BATCH,
                                                 error=f"send 1 to {MAX_BATCH} cases"))


class InjuryCaseSchema(Schema):
    id = fields.String()
    source = fields.String()
    external_id = fields.String()
    grid_code = fields.String(allow_none=True)
    injury_time = fields.DateTime()
    visit_time = fields.DateTime()
    sex = fields.String()
    age = fields.Integer()
    residence_type = fields.String()
    cause = fields.String()
    intent = fields.String()
    place = fields.String()
    activity = fields.String()
    nature = fields.String()
    body_part = fields.String()
    severity = fields.String()
    outcome = fields.String()
    description = fields.String(allow_none=True)
