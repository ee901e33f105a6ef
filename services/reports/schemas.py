"""Reports HTTP query parameters and input: every value bounded, every string of a known length,
null only where it means something (a KPI with no target, a report for the whole district)."""
from marshmallow import RAISE, Schema, fields, validate

from safecommunity.contracts.reports import REPORT_KINDS

YEARS = validate.Range(2000, 2100)
GRID = validate.Length(min=1, max=40)          # as the grid codes the registry issues
MOST = 1_000_000                                # past any target or margin a KPI's unit allows (kpis.py)


class RatesQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    year = fields.Integer(validate=YEARS)


class PeriodQuerySchema(RatesQuerySchema):
    """A year, or one month of it: figures of the whole district (notifications name no grid)."""
    month = fields.Integer(validate=validate.Range(1, 12), load_default=None)


class DashboardQuerySchema(RatesQuerySchema):
    month = fields.Integer(validate=validate.Range(1, 12), load_default=None)
    grid = fields.String(validate=GRID, load_default=None)


class KpiTargetSchema(Schema):
    """A target (null: none) and how far past it is still amber; kpis.check_target bounds both by
    the KPI's unit."""
    class Meta:
        unknown = RAISE

    target = fields.Float(required=True, allow_none=True, validate=validate.Range(-MOST, MOST))
    amber = fields.Float(load_default=0.0, validate=validate.Range(0, MOST))


class IssueReportSchema(Schema):
    class Meta:
        unknown = RAISE

    kind = fields.String(required=True, validate=validate.OneOf(REPORT_KINDS))
    year = fields.Integer(required=True, strict=True, validate=YEARS)
    period = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(1, 12))
    grid = fields.String(load_default=None, allow_none=True, validate=GRID)


class NoQuerySchema(Schema):
    """A route that takes no query parameters: any is a 400 naming it, not silently ignored."""
    class Meta:
        unknown = RAISE


class PageQuerySchema(NoQuerySchema):
    limit = fields.Integer(validate=validate.Range(1, 500))     # as web.paging bounds them
    offset = fields.Integer(validate=validate.Range(0, 10_000_000))
