"""HTTP input and output for volunteers, their pairings and volunteer teams."""
from datetime import date

from marshmallow import Schema, fields, validate

from ..volunteers import TEAM_TYPES, VOLUNTEER_TYPES
from .common import Query, Strict, past_date


class VolunteerFieldsSchema(Strict):
    type = fields.String(validate=validate.OneOf(VOLUNTEER_TYPES))
    certificate_number = fields.String(allow_none=True, validate=validate.Length(min=1, max=60))
    certificate_expires_on = fields.Date(allow_none=True)


class RegisterVolunteerSchema(VolunteerFieldsSchema):
    resident_id = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(VOLUNTEER_TYPES))
    registered_on = fields.Date(load_default=None, validate=past_date)


class LeaveSchema(Strict):
    left_on = fields.Date(load_default=date.today, validate=past_date)


class PairInputSchema(Strict):
    resident_id = fields.String(required=True)
    since = fields.Date(load_default=date.today, validate=past_date)


class VolunteerQuerySchema(Query):
    grid_code = fields.String()
    type = fields.String(validate=validate.OneOf(VOLUNTEER_TYPES))
    status = fields.String(load_default="active", validate=validate.OneOf(("active", "left", "all")))
    serves = fields.String()  # a resident id: the volunteers paired with them now


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
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    type = fields.String(required=True, validate=validate.OneOf(TEAM_TYPES))
    grid_code = fields.String(load_default=None, allow_none=True)
    unit_id = fields.String(load_default=None, allow_none=True)
    registered_on = fields.Date(load_default=None, validate=past_date)
    members = fields.List(fields.String(), load_default=list)


class MemberInputSchema(Strict):
    volunteer_id = fields.String(required=True)
    since = fields.Date(load_default=date.today, validate=past_date)


class TeamQuerySchema(Query):
    grid_code = fields.String()
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
