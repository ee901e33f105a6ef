"""Reports HTTP query parameters and input."""
from marshmallow import RAISE, Schema, fields, validate

from safecommunity.contracts.reports import REPORT_KINDS


class RatesQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    year = fields.Integer(validate=validate.Range(2000, 2100))


class DashboardQuerySchema(RatesQuerySchema):
    month = fields.Integer(validate=validate.Range(1, 12), load_default=None)
    grid = fields.String(validate=validate.Length(min=1, max=40), load_default=None)


class KpiTargetSchema(Schema):
    class Meta:
        unknown = RAISE

    target = fields.Float(required=True, allow_none=True)
    amber = fields.Float(load_default=0.0, validate=validate.Range(min=0))


class IssueReportSchema(Schema):
    class Meta:
        unknown = RAISE

    kind = fields.String(required=True, validate=validate.OneOf(REPORT_KINDS))
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    period = fields.Integer(load_default=None, allow_none=True)
    grid = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=40))
