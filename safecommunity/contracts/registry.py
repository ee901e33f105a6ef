"""Events registry publishes."""
from marshmallow import fields, validate

from . import RESIDENCE_TYPES, SEXES, EventSpec, Payload, one_of


class GridCreatedSchema(Payload):
    code = fields.String(required=True)  # a grid's code is its identity on every service
    name = fields.String(required=True)
    level = fields.String(required=True)
    parent_code = fields.String(allow_none=True, load_default=None)


class ResidentRegisteredSchema(Payload):
    resident_id = fields.String(required=True)
    grid_code = fields.String(required=True)
    sex = fields.String(required=True, validate=one_of(SEXES))
    birth_year = fields.Integer(required=True, validate=validate.Range(1880, 2200))
    residence_type = fields.String(required=True, validate=one_of(RESIDENCE_TYPES))
    registered_on = fields.Date(required=True)


EVENTS = (
    EventSpec("grid.created", "registry", GridCreatedSchema(), 1, ("incidents", "reports"),
              "A grid (any level of the hierarchy) was created."),
    EventSpec("resident.registered", "registry", ResidentRegisteredSchema(), 1, ("reports",),
              "A resident was registered in a grid (no name or ID number: sex, birth year, residence type)."),
)
