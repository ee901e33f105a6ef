"""HTTP input and output for rental housing and tenants, compounds, buildings and households."""
from marshmallow import Schema, fields, validate

from ..codes import check_phone
from .common import (
    ADDRESS_MAX,
    CODE,
    PERSON_NAME_MAX,
    ROOM_MAX,
    Checked,
    Query,
    Strict,
    code_of,
    filled,
    ids_of,
    not_after_this_year,
    past_day,
    record_id,
    text,
    today,
)

STOREYS, LIFTS, YEARS = validate.Range(1, 200), validate.Range(0, 200), validate.Range(1800, 2200)


class RentalFieldsSchema(Strict):
    grid_code = code_of()
    address = filled(ADDRESS_MAX)
    landlord_resident_id = record_id(allow_none=True)
    landlord_name = filled(PERSON_NAME_MAX, allow_none=True)
    landlord_phone = Checked(check_phone, allow_none=True)
    group_rental = fields.Boolean()
    basement = fields.Boolean()
    letter_signed = fields.Boolean()
    signed_on = past_day(allow_none=True)


class RegisterRentalSchema(RentalFieldsSchema):
    grid_code = code_of(required=True)
    address = filled(ADDRESS_MAX, required=True)
    group_rental = fields.Boolean(load_default=False)
    basement = fields.Boolean(load_default=False)
    letter_signed = fields.Boolean(load_default=False)
    registered_on = past_day(load_default=None)
    tenants = ids_of(load_default=list)


class TenantInputSchema(Strict):
    resident_id = record_id(required=True)
    since = past_day(load_default=today)


class InspectRentalSchema(Strict):
    score = fields.Integer(required=True, strict=True, validate=validate.Range(0, 10))
    inspected_on = past_day(load_default=today)


class RentalQuerySchema(Query):
    grid_code = code_of()
    group_rental = fields.Boolean()
    letter_signed = fields.Boolean()


class TenantSchema(Schema):
    resident_id = fields.String()
    since = fields.Date()


class RentalSchema(Schema):
    id = fields.String()
    grid_code = fields.String()
    address = fields.String()
    landlord_resident_id = fields.String(allow_none=True)
    landlord_name = fields.String(allow_none=True)
    landlord_phone = fields.String(allow_none=True)
    group_rental = fields.Boolean()
    basement = fields.Boolean()
    letter_signed = fields.Boolean()
    signed_on = fields.Date(allow_none=True)
    inspection_score = fields.Integer(allow_none=True)
    inspected_on = fields.Date(allow_none=True)
    registered_on = fields.Date()
    tenants = fields.List(fields.Nested(TenantSchema))


class RegisterCompoundSchema(Strict):
    code = fields.String(required=True, validate=CODE)
    name = filled(required=True)
    grid_code = code_of(required=True)
    property_manager = filled(load_default=None, allow_none=True)
    address = text(ADDRESS_MAX, load_default=None, allow_none=True)
    registered_on = past_day(load_default=None)


class CompoundQuerySchema(Query):
    grid_code = code_of()
    name = filled()
    property_managed = fields.Boolean()


class CompoundSchema(Schema):
    code = fields.String()
    name = fields.String()
    grid_code = fields.String()
    property_manager = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    registered_on = fields.Date()


class BuildingFieldsSchema(Strict):
    grid_code = code_of()
    name = filled()
    compound_code = code_of(allow_none=True)
    compound = filled(allow_none=True)  # a name: see README
    address = text(ADDRESS_MAX, allow_none=True)
    storeys = fields.Integer(strict=True, validate=STOREYS)
    year_built = fields.Integer(strict=True, allow_none=True, validate=[YEARS, not_after_this_year])
    property_manager = filled(allow_none=True)
    lifts = fields.Integer(strict=True, validate=LIFTS)


class RegisterBuildingSchema(BuildingFieldsSchema):
    grid_code = code_of(required=True)
    name = filled(required=True)
    storeys = fields.Integer(required=True, strict=True, validate=STOREYS)
    lifts = fields.Integer(load_default=0, strict=True, validate=LIFTS)
    registered_on = past_day(load_default=None)


class BuildingQuerySchema(Query):
    grid_code = code_of()
    compound_code = code_of()
    compound = filled()  # the compound's name
    property_managed = fields.Boolean()
    built_before = fields.Integer(validate=YEARS)


class BuildingSchema(Schema):
    id = fields.String()
    grid_code = fields.String()
    name = fields.String()
    compound_code = fields.String(allow_none=True)
    compound = fields.String(allow_none=True)  # the compound's name
    address = fields.String(allow_none=True)
    storeys = fields.Integer()
    year_built = fields.Integer(allow_none=True)
    property_manager = fields.String(allow_none=True)
    lifts = fields.Integer()
    registered_on = fields.Date()


class RegisterHouseholdSchema(Strict):
    building_id = record_id(required=True)
    room = filled(ROOM_MAX, required=True)
    registered_on = past_day(load_default=None)
    members = ids_of(load_default=list)


class HouseholdMemberInputSchema(Strict):
    resident_id = record_id(required=True)
    since = past_day(load_default=today)


class HouseholdQuerySchema(Query):
    building_id = record_id()
    resident_id = record_id()


class HouseholdSchema(Schema):
    id = fields.String()
    building_id = fields.String(allow_none=True)  # none without registry:pii: where its members live
    address = fields.String(allow_none=True)  # the building's
    room = fields.String()
    registered_on = fields.Date()
    members = fields.List(fields.Nested(TenantSchema))
