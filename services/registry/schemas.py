"""Registry HTTP input and output. Requests are strict: unknown fields are refused."""
from datetime import date

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from safecommunity.contracts import RESIDENCE_TYPES, SEXES

from .domain import GRID_LEVELS

CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$",
                       error="use 1-40 letters, digits, '-', '_' or '.'")


class CreateGridSchema(Schema):
    class Meta:
        unknown = RAISE

    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    level = fields.String(required=True, validate=validate.OneOf(GRID_LEVELS))
    parent_code = fields.String(load_default=None, allow_none=True)


class GridSchema(Schema):
    code = fields.String()
    name = fields.String()
    level = fields.String()
    parent_code = fields.String(allow_none=True)


class RegisterResidentSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    sex = fields.String(required=True, validate=validate.OneOf(SEXES))
    birth_date = fields.Date(required=True)
    residence_type = fields.String(required=True, validate=validate.OneOf(RESIDENCE_TYPES))
    grid_code = fields.String(required=True)
    registered_on = fields.Date(load_default=None)

    @validates("birth_date")
    def birth_date_is_past(self, value, **_kwargs):
        if value > date.today():
            raise ValidationError("must not be in the future")
        if value.year < date.today().year - 130:
            raise ValidationError("more than 130 years ago")


class ResidentSchema(Schema):
    id = fields.String()
    name = fields.String()
    sex = fields.String()
    birth_date = fields.Date()
    residence_type = fields.String()
    grid_code = fields.String()
    registered_on = fields.Date()
