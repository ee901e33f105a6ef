"""Events reports publishes."""
from marshmallow import fields

from . import EventSpec, Payload, one_of

REPORT_KINDS = ("monthly", "quarterly", "annual", "self_evaluation")


class ReportGeneratedSchema(Payload):
    report_id = fields.String(required=True)
    kind = fields.String(required=True, validate=one_of(REPORT_KINDS))
    year = fields.Integer(required=True)
    period = fields.Integer(allow_none=True, load_default=None)
    grid_code = fields.String(allow_none=True, load_default=None)
    generated_at = fields.DateTime(required=True)


EVENTS = (
    EventSpec("report.generated", "reports", ReportGeneratedSchema(), 1, ("reports",),
              "A periodic report (monthly, quarterly, annual or the self-evaluation pack) was produced."),
)
