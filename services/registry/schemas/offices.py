"""HTTP input and output for departments and people in roles (assignments)."""
from datetime import date

from marshmallow import Schema, fields, validate

from ..codes import check_phone
from ..offices import DEPARTMENT_KINDS, ROLES
from .common import CODE, Checked, Query, Strict


class DepartmentSchema(Strict):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(DEPARTMENT_KINDS))


class DepartmentQuerySchema(Query):
    kind = fields.String(validate=validate.OneOf(DEPARTMENT_KINDS))


class AppointSchema(Strict):
    role = fields.String(required=True, validate=validate.OneOf(sorted(ROLES)))
    department_code = fields.String(load_default=None, allow_none=True)
    grid_code = fields.String(load_default=None, allow_none=True)
    resident_id = fields.String(load_default=None, allow_none=True)
    person_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))
    person_phone = Checked(check_phone, load_default=None, allow_none=True)
    term_from = fields.Date(load_default=date.today)
    term_to = fields.Date(load_default=None, allow_none=True)


class EndTermSchema(Strict):
    ended_on = fields.Date(load_default=date.today)


class AssignmentQuerySchema(Query):
    role = fields.String(validate=validate.OneOf(sorted(ROLES)))
    grid_code = fields.String()
    department = fields.String()
    resident_id = fields.String()
    active_on = fields.Date()


class AssignmentSchema(Schema):
    id = fields.String()
    role = fields.String()
    department_code = fields.String(allow_none=True)
    grid_code = fields.String(allow_none=True)
    resident_id = fields.String(allow_none=True)
    person_name = fields.String(allow_none=True)
    person_phone = fields.String(allow_none=True)
    term_from = fields.Date()
    term_to = fields.Date(allow_none=True)
