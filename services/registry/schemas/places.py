"""HTTP input and output for grids, the code lists (tag and unit types), units and facilities."""
from datetime import date

from marshmallow import EXCLUDE, Schema, fields, validate

from ..codes import check_credit_code, check_phone
from ..domain import GRID_LEVELS
from ..taxonomy import FACILITY_STATUSES, FACILITY_TYPES, RISK_GRADES, UNIT_SCALES
from .common import CODE, TAXONOMY_CODE, Checked, Query, Strict, past_date


class CreateGridSchema(Strict):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    level = fields.String(required=True, validate=validate.OneOf(GRID_LEVELS))
    parent_code = fields.String(load_default=None, allow_none=True)


class GridSchema(Schema):
    code = fields.String()
    name = fields.String()
    level = fields.String()
    parent_code = fields.String(allow_none=True)


class TagTypeSchema(Strict):
    code = fields.String(required=True, validate=TAXONOMY_CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    sensitive = fields.Boolean(load_default=False)
    min_age = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 150))
    max_age = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 150))
    attributes = fields.Dict(keys=fields.String(validate=TAXONOMY_CODE), load_default=dict)


class UnitTypeSchema(Strict):
    code = fields.String(required=True, validate=TAXONOMY_CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    category = fields.String(required=True, validate=TAXONOMY_CODE)


class UnitFieldsSchema(Strict):
    name = fields.String(validate=validate.Length(min=1, max=200))
    type = fields.String()
    grid_code = fields.String()
    credit_code = Checked(check_credit_code, allow_none=True)
    scale = fields.String(allow_none=True, validate=validate.OneOf(UNIT_SCALES))
    industry = fields.String(allow_none=True, validate=validate.Length(max=100))
    hazardous_chemicals = fields.Boolean()
    major_hazard_source = fields.Boolean()
    risk_grade = fields.String(allow_none=True, validate=validate.OneOf(RISK_GRADES))
    safety_officer = fields.String(allow_none=True, validate=validate.Length(max=100))
    safety_officer_phone = Checked(check_phone, allow_none=True)
    special_workers = fields.Integer(validate=validate.Range(0, 100000))
    certified_special_workers = fields.Integer(validate=validate.Range(0, 100000))
    address = fields.String(allow_none=True, validate=validate.Length(max=300))
    latitude = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    longitude = fields.Float(allow_none=True, validate=validate.Range(-180, 180))


class RegisterUnitSchema(UnitFieldsSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    type = fields.String(required=True)
    grid_code = fields.String(required=True)
    hazardous_chemicals = fields.Boolean(load_default=False)
    major_hazard_source = fields.Boolean(load_default=False)
    special_workers = fields.Integer(load_default=0, validate=validate.Range(0, 100000))
    certified_special_workers = fields.Integer(load_default=0, validate=validate.Range(0, 100000))
    registered_on = fields.Date(load_default=None, validate=past_date)


class GradeRiskSchema(Strict):
    risk_grade = fields.String(required=True, validate=validate.OneOf(RISK_GRADES))
    graded_on = fields.Date(load_default=date.today, validate=past_date)


class UnitQuerySchema(Query):
    type = fields.String()
    grid_code = fields.String()
    risk_grade = fields.String(validate=validate.OneOf(RISK_GRADES))


class UnitSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.String()
    name = fields.String()
    type = fields.String()
    grid_code = fields.String()
    credit_code = fields.String(allow_none=True)
    scale = fields.String(allow_none=True)
    industry = fields.String(allow_none=True)
    hazardous_chemicals = fields.Boolean()
    major_hazard_source = fields.Boolean()
    risk_grade = fields.String(allow_none=True)
    safety_officer = fields.String(allow_none=True)
    safety_officer_phone = fields.String(allow_none=True)
    special_workers = fields.Integer()
    certified_special_workers = fields.Integer()
    address = fields.String(allow_none=True)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    registered_on = fields.Date()


class FacilityFieldsSchema(Strict):
    code = fields.String(validate=CODE)
    type = fields.String(validate=validate.OneOf(sorted(FACILITY_TYPES)))
    grid_code = fields.String()
    unit_id = fields.String(allow_none=True)
    location = fields.String(allow_none=True, validate=validate.Length(max=300))
    latitude = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    longitude = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    status = fields.String(validate=validate.OneOf(FACILITY_STATUSES))
    expires_on = fields.Date(allow_none=True)


class RegisterFacilitySchema(FacilityFieldsSchema):
    code = fields.String(required=True, validate=CODE)
    type = fields.String(required=True, validate=validate.OneOf(sorted(FACILITY_TYPES)))
    grid_code = fields.String(required=True)
    status = fields.String(load_default="in_order", validate=validate.OneOf(FACILITY_STATUSES))
    last_inspected_on = fields.Date(load_default=None, validate=past_date)
    registered_on = fields.Date(load_default=None, validate=past_date)


class InspectFacilitySchema(Strict):
    inspected_on = fields.Date(load_default=date.today)
    status = fields.String(required=True, validate=validate.OneOf(FACILITY_STATUSES))


class FacilityQuerySchema(Query):
    type = fields.String(validate=validate.OneOf(sorted(FACILITY_TYPES)))
    grid_code = fields.String()
    status = fields.String(validate=validate.OneOf(FACILITY_STATUSES))
    unit_id = fields.String()
    overdue = fields.Boolean()


class FacilitySchema(Schema):
    id = fields.String()
    code = fields.String()
    type = fields.String()
    grid_code = fields.String()
    unit_id = fields.String(allow_none=True)
    location = fields.String(allow_none=True)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    status = fields.String()
    expires_on = fields.Date(allow_none=True)
    last_inspected_on = fields.Date(allow_none=True)
    next_inspection_due = fields.Date()
    registered_on = fields.Date()
