"""HTTP input and output for departments and people in roles (assignments)."""
from marshmallow import Schema, fields, validate

from ..codes import check_phone
from ..offices import DEPARTMENT_KINDS, ROLES
from .common import CODE, PERSON_NAME_MAX, Checked, Query, Strict, code_of, day, filled, record_id, today


class DepartmentSchema(Strict):
    code = fields.String(required=True, validate=CODE)
    name = filled(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(DEPARTMENT_KINDS))


class DepartmentQuerySchema(Query):
    kind = fields.String(validate=validate.OneOf(DEPARTMENT_KINDS))


class AppointSchema(Strict):
    role = fields.String(required=True, validate=validate.OneOf(sorted(ROLES)))
    department_code = code_of(load_default=None, allow_none=True)
    grid_code = code_of(load_default=None, allow_none=True)
    resident_id = record_id(load_default=None, allow_none=True)
    person_name = filled(PERSON_NAME_MAX, load_default=None, allow_none=True)
    person_phone = Checked(check_phone, load_default=None, allow_none=True)
    term_from = day(load_default=today)
    term_to = day(load_default=None, allow_none=True)


class EndTermSchema(Strict):
    ended_on = day(load_default=today)


class AssignmentQuerySchema(Query):
    role = fields.String(validate=validate.OneOf(sorted(ROLES)))
    grid_code = code_of()
    department = code_of()
    resident_id = record_id()
    active_on = day()


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
