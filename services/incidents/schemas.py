"""Incidents HTTP input and output. Requests are strict: unknown fields are refused."""
from marshmallow import RAISE, Schema, ValidationError, fields, post_dump, validate, validates_schema

from safecommunity.contracts import RESIDENCE_TYPES, SEXES
from safecommunity.contracts import incidents as contracts

from .codes import codes
from .domain import DETAIL_FIELDS, DISPUTE_STEPS
from .rules import check_case

MAX_BATCH = 1000


def one_of(choices):
    return validate.OneOf(choices)


def text(most, required=False):
    if required:
        return fields.String(required=True, validate=validate.Length(min=1, max=most))
    return fields.String(load_default=None, allow_none=True, validate=validate.Length(max=most))


def coded(name, required=False):
    if required:
        return fields.String(required=True, validate=one_of(codes(name)))
    return fields.String(load_default=None, allow_none=True, validate=one_of(codes(name)))


class Strict(Schema):
    class Meta:
        unknown = RAISE


class CardSchema(Strict):
    """The surveillance card without its identity (source, external id): what an amendment sends."""
    grid_code = fields.String(load_default=None, allow_none=True)
    report_time = fields.AwareDateTime(load_default=None, allow_none=True)
    injury_time = fields.AwareDateTime(required=True)
    visit_time = fields.AwareDateTime(required=True)
    sex = fields.String(required=True, validate=one_of(SEXES))
    age = fields.Integer(required=True, strict=True, validate=validate.Range(0, 120))
    residence_type = fields.String(required=True, validate=one_of(RESIDENCE_TYPES))
    education, occupation, alcohol = coded("education"), coded("occupation"), coded("alcohol")
    cause = fields.String(required=True, validate=one_of(contracts.CAUSES))
    intent = fields.String(required=True, validate=one_of(contracts.INTENTS))
    place = fields.String(required=True, validate=one_of(contracts.PLACES))
    activity = fields.String(required=True, validate=one_of(contracts.ACTIVITIES))
    nature = fields.String(required=True, validate=one_of(contracts.NATURES))
    body_part = fields.String(required=True, validate=one_of(contracts.BODY_PARTS))
    severity = fields.String(required=True, validate=one_of(contracts.SEVERITIES))
    outcome = fields.String(required=True, validate=one_of(contracts.OUTCOMES))
    transport_mode, road_user_role = coded("transport_mode"), coded("road_user_role")
    counterpart, protection = coded("counterpart"), coded("protection")
    fall_type, fall_cause, product_relation = coded("fall_type"), coded("fall_cause"), coded("product_relation")
    description = text(2000)

    @validates_schema(skip_on_field_errors=True)
    def card_rules(self, data, **_kwargs):
        errors = check_case(data)
        if errors:
            raise ValidationError(errors)


class ReportInjurySchema(CardSchema):
    source = text(60, required=True)
    external_id = text(60, required=True)


class AmendInjurySchema(CardSchema):
    reason = text(500, required=True)
    amended_by = text(120, required=True)


class BatchSchema(Strict):
    cases = fields.List(fields.Dict(), required=True,
                        validate=validate.Length(min=1, max=MAX_BATCH, error=f"send 1 to {MAX_BATCH} cases"))


def _items(what):
    """Each item is checked by the intake on its own: one that is not even an object is refused alone."""
    return fields.List(fields.Raw(), required=True,
                       validate=validate.Length(min=1, max=MAX_BATCH, error=f"send 1 to {MAX_BATCH} {what}"))


class AccidentBatchSchema(Strict):
    accidents = _items("accidents")


class PublicOrderBatchSchema(Strict):
    events = _items("events")


class HazardBatchSchema(Strict):
    hazards = _items("hazards")


class QuerySchema(Strict):
    limit, offset = fields.Integer(), fields.Integer()  # read by safecommunity.web.paging
    since, until = fields.AwareDateTime(), fields.AwareDateTime()
    grid_code = fields.String()


class InjuryQuerySchema(QuerySchema):
    cause, intent = fields.String(validate=one_of(contracts.CAUSES)), fields.String(validate=one_of(contracts.INTENTS))
    place = fields.String(validate=one_of(contracts.PLACES))
    severity = fields.String(validate=one_of(contracts.SEVERITIES))
    outcome = fields.String(validate=one_of(contracts.OUTCOMES))
    source = fields.String()


class InjuryCaseSchema(Schema):
    id, source, external_id = fields.String(), fields.String(), fields.String()
    grid_code = fields.String(allow_none=True)
    report_time, injury_time, visit_time = fields.DateTime(allow_none=True), fields.DateTime(), fields.DateTime()
    sex, age, residence_type = fields.String(), fields.Integer(), fields.String()
    cause, intent, place, activity = fields.String(), fields.String(), fields.String(), fields.String()
    nature, body_part, severity, outcome = fields.String(), fields.String(), fields.String(), fields.String()
    description, version, details = fields.String(allow_none=True), fields.Integer(), fields.Dict()

    @post_dump
    def flatten_details(self, data, **_kwargs):
        details = data.pop("details", None) or {}
        return {**data, **{name: details.get(name) for name in DETAIL_FIELDS}}


