"""Projects HTTP input and output. Requests are strict: unknown fields are refused."""
from marshmallow import RAISE, Schema, fields, validate

from .domain import INTERVENTION_AREAS, STATUSES


class CreateProjectSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    intervention_area = fields.String(required=True, validate=validate.OneOf(INTERVENTION_AREAS))
    status = fields.String(load_default="new", validate=validate.OneOf(STATUSES))
    working_group = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    target_group = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    start_date = fields.Date(load_default=None, allow_none=True)


class ProjectSchema(Schema):
    id = fields.String()
    name = fields.String()
    intervention_area = fields.String()
    status = fields.String()
    working_group = fields.String(allow_none=True)
    target_group = fields.String(allow_none=True)
    start_date = fields.Date(allow_none=True)
