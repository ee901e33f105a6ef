"""Events incidents publishes, and the injury surveillance card's code lists they use."""
from marshmallow import fields, validate

from . import RESIDENCE_TYPES, SEXES, EventSpec, Payload, one_of

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


EVENTS = (
    EventSpec("injury.reported", "incidents", InjuryReportedSchema(), 1, ("reports", "notifications"),
              "A hospital or health centre reported an injury case (no patient identity)."),
)
