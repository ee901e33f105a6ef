"""Events projects publishes."""
from marshmallow import fields

from . import EventSpec, Payload, one_of

PROJECT_STATUSES = ("new", "continuing")


class ProjectCreatedSchema(Payload):
    project_id = fields.String(required=True)
    name = fields.String(required=True)
    intervention_area = fields.String(required=True)
    status = fields.String(required=True, validate=one_of(PROJECT_STATUSES))
    start_date = fields.Date(allow_none=True, load_default=None)


EVENTS = (
    EventSpec("project.created", "projects", ProjectCreatedSchema(), 1, ("reports",),
              "A safety-promotion project was created."),
)
