"""Projects HTTP input and output. Requests are strict: unknown fields are refused, every text and
date bounded (the bounds are here, the tables' columns as wide)."""
from datetime import date

from marshmallow import RAISE, Schema, fields, validate

from safecommunity.text import ValidText

from .domain import INTERVENTION_AREAS, STATUSES

NAME_MAX = 200  # a project's, working group's or target group's name
FIRST_DAY, LAST_DAY = date(1990, 1, 1), date(2199, 12, 31)  # a safe-community programme's years


class Strict(Schema):
    class Meta:
        unknown = RAISE


class CreateProjectSchema(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=NAME_MAX))
    intervention_area = fields.String(required=True, validate=validate.OneOf(INTERVENTION_AREAS))
    status = fields.String(load_default="new", validate=validate.OneOf(STATUSES))
    working_group = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=NAME_MAX))
    target_group = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=NAME_MAX))
    start_date = fields.Date(load_default=None, allow_none=True, validate=validate.Range(FIRST_DAY, LAST_DAY))



class ProjectQuerySchema(Strict):
    """limit and offset, read by paging(); nothing else."""

    limit = fields.String(validate=[validate.Length(max=20), ValidText()])
    offset = fields.String(validate=[validate.Length(max=20), ValidText()])


class ProjectSchema(Schema):
    id = fields.String()
    name = fields.String()
    intervention_area = fields.String()
    status = fields.String()
    working_group = fields.String(allow_none=True)
    target_group = fields.String(allow_none=True)
    start_date = fields.Date(allow_none=True)
