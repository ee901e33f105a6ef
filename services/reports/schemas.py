"""Reports HTTP query parameters."""
from marshmallow import RAISE, Schema, fields, validate


class RatesQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    year = fields.Integer(validate=validate.Range(2000, 2100))
