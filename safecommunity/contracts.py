"""Event payload contracts: one marshmallow schema per event type, shared by producer and consumers.

Payloads carry no names, ID numbers or phone numbers: consumers get only what they need.
Readers are tolerant (unknown fields are ignored) so a producer can add a field without
breaking anyone; removing or changing one needs a new `dataversion`.
"""
from marshmallow import EXCLUDE, Schema, fields, validate

SEXES = ("male", "female", "unknown")
RESIDENCE_TYPES = ("permanent", "migrant", "foreigner")
CAUSES = ("motor_vehicle", "non_motor_vehicle", "fall", "blunt_force", "firearm", "cut_pierce",
          "burn_scald", "suffocation", "drowning", "poisoning", "animal", "sexual_assault", "other",
          "unknown")
INTENTS = ("unintentional", "self_harm", "assault", "other", "unknown")
PLACES = ("home", "public_residential", "school_public", "sports", "road", "trade_service",
          "industrial_construction", "farm", "other", "unknown")
ACTIVITIES = ("work", "housework", "study", "sport", "leisure", "vital", "driving", "walking",
              "other", "unknown")
NATURES = ("fracture", "sprain_strain", "open_wound", "contusion_abrasion", "burn", "concussion",
           "organ", "other")
BODY_PARTS = ("head", "upper_limb", "lower_limb", "trunk", "multiple", "whole_body", "other")
SEVERITIES = ("mild", "moderate", "severe")
OUTCOMES = ("treated_and_left", "observed", "transferred", "admitted", "died", "other")
PROJECT_STATUSES = ("new", "continuing")


def one_of(choices):
    return validate.OneOf(choices)


class Payload(Schema):
    class Meta:
        unknown = EXCLUDE


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


class InjuryReportedSchema(Payload):
    case_id = fields.String(required=True)
    source = fields.String(required=True)
    grid_code = fields.String(allow_none=True, load_default=None)
    injury_time = fields.DateTime(required=True)
    visit_time = fields.DateTime(required=True)
    sex = fields.String(required=True, validate=one_of(SEXES))
    age = fields.Integer(required=True, validate=validate.Range(0, 120))
    residence_type = fields.String(required=True, validate=one_of(RESIDENCE_TYPES))
    cause = fields.String(required=True, validate=one_of(CAUSES))
    intent = fields.String(required=True, validate=one_of(INTENTS))
    place = fields.String(required=True, validate=one_of(PLACES))
    activity = fields.String(required=True, validate=one_of(ACTIVITIES))
    nature = fields.String(required=True, validate=one_of(NATURES))
    body_part = fields.String(required=True, validate=one_of(BODY_PARTS))
    severity = fields.String(required=True, validate=one_of(SEVERITIES))
    outcome = fields.String(required=True, validate=one_of(OUTCOMES))


class ProjectCreatedSchema(Payload):
    project_id = fields.String(required=True)
    name = fields.String(required=True)
    intervention_area = fields.String(required=True)
    status = fields.String(required=True, validate=one_of(PROJECT_STATUSES))
    start_date = fields.Date(allow_none=True, load_default=None)


class NotificationSentSchema(Payload):
    notification_id = fields.String(required=True)
    trigger_event_id = fields.String(required=True)
    channel = fields.String(required=True)
    recipient = fields.String(required=True)
    subject = fields.String(required=True)
