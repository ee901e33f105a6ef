"""Incidents HTTP input and output. Requests are strict: unknown fields are refused; every text has
a longest length and every number and time its bounds, all from inputs.py."""
from marshmallow import RAISE, Schema, ValidationError, fields, post_dump, validate, validates_schema

from safecommunity.contracts import RESIDENCE_TYPES, SEXES
from safecommunity.contracts import incidents as contracts

from . import inputs as i
from .domain import DETAIL_FIELDS, DISPUTE_STEPS
from .inputs import coded, count, instant, one_of, query_text, text
from .rules import check_case

MAX_BATCH = 1000


class Strict(Schema):
    class Meta:
        unknown = RAISE


class CardSchema(Strict):
    """The surveillance card without its identity (source, external id): what an amendment sends."""
    grid_code = text(i.GRID_CODE)
    report_time = instant()
    injury_time, visit_time = instant(required=True), instant(required=True)
    sex = fields.String(required=True, validate=one_of(SEXES))
    age = count(i.AGE)
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
    description = text(i.REASON)

    @validates_schema(skip_on_field_errors=True)
    def card_rules(self, data, **_kwargs):
        errors = check_case(data)
        if errors:
            raise ValidationError(errors)


class ReportInjurySchema(CardSchema):
    source = text(i.SOURCE, required=True)
    external_id = text(i.EXTERNAL_ID, required=True)


class AmendInjurySchema(CardSchema):
    reason = text(i.REASON, required=True)
    amended_by = text(i.PERSON, required=True)


def _items(what):
    """Each item is checked by the intake on its own: one that is not even an object is refused alone."""
    return fields.List(fields.Raw(), required=True,
                       validate=validate.Length(min=1, max=MAX_BATCH, error=f"send 1 to {MAX_BATCH} {what}"))


class BatchSchema(Strict):
    cases = _items("cases")


class AccidentBatchSchema(Strict):
    accidents = _items("accidents")


class PublicOrderBatchSchema(Strict):
    events = _items("events")


class HazardBatchSchema(Strict):
    hazards = _items("hazards")


class QuerySchema(Strict):
    limit, offset = fields.Integer(), fields.Integer()  # read by safecommunity.web.paging
    since, until = i.Instant(), i.Instant()
    grid_code = query_text(i.GRID_CODE)


class InjuryQuerySchema(QuerySchema):
    cause, intent = fields.String(validate=one_of(contracts.CAUSES)), fields.String(validate=one_of(contracts.INTENTS))
    place = fields.String(validate=one_of(contracts.PLACES))
    severity = fields.String(validate=one_of(contracts.SEVERITIES))
    outcome = fields.String(validate=one_of(contracts.OUTCOMES))
    source = query_text(i.SOURCE)


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
    source, external_id = text(i.SOURCE, required=True), text(i.EXTERNAL_ID, required=True)
    kind = fields.String(required=True, validate=one_of(contracts.ACCIDENT_KINDS))
    occurred_at = instant(required=True)
    grid_code = text(i.GRID_CODE)
    unit_credit_code, unit_id = text(i.CREDIT_CODE), text(i.RECORD_ID)  # a unit incidents heard of from registry
    unit_name, address, description = text(i.NAME), text(i.ADDRESS), text(i.DESCRIPTION)
    deaths, injuries = count(i.PEOPLE), count(i.PEOPLE)
    economic_loss = fields.Float(load_default=None, allow_none=True, validate=validate.Range(*i.YUAN))
    mass_casualty = fields.Boolean(load_default=None, allow_none=True)


class AccidentQuerySchema(QuerySchema):
    kind = fields.String(validate=one_of(contracts.ACCIDENT_KINDS))
    mass_casualty = fields.Boolean()
    unit_id = query_text(i.RECORD_ID)


class AccidentSchema(ReportAccidentSchema):
    id = fields.String()


