"""Events incidents publishes, and the code lists they use (labels: services/incidents/codes.py).

No event carries a patient's name or ID number, nor free text that might hold them.
"""
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

ACCIDENT_KINDS = ("traffic", "fire", "work", "gas", "drowning", "poisoning", "food_poisoning",
                  "special_equipment", "school", "other")
PUBLIC_ORDER_KINDS = ("criminal_alert", "burglary", "dispute", "petition", "other")
DISPUTE_STAGES = ("warned", "investigated", "mediated")  # 预警 → 排查 → 调处
HAZARD_CATEGORIES = ("fire", "electrical", "gas", "structural", "traffic", "chemical", "special_equipment",
                     "food", "public_order", "environment", "other")
HAZARD_SEVERITIES = ("general", "major")
HAZARD_STATUSES = ("reported", "notified", "rectifying", "rectified", "verified", "closed")
INTAKE_CHANNELS = ("http", "amqp", "csv")


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


class InjuryAmendedSchema(InjuryReportedSchema):
    """The case as it now stands (every card field again), its new version and what changed."""
    version = fields.Integer(required=True, validate=validate.Range(min=2))
    changed = fields.List(fields.String(), required=True)


class AccidentReportedSchema(Payload):
    accident_id = fields.String(required=True)
    source = fields.String(required=True)
    kind = fields.String(required=True, validate=one_of(ACCIDENT_KINDS))
    occurred_at = fields.DateTime(required=True)
    grid_code = fields.String(allow_none=True, load_default=None)
    unit_id = fields.String(allow_none=True, load_default=None)  # registry's unit, when one was named
    deaths = fields.Integer(required=True, validate=validate.Range(min=0))
    injuries = fields.Integer(required=True, validate=validate.Range(min=0))
    economic_loss = fields.Float(allow_none=True, load_default=None)  # yuan
    mass_casualty = fields.Boolean(required=True)


class PublicOrderReportedSchema(Payload):
    public_order_id = fields.String(required=True)
    source = fields.String(required=True)
    kind = fields.String(required=True, validate=one_of(PUBLIC_ORDER_KINDS))
    occurred_at = fields.DateTime(required=True)
    grid_code = fields.String(allow_none=True, load_default=None)


class PublicOrderAdvancedSchema(Payload):
    """A dispute took its next step of mediation: 预警 warned → 排查 investigated → 调处 mediated."""
    public_order_id = fields.String(required=True)
    source = fields.String(required=True)
    kind = fields.String(required=True, validate=one_of(PUBLIC_ORDER_KINDS))
    grid_code = fields.String(allow_none=True, load_default=None)
    stage = fields.String(required=True, validate=one_of(DISPUTE_STAGES))
    at = fields.DateTime(required=True)


class HazardEventSchema(Payload):
    """What every hazard event carries, so a consumer can route it without asking for more."""
    hazard_id = fields.String(required=True)
    category = fields.String(required=True, validate=one_of(HAZARD_CATEGORIES))
    severity = fields.String(required=True, validate=one_of(HAZARD_SEVERITIES))
    grid_code = fields.String(allow_none=True, load_default=None)
    status = fields.String(required=True, validate=one_of(HAZARD_STATUSES))
    deadline = fields.DateTime(required=True)
    at = fields.DateTime(required=True)  # when it happened


class HazardReportedSchema(HazardEventSchema):
    found_by = fields.String(required=True)
    source = fields.String(required=True)
    unit_id = fields.String(allow_none=True, load_default=None)  # registry's unit, when one was named


class HazardNotifiedSchema(HazardEventSchema):
    responsible_party = fields.String(required=True)


class HazardEscalatedSchema(HazardEventSchema):
    to_department = fields.String(required=True)
    level = fields.Integer(required=True, validate=validate.Range(min=1))
    automatic = fields.Boolean(required=True)  # a major hazard, escalated at once by policy


class HazardVerifiedSchema(HazardEventSchema):
    on_time = fields.Boolean(required=True)


class IntakeRejectedSchema(Payload):
    rejection_id = fields.String(required=True)
    channel = fields.String(required=True, validate=one_of(INTAKE_CHANNELS))
    department = fields.String(allow_none=True, load_default=None)
    kind = fields.String(allow_none=True, load_default=None)
    source = fields.String(allow_none=True, load_default=None)
    external_id = fields.String(allow_none=True, load_default=None)
    reasons = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)


def _spec(type_, schema, summary, consumers=("reports",)):
    return EventSpec(type_, "incidents", schema, 1, consumers, summary)


TOLD = ("reports", "notifications")  # the events a notifications rule or subscription may tell
COUNTED = ("reports", "projects")     # the events a project's indicator may count


EVENTS = (
    EventSpec("injury.reported", "incidents", InjuryReportedSchema(), 1, ("reports", "notifications", "projects"),
              "A hospital or health centre reported an injury case (no patient identity)."),
    _spec("injury.amended", InjuryAmendedSchema(),
          "An injury case was corrected: the whole case as it now stands, its version and the fields changed.",
          COUNTED),
    _spec("accident.reported", AccidentReportedSchema(),
          "A department reported an accident (traffic, fire, work...) with its deaths, injuries and loss.",
          TOLD + ("projects",)),
    _spec("public_order.reported", PublicOrderReportedSchema(),
          "A public-order event (alert, burglary, dispute, petition) was reported.", COUNTED),
    _spec("public_order.advanced", PublicOrderAdvancedSchema(),
          "A dispute took its next step of mediation (warned, investigated, mediated)."),
    _spec("hazard.reported", HazardReportedSchema(), "A hazard was reported, with its deadline from the policy.",
          TOLD + ("projects",)),
    _spec("hazard.notified", HazardNotifiedSchema(),
          "A rectification notice was served on the party responsible for a hazard.", TOLD),
    _spec("hazard.rectified", HazardEventSchema(), "A hazard was reported rectified, with evidence."),
    _spec("hazard.verified", HazardVerifiedSchema(), "A hazard's rectification was checked and accepted."),
    _spec("hazard.reopened", HazardEventSchema(), "A hazard's rectification failed verification; rectifying again."),
    _spec("hazard.escalated", HazardEscalatedSchema(), "A hazard was escalated to a higher department.", TOLD),
    _spec("hazard.overdue", HazardEventSchema(), "A hazard passed its deadline before being rectified (once).", TOLD),
    _spec("hazard.reminded", HazardEventSchema(), "An open hazard is due or overdue: a reminder, as the policy says.",
          TOLD),
    _spec("hazard.closed", HazardVerifiedSchema(), "A verified hazard was closed."),
    _spec("intake.rejected", IntakeRejectedSchema(),
          "A department's message to the intake was refused, with the reasons per field."),
)
