"""HTTP input and output for volunteers, their pairings and volunteer teams."""
from marshmallow import Schema, fields, validate

from ..volunteers import TEAM_TYPES, VOLUNTEER_TYPES
from .common import CERTIFICATE_MAX, Query, Strict, code_of, day, filled, ids_of, past_day, record_id, today


class VolunteerFieldsSchema(Strict):
    type = fields.String(validate=validate.OneOf(VOLUNTEER_TYPES))
    certificate_number = filled(CERTIFICATE_MAX, allow_none=True)
    certificate_expires_on = day(allow_none=True)


class RegisterVolunteerSchema(VolunteerFieldsSchema):
    resident_id = record_id(required=True)
    type = fields.String(required=True, validate=validate.OneOf(VOLUNTEER_TYPES))
    registered_on = past_day(load_default=None)


class LeaveSchema(Strict):
    left_on = past_day(load_default=today)


class PairInputSchema(Strict):
    resident_id = record_id(required=True)
    since = past_day(load_default=today)


class VolunteerQuerySchema(Query):
    grid_code = code_of()
    type = fields.String(validate=validate.OneOf(VOLUNTEER_TYPES))
    status = fields.String(load_default="active", validate=validate.OneOf(("active", "left", "all")))
    serves = record_id()  # a resident id: the volunteers paired with them now


class PairingSchema(Schema):
    resident_id = fields.String()
    since = fields.Date()
    until = fields.Date(allow_none=True)


class VolunteerSchema(Schema):
    id = fields.String()
    resident_id = fields.String()
    grid_code = fields.String()
    type = fields.String()
    certificate_number = fields.String(allow_none=True)
    certificate_expires_on = fields.Date(allow_none=True)
    certified = fields.Boolean()
    registered_on = fields.Date()
    left_on = fields.Date(allow_none=True)
    pairings = fields.List(fields.Nested(PairingSchema))


class FormTeamSchema(Strict):
    name = filled(required=True)
    type = fields.String(required=True, validate=validate.OneOf(TEAM_TYPES))
    grid_code = code_of(load_default=None, allow_none=True)
    unit_id = record_id(load_default=None, allow_none=True)
    registered_on = past_day(load_default=None)
    members = ids_of(load_default=list)


class MemberInputSchema(Strict):
    volunteer_id = record_id(required=True)
    since = past_day(load_default=today)


class TeamQuerySchema(Query):
    grid_code = code_of()
    type = fields.String(validate=validate.OneOf(TEAM_TYPES))


class MemberSchema(Schema):
    volunteer_id = fields.String()
    since = fields.Date()


class TeamSchema(Schema):
    id = fields.String()
    name = fields.String()
    type = fields.String()
    grid_code = fields.String(allow_none=True)
    unit_id = fields.String(allow_none=True)
    registered_on = fields.Date()
    members = fields.List(fields.Nested(MemberSchema))
