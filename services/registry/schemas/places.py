"""HTTP input and output for grids, the code lists (tag and unit types), units and facilities."""
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from ..codes import check_credit_code, check_phone
from ..domain import GRID_LEVELS
from ..taxonomy import FACILITY_STATUSES, FACILITY_TYPES, RISK_GRADES, UNIT_SCALES
from .common import (
    ADDRESS_MAX,
    CODE,
    PERSON_NAME_MAX,
    SHORT_TEXT_MAX,
    TAXONOMY_CODE,
    Checked,
    Query,
    Strict,
    code_of,
    day,
    filled,
    past_day,
    record_id,
    text,
    today,
)

MOST_ATTRIBUTES = 50
LATITUDE, LONGITUDE = validate.Range(-90, 90), validate.Range(-180, 180)
WORKERS = validate.Range(0, 100000)


class CreateGridSchema(Strict):
    code = fields.String(required=True, validate=CODE)
    name = filled(required=True)
    level = fields.String(required=True, validate=validate.OneOf(GRID_LEVELS))
    parent_code = code_of(load_default=None, allow_none=True)


class GridSchema(Schema):
    code = fields.String()
    name = fields.String()
    level = fields.String()
    parent_code = fields.String(allow_none=True)


class TagTypeSchema(Strict):
    code = fields.String(required=True, validate=TAXONOMY_CODE)
    name = filled(required=True)
    sensitive = fields.Boolean(load_default=False)
    min_age = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 150))
    max_age = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 150))
    attributes = fields.Dict(keys=fields.String(validate=TAXONOMY_CODE), load_default=dict,
                             validate=validate.Length(max=MOST_ATTRIBUTES))  # each spec: check_attribute_specs

    @validates_schema
    def ages_in_order(self, data, **_kwargs):
        if None not in (data.get("min_age"), data.get("max_age")) and data["min_age"] > data["max_age"]:
            raise ValidationError("must not be below min_age", "max_age")


class UnitTypeSchema(Strict):
    code = fields.String(required=True, validate=TAXONOMY_CODE)
    name = filled(required=True)
    category = fields.String(required=True, validate=TAXONOMY_CODE)


class UnitFieldsSchema(Strict):
    name = filled()
    type = code_of()
    grid_code = code_of()
    credit_code = Checked(check_credit_code, allow_none=True)
    scale = fields.String(allow_none=True, validate=validate.OneOf(UNIT_SCALES))
    industry = text(SHORT_TEXT_MAX, allow_none=True)
    hazardous_chemicals = fields.Boolean()
    major_hazard_source = fields.Boolean()
    # a unit once graded keeps a grade (unit.risk_graded always names one): regrade it, never null
    risk_grade = fields.String(validate=validate.OneOf(RISK_GRADES))
    safety_officer = text(PERSON_NAME_MAX, allow_none=True)
    safety_officer_phone = Checked(check_phone, allow_none=True)
    special_workers = fields.Integer(validate=WORKERS)
    certified_special_workers = fields.Integer(validate=WORKERS)
    address = text(ADDRESS_MAX, allow_none=True)
    latitude = fields.Float(allow_none=True, validate=LATITUDE)
    longitude = fields.Float(allow_none=True, validate=LONGITUDE)


class RegisterUnitSchema(UnitFieldsSchema):
    name = filled(required=True)
    type = code_of(required=True)
    grid_code = code_of(required=True)
    hazardous_chemicals = fields.Boolean(load_default=False)
    major_hazard_source = fields.Boolean(load_default=False)
    special_workers = fields.Integer(load_default=0, validate=WORKERS)
    certified_special_workers = fields.Integer(load_default=0, validate=WORKERS)
    registered_on = past_day(load_default=None)


class GradeRiskSchema(Strict):
    risk_grade = fields.String(required=True, validate=validate.OneOf(RISK_GRADES))
    graded_on = past_day(load_default=today)


class UnitQuerySchema(Query):
    type = code_of()
    grid_code = code_of()
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
    grid_code = code_of()
    unit_id = record_id(allow_none=True)
    location = text(ADDRESS_MAX, allow_none=True)
    latitude = fields.Float(allow_none=True, validate=LATITUDE)
    longitude = fields.Float(allow_none=True, validate=LONGITUDE)
    status = fields.String(validate=validate.OneOf(FACILITY_STATUSES))
    expires_on = day(allow_none=True)


class RegisterFacilitySchema(FacilityFieldsSchema):
    code = fields.String(required=True, validate=CODE)
    type = fields.String(required=True, validate=validate.OneOf(sorted(FACILITY_TYPES)))
    grid_code = code_of(required=True)
    status = fields.String(load_default="in_order", validate=validate.OneOf(FACILITY_STATUSES))
    last_inspected_on = past_day(load_default=None)
    registered_on = past_day(load_default=None)


class InspectFacilitySchema(Strict):
    inspected_on = day(load_default=today)  # not in the future: the domain says so
    status = fields.String(required=True, validate=validate.OneOf(FACILITY_STATUSES))


class FacilityQuerySchema(Query):
    type = fields.String(validate=validate.OneOf(sorted(FACILITY_TYPES)))
    grid_code = code_of()
    status = fields.String(validate=validate.OneOf(FACILITY_STATUSES))
    unit_id = record_id()
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
