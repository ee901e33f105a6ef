"""HTTP input and output for residents and their group tags."""
from marshmallow import Schema, ValidationError, fields, validate, validates

from safecommunity import sitetime
from safecommunity.contracts import RESIDENCE_TYPES, SEXES

from ..codes import check_phone
from .common import (
    ADDRESS_MAX,
    MOST_LISTED,
    PERSON_NAME_MAX,
    Checked,
    Query,
    Strict,
    code_of,
    day,
    filled,
    id_number,
    past_date,
    past_day,
    text,
    today,
)


class TagInputSchema(Strict):
    tag = code_of(required=True)
    attributes = fields.Dict(keys=text(40), load_default=dict)  # each value checked by the tag type
    tagged_on = past_day(load_default=None)


class ResidentFieldsSchema(Strict):
    name = filled(PERSON_NAME_MAX)
    sex = fields.String(validate=validate.OneOf(SEXES))
    birth_date = day()
    residence_type = fields.String(validate=validate.OneOf(RESIDENCE_TYPES))
    grid_code = code_of()
    id_number = id_number(allow_none=True)
    phone = Checked(check_phone, allow_none=True)
    address = text(ADDRESS_MAX, allow_none=True)
    permit_expires_on = day(allow_none=True)

    @validates("birth_date")
    def birth_date_is_past(self, value, **_kwargs):
        past_date(value)
        if value.year < sitetime.today().year - 130:
            raise ValidationError("more than 130 years ago")


class RegisterResidentSchema(ResidentFieldsSchema):
    name = filled(PERSON_NAME_MAX, required=True)
    sex = fields.String(required=True, validate=validate.OneOf(SEXES))
    birth_date = day(required=True)
    residence_type = fields.String(required=True, validate=validate.OneOf(RESIDENCE_TYPES))
    grid_code = code_of(required=True)
    registered_on = past_day(load_default=None)
    tags = fields.List(fields.Nested(TagInputSchema), load_default=list, validate=validate.Length(max=MOST_LISTED))


class MoveOutSchema(Strict):
    moved_out_on = past_day(load_default=today)


class ResidentQuerySchema(Query):
    grid_code = code_of()
    tag = code_of()
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
