"""The schemas a file's rows are loaded with, one per kind of record."""
from marshmallow import EXCLUDE, Schema, fields, validate

from safecommunity.contracts import RESIDENCE_TYPES, SEXES

from ..codes import check_credit_code, check_phone
from ..schemas import Checked, RegisterFacilitySchema, RegisterUnitSchema, id_number, past_date


class ImportRowSchema(Schema):
    class Meta:
        unknown = EXCLUDE


class ResidentRowSchema(ImportRowSchema):
    id_number = id_number(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    sex = fields.String(validate=validate.OneOf(SEXES))  # taken from the ID number when absent
    birth_date = fields.Date(validate=past_date)         # likewise
    residence_type = fields.String(required=True, validate=validate.OneOf(RESIDENCE_TYPES))
    grid_code = fields.String(required=True)
    phone = Checked(check_phone)
    address = fields.String(validate=validate.Length(max=300))
    registered_on = fields.Date(validate=past_date)
    permit_expires_on = fields.Date()
    tags = fields.String()  # tag codes separated by ';'


class UnitRowSchema(RegisterUnitSchema):
    class Meta:
        unknown = EXCLUDE

    credit_code = Checked(check_credit_code, required=True)


class FacilityRowSchema(RegisterFacilitySchema):
    class Meta:
        unknown = EXCLUDE

    unit_credit_code = fields.String()