# -- accidents and public order -------------------------------------------------------------------

class ReportAccidentSchema(Strict):
    source, external_id = text(60, required=True), text(60, required=True)
    kind = fields.String(required=True, validate=one_of(contracts.ACCIDENT_KINDS))
    occurred_at = fields.AwareDateTime(required=True)
    grid_code = fields.String(load_default=None, allow_none=True)
    unit_credit_code, unit_id = text(18), text(36)  # a unit incidents heard of from registry
    unit_name, address, description = text(200), text(300), text(4000)
    deaths = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=100000))
    injuries = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=100000))
    economic_loss = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0))
    mass_casualty = fields.Boolean(load_default=None, allow_none=True)


class AccidentQuerySchema(QuerySchema):
    kind = fields.String(validate=one_of(contracts.ACCIDENT_KINDS))
    mass_casualty = fields.Boolean()
    unit_id = fields.String()


class AccidentSchema(ReportAccidentSchema):
    id = fields.String()


class ReportPublicOrderSchema(Strict):
    source, external_id = text(60, required=True), text(60, required=True)
    kind = fields.String(required=True, validate=one_of(contracts.PUBLIC_ORDER_KINDS))
    occurred_at = fields.AwareDateTime(required=True)
    grid_code = fields.String(load_default=None, allow_none=True)
    address, description = text(300), text(4000)


class PublicOrderQuerySchema(QuerySchema):
    kind = fields.String(validate=one_of(contracts.PUBLIC_ORDER_KINDS))
    stage = fields.String(validate=one_of(DISPUTE_STEPS))


class PublicOrderSchema(ReportPublicOrderSchema):
    id, stage = fields.String(), fields.String(allow_none=True)


class DisputeStepSchema(Strict):
    step = fields.String(required=True, validate=one_of(DISPUTE_STEPS[1:]))
    actor = text(120, required=True)
    note = text(2000)


# -- hazards ----------------------------------------------------------------------------------------

class ReportHazardSchema(Strict):
    source = text(60, required=True)
    external_id = text(60)
    found_by = coded("hazard_found_by", required=True)
    category = fields.String(required=True, validate=one_of(contracts.HAZARD_CATEGORIES))
    severity = fields.String(required=True, validate=one_of(contracts.HAZARD_SEVERITIES))
    description = text(4000, required=True)
    reported_by = text(120, required=True)
    grid_code = fields.String(load_default=None, allow_none=True)
    unit_credit_code, unit_id = text(18), text(36)  # a unit incidents heard of from registry
    unit_name, address, responsible_party = text(200), text(300), text(200)
    latitude = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-90, 90))
    longitude = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-180, 180))


class HazardCommandSchema(Strict):
    actor = text(120, required=True)
    reason = text(2000)
    evidence = fields.List(fields.String(), load_default=list, validate=validate.Length(max=50))


class NotifySchema(HazardCommandSchema):
    responsible_party = text(200)


class VerifySchema(HazardCommandSchema):
    passed = fields.Boolean(required=True)


class EscalateSchema(HazardCommandSchema):
    to_department = text(120, required=True)
    reason = text(2000, required=True)


# action in the URL -> its command schema (the domain method has the same name)
HAZARD_ACTIONS = {"notify": NotifySchema, "start_rectification": HazardCommandSchema,
                  "rectify": HazardCommandSchema, "verify": VerifySchema, "close": HazardCommandSchema,
                  "escalate": EscalateSchema}


class HazardQuerySchema(QuerySchema):
    status = fields.String(validate=one_of(contracts.HAZARD_STATUSES))
    category = fields.String(validate=one_of(contracts.HAZARD_CATEGORIES))
    severity = fields.String(validate=one_of(contracts.HAZARD_SEVERITIES))
    overdue = fields.Boolean()
    source = fields.String()
    unit_id = fields.String()


class HazardSchema(ReportHazardSchema):
    id, status, escalated_to, escalation_level = fields.String(), fields.String(), fields.String(), fields.Integer()
    reported_at, deadline = fields.DateTime(), fields.DateTime()
    rectified_at, overdue_raised_at = fields.DateTime(allow_none=True), fields.DateTime(allow_none=True)
    closed_at, overdue, on_time = fields.DateTime(allow_none=True), fields.Boolean(), fields.Boolean()


class AttachmentQuerySchema(Strict):
    filename = text(200)
    uploaded_by = text(120, required=True)


class UnitQuerySchema(Strict):
    limit, offset = fields.Integer(), fields.Integer()


class RejectionQuerySchema(Strict):
    limit, offset = fields.Integer(), fields.Integer()
    department = fields.String()
