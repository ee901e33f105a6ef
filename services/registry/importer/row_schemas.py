"""The schemas a file's rows are loaded with, one per kind of record."""
from marshmallow import EXCLUDE, Schema, fields, validate

from safecommunity.contracts import RESIDENCE_TYPES, SEXES

from ..codes import check_credit_code, check_phone
from ..schemas import Checked, RegisterFacilitySchema, RegisterUnitSchema, id_number
from ..schemas.common import ADDRESS_MAX, CODE_MAX, PERSON_NAME_MAX, code_of, day, filled, past_day, text


class ImportRowSchema(Schema):
    class Meta:
        unknown = EXCLUDE


class ResidentRowSchema(ImportRowSchema):
    id_number = id_number(required=True)
    name = filled(PERSON_NAME_MAX, required=True)
    sex = fields.String(validate=validate.OneOf(SEXES))  # taken from the ID number when absent
    birth_date = past_day()                              # likewise
    residence_type = fields.String(required=True, validate=validate.OneOf(RESIDENCE_TYPES))
    grid_code = code_of(required=True)
    phone = Checked(check_phone)
    address = text(ADDRESS_MAX)
    registered_on = past_day()
    permit_expires_on = day()
    tags = text(20 * (CODE_MAX + 1))  # tag codes separated by ';'


class UnitRowSchema(RegisterUnitSchema):
    class Meta:
        unknown = EXCLUDE

    credit_code = Checked(check_credit_code, required=True)


class FacilityRowSchema(RegisterFacilitySchema):
    class Meta:
        unknown = EXCLUDE

    unit_credit_code = code_of()
