"""HTTP input and output for residents and their group tags."""
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates

from safecommunity.contracts import RESIDENCE_TYPES, SEXES

from ..codes import check_phone
from .common import Checked, Query, Strict, id_number, past_date


class TagInputSchema(Strict):
    tag = fields.String(required=True)
    attributes = fields.Dict(keys=fields.String(), load_default=dict)
    tagged_on = fields.Date(load_default=None, validate=past_date)


class ResidentFieldsSchema(Strict):
    name = fields.String(validate=validate.Length(min=1, max=100))
    sex = fields.String(validate=validate.OneOf(SEXES))
    birth_date = fields.Date()
    residence_type = fields.String(validate=validate.OneOf(RESIDENCE_TYPES))
    grid_code = fields.String()
    id_number = id_number(allow_none=True)
    phone = Checked(check_phone, allow_none=True)
    address = fields.String(allow_none=True, validate=validate.Length(max=300))
    permit_expires_on = fields.Date(allow_none=True)

    @validates("birth_date")
    def birth_date_is_past(self, value, **_kwargs):
        past_date(value)
        if value.year < date.today().year - 130:
            raise ValidationError("more than 130 years ago")


class RegisterResidentSchema(ResidentFieldsSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    sex = fields.String(required=True, validate=validate.OneOf(SEXES))
    birth_date = fields.Date(required=True)
    residence_type = fields.String(required=True, validate=validate.OneOf(RESIDENCE_TYPES))
    grid_code = fields.String(required=True)
    registered_on = fields.Date(load_default=None, validate=past_date)
    tags = fields.List(fields.Nested(TagInputSchema), load_default=list)


class MoveOutSchema(Strict):
    moved_out_on = fields.Date(load_default=date.today, validate=past_date)


class ResidentQuerySchema(Query):
    grid_code = fields.String()
    tag = fields.String()
    age_min = fields.Integer(validate=validate.Range(0, 150))
    age_max = fields.Integer(validate=validate.Range(0, 150))
    residence_type = fields.String(validate=validate.OneOf(RESIDENCE_TYPES))
    sex = fields.String(validate=validate.OneOf(SEXES))
    status = fields.String(load_default="active", validate=validate.OneOf(("active", "moved_out", "all")))
    id_number = id_number()


class ShownTagSchema(Schema):
    code = fields.String()
    since = fields.Date(allow_none=True)
    attributes = fields.Dict()


class ResidentSchema(Schema):
    id = fields.String()
    name = fields.String()
    sex = fields.String()
    birth_date = fields.Date(allow_none=True)  # none without registry:pii
    birth_year = fields.Integer()
    residence_type = fields.String()
    grid_code = fields.String()
    registered_on = fields.Date()
    id_number = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    permit_expires_on = fields.Date(allow_none=True)
    moved_out_on = fields.Date(allow_none=True)
    tags = fields.List(fields.Nested(ShownTagSchema))