class ReportPublicOrderSchema(Strict):
    source, external_id = text(i.SOURCE, required=True), text(i.EXTERNAL_ID, required=True)
    kind = fields.String(required=True, validate=one_of(contracts.PUBLIC_ORDER_KINDS))
    occurred_at = instant(required=True)
    grid_code = text(i.GRID_CODE)
    address, description = text(i.ADDRESS), text(i.DESCRIPTION)


class PublicOrderQuerySchema(QuerySchema):
    kind = fields.String(validate=one_of(contracts.PUBLIC_ORDER_KINDS))
    stage = fields.String(validate=one_of(DISPUTE_STEPS))


class PublicOrderSchema(ReportPublicOrderSchema):
    id, stage = fields.String(), fields.String(allow_none=True)


class DisputeStepSchema(Strict):
    step = fields.String(required=True, validate=one_of(DISPUTE_STEPS[1:]))
    actor = text(i.PERSON, required=True)
    note = text(i.REASON)


# -- hazards ----------------------------------------------------------------------------------------

class ReportHazardSchema(Strict):
    source = text(i.SOURCE, required=True)
    external_id = text(i.EXTERNAL_ID)
    found_by = coded("hazard_found_by", required=True)
    category = fields.String(required=True, validate=one_of(contracts.HAZARD_CATEGORIES))
    severity = fields.String(required=True, validate=one_of(contracts.HAZARD_SEVERITIES))
    description = text(i.DESCRIPTION, required=True)
    reported_by = text(i.PERSON, required=True)
    grid_code = text(i.GRID_CODE)
    unit_credit_code, unit_id = text(i.CREDIT_CODE), text(i.RECORD_ID)  # a unit incidents heard of from registry
    unit_name, address, responsible_party = text(i.NAME), text(i.ADDRESS), text(i.NAME)
    latitude = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-90, 90))
    longitude = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-180, 180))


class HazardCommandSchema(Strict):
    actor = text(i.PERSON, required=True)
    reason = text(i.REASON)
    evidence = fields.List(fields.String(validate=validate.Length(min=1, max=i.RECORD_ID)), load_default=list,
                           validate=validate.Length(max=i.EVIDENCE))


class NotifySchema(HazardCommandSchema):
    responsible_party = text(i.NAME)


class VerifySchema(HazardCommandSchema):
    passed = fields.Boolean(required=True)


class EscalateSchema(HazardCommandSchema):
    to_department = text(i.PERSON, required=True)
    reason = text(i.REASON, required=True)


# action in the URL -> its command schema (the domain method has the same name)
HAZARD_ACTIONS = {"notify": NotifySchema, "start_rectification": HazardCommandSchema,
                  "rectify": HazardCommandSchema, "verify": VerifySchema, "close": HazardCommandSchema,
                  "escalate": EscalateSchema}


class HazardQuerySchema(QuerySchema):
    status = fields.String(validate=one_of(contracts.HAZARD_STATUSES))
    category = fields.String(validate=one_of(contracts.HAZARD_CATEGORIES))
    severity = fields.String(validate=one_of(contracts.HAZARD_SEVERITIES))
    overdue = fields.Boolean()
    source = query_text(i.SOURCE)
    unit_id = query_text(i.RECORD_ID)


class HazardSchema(ReportHazardSchema):
    id, status, escalated_to, escalation_level = fields.String(), fields.String(), fields.String(), fields.Integer()
    reported_at, deadline = fields.DateTime(), fields.DateTime()
    rectified_at, overdue_raised_at = fields.DateTime(allow_none=True), fields.DateTime(allow_none=True)
    closed_at, overdue, on_time = fields.DateTime(allow_none=True), fields.Boolean(), fields.Boolean()


class AttachmentQuerySchema(Strict):
    filename = text(i.NAME)
    uploaded_by = text(i.PERSON, required=True)


class UnitQuerySchema(Strict):
    limit, offset = fields.Integer(), fields.Integer()


class RejectionQuerySchema(Strict):
    limit, offset = fields.Integer(), fields.Integer()
    department = query_text(i.SOURCE)
