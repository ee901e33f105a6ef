"""HTTP input and output for rental housing and tenants, compounds, buildings and households."""
from datetime import date

from marshmallow import Schema, fields, validate

from ..codes import check_phone
from .common import CODE, Checked, Query, Strict, not_after_this_year, past_date


class RentalFieldsSchema(Strict):
    grid_code = fields.String()
    address = fields.String(validate=validate.Length(min=1, max=300))
    landlord_resident_id = fields.String(allow_none=True)
    landlord_name = fields.String(allow_none=True, validate=validate.Length(min=1, max=100))
    landlord_phone = Checked(check_phone, allow_none=True)
    group_rental = fields.Boolean()
    basement = fields.Boolean()
    letter_signed = fields.Boolean()
    signed_on = fields.Date(allow_none=True, validate=past_date)


class RegisterRentalSchema(RentalFieldsSchema):
    grid_code = fields.String(required=True)
    address = fields.String(required=True, validate=validate.Length(min=1, max=300))
    group_rental = fields.Boolean(load_default=False)
    basement = fields.Boolean(load_default=False)
    letter_signed = fields.Boolean(load_default=False)
    registered_on = fields.Date(load_default=None, validate=past_date)
    tenants = fields.List(fields.String(), load_default=list)


class TenantInputSchema(Strict):
    resident_id = fields.String(required=True)
    since = fields.Date(load_default=date.today, validate=past_date)


class InspectRentalSchema(Strict):
    score = fields.Integer(required=True, strict=True, validate=validate.Range(0, 10))
    inspected_on = fields.Date(load_default=date.today, validate=past_date)


class RentalQuerySchema(Query):
    grid_code = fields.String()
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
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    grid_code = fields.String(required=True)
    property_manager = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=200))
    address = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    registered_on = fields.Date(load_default=None, validate=past_date)


class CompoundQuerySchema(Query):
    grid_code = fields.String()
    name = fields.String()
    property_managed = fields.Boolean()


class CompoundSchema(Schema):
    code = fields.String()
    name = fields.String()
    grid_code = fields.String()
    property_manager = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    registered_on = fields.Date()


class BuildingFieldsSchema(Strict):
    grid_code = fields.String()
    name = fields.String(validate=validate.Length(min=1, max=200))
    compound_code = fields.String(allow_none=True)
    compound = fields.String(allow_none=True, validate=validate.Length(min=1, max=200))  # a name: see README
    address = fields.String(allow_none=True, validate=validate.Length(max=300))
    storeys = fields.Integer(strict=True, validate=validate.Range(1, 200))
    year_built = fields.Integer(strict=True, allow_none=True,
                                validate=[validate.Range(1800, 2200), not_after_this_year])
    property_manager = fields.String(allow_none=True, validate=validate.Length(min=1, max=200))
    lifts = fields.Integer(strict=True, validate=validate.Range(0, 200))


class RegisterBuildingSchema(BuildingFieldsSchema):
    grid_code = fields.String(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    storeys = fields.Integer(required=True, strict=True, validate=validate.Range(1, 200))
    lifts = fields.Integer(load_default=0, strict=True, validate=validate.Range(0, 200))
    registered_on = fields.Date(load_default=None, validate=past_date)


class BuildingQuerySchema(Query):
    grid_code = fields.String()
    compound_code = fields.String()
    compound = fields.String()  # the compound's name
    property_managed = fields.Boolean()
    built_before = fields.Integer(validate=validate.Range(1800, 2200))


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
    building_id = fields.String(required=True)
    room = fields.String(required=True, validate=validate.Length(min=1, max=40))
    registered_on = fields.Date(load_default=None, validate=past_date)
    members = fields.List(fields.String(), load_default=list)


class HouseholdMemberInputSchema(Strict):
    resident_id = fields.String(required=True)
    since = fields.Date(load_default=date.today, validate=past_date)


class HouseholdQuerySchema(Query):
    building_id = fields.String()
    resident_id = fields.String()


class HouseholdSchema(Schema):
    id = fields.String()
    building_id = fields.String(allow_none=True)  # none without registry:pii: where its members live
    address = fields.String(allow_none=True)  # the building's
    room = fields.String()
    registered_on = fields.Date()
    members = fields.List(fields.Nested(TenantSchema))
