"""Events registry publishes.

Resident events carry a pseudonymous resident id and what population denominators are counted
by (grid, sex, birth year, residence type, tags) so a consumer can keep counts per grid, age band,
sex and tag from the events alone: never a name, ID number, phone or address. They also say which
tags are sensitive (the site's taxonomy decides), so a consumer never shows those to the public
without keeping a list of its own; None means the event does not say (events from before this
was added, or the registry did not have the tag types at hand), never "not sensitive".

Department and assignment events say who holds which role where, for finding recipients: the
person by a stable key (`person_key`: the resident id of a registered resident, else the
assignment's own id), never by name or phone.
"""
from marshmallow import fields, validate

from . import RESIDENCE_TYPES, SEXES, EventSpec, Payload, one_of

RISK_GRADES = ("major", "high", "moderate", "low")
FACILITY_STATUSES = ("in_order", "faulty", "out_of_service")
# the registry's department kinds and role codes (services/registry/offices.py: its tests keep them equal)
DEPARTMENT_KINDS = (
    "work_safety", "police", "traffic_police", "fire", "health", "civil_affairs", "education",
    "urban_management", "market_regulation", "housing_construction", "meteorology", "migrant_office",
    "justice", "womens_federation", "disabled_persons_federation", "trade_union", "utilities", "other")
ROLE_CODES = (
    "committee_office_staff", "working_group_lead", "department_data_officer", "community_safety_inspector",
    "grid_head", "grid_information_officer", "building_head", "property_staff", "school_principal", "volunteer",
    "expert")


class GridCreatedSchema(Payload):
    code = fields.String(required=True)  # a grid's code is its identity on every service
    name = fields.String(required=True)
    level = fields.String(required=True)
    parent_code = fields.String(allow_none=True, load_default=None)


class ResidentKey(Payload):
    """What a resident is counted by; every resident event carries it as it is now."""
    resident_id = fields.String(required=True)
    grid_code = fields.String(required=True)
    sex = fields.String(required=True, validate=one_of(SEXES))
    birth_year = fields.Integer(required=True, validate=validate.Range(1880, 2200))
    residence_type = fields.String(required=True, validate=one_of(RESIDENCE_TYPES))


def _sensitive_tags_field():
    """Which of the event's tags are sensitive; None: not said."""
    return fields.List(fields.String(), allow_none=True, load_default=None)


def _sensitive_field():
    """Whether the event's tag is sensitive; None: not said."""
    return fields.Boolean(allow_none=True, load_default=None)


class ResidentRegisteredSchema(ResidentKey):
    registered_on = fields.Date(required=True)
    tags = fields.List(fields.String(), load_default=list)  # added in version 1; absent means none
    sensitive_tags = _sensitive_tags_field()


class PreviousKey(Payload):
    grid_code = fields.String(required=True)
    sex = fields.String(required=True)
    birth_year = fields.Integer(required=True)
    residence_type = fields.String(required=True)


class ResidentUpdatedSchema(ResidentKey):
    tags = fields.List(fields.String(), required=True)
    previous = fields.Nested(PreviousKey, required=True)  # the key before: count it down, the new one up
    changed = fields.List(fields.String(), required=True)  # field names only, never their values
    sensitive_tags = _sensitive_tags_field()


class ResidentMovedOutSchema(ResidentKey):
    tags = fields.List(fields.String(), required=True)
    moved_out_on = fields.Date(required=True)
    sensitive_tags = _sensitive_tags_field()


class ResidentTaggedSchema(ResidentKey):
    tag = fields.String(required=True)
    tagged_on = fields.Date(required=True)
    sensitive = _sensitive_field()


class ResidentUntaggedSchema(ResidentKey):
    tag = fields.String(required=True)
    untagged_on = fields.Date(required=True)
    sensitive = _sensitive_field()


class UnitSchema(Payload):
    unit_id = fields.String(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True)
    grid_code = fields.String(required=True)
    credit_code = fields.String(allow_none=True, load_default=None)
    scale = fields.String(allow_none=True, load_default=None)
    industry = fields.String(allow_none=True, load_default=None)
    hazardous_chemicals = fields.Boolean(required=True)
    major_hazard_source = fields.Boolean(required=True)
    risk_grade = fields.String(allow_none=True, load_default=None, validate=one_of(RISK_GRADES))
    special_workers = fields.Integer(required=True)
    certified_special_workers = fields.Integer(required=True)


class UnitRegisteredSchema(UnitSchema):
    registered_on = fields.Date(required=True)


class UnitUpdatedSchema(UnitSchema):
    changed = fields.List(fields.String(), required=True)


class UnitRiskGradedSchema(Payload):
    unit_id = fields.String(required=True)
    type = fields.String(required=True)
    grid_code = fields.String(required=True)
    risk_grade = fields.String(required=True, validate=one_of(RISK_GRADES))
    previous_risk_grade = fields.String(allow_none=True, load_default=None)
    graded_on = fields.Date(required=True)


class FacilitySchema(Payload):
    facility_id = fields.String(required=True)
    code = fields.String(required=True)
    type = fields.String(required=True)
    grid_code = fields.String(required=True)
    unit_id = fields.String(allow_none=True, load_default=None)
    status = fields.String(required=True, validate=one_of(FACILITY_STATUSES))
    expires_on = fields.Date(allow_none=True, load_default=None)
    next_inspection_due = fields.Date(required=True)


class FacilityRegisteredSchema(FacilitySchema):
    pass


class FacilityInspectedSchema(FacilitySchema):
    inspected_on = fields.Date(required=True)


class FacilityUpdatedSchema(FacilitySchema):
    changed = fields.List(fields.String(), required=True)


class RentalSchema(Payload):
    """A rental as reports counts it: never its address, landlord or tenants' identities."""
    rental_id = fields.String(required=True)
    grid_code = fields.String(required=True)
    group_rental = fields.Boolean(required=True)
    basement = fields.Boolean(required=True)
    letter_signed = fields.Boolean(required=True)  # the landlord's responsibility letter (target 100 %)
    tenants = fields.Integer(required=True, validate=validate.Range(0))  # how many, now
    inspection_score = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(0, 10))


class RentalRegisteredSchema(RentalSchema):
    registered_on = fields.Date(required=True)


class RentalUpdatedSchema(RentalSchema):
    changed = fields.List(fields.String(), required=True)  # field names only ("tenants", "inspection_score"…)


class VolunteerSchema(Payload):
    """A volunteer as reports counts them (per resident, per grid): never who they are or serve."""
    volunteer_id = fields.String(required=True)
    grid_code = fields.String(required=True)  # the volunteer's own grid when they registered
    type = fields.String(required=True)
    certified = fields.Boolean(required=True)  # holds a duty certificate valid on the day of the event
    certificate_expires_on = fields.Date(allow_none=True, load_default=None)


class VolunteerRegisteredSchema(VolunteerSchema):
    registered_on = fields.Date(required=True)


class VolunteerUpdatedSchema(VolunteerSchema):
    changed = fields.List(fields.String(), required=True)


class VolunteerLeftSchema(VolunteerSchema):
    left_on = fields.Date(required=True)


class DepartmentRegisteredSchema(Payload):
    code = fields.String(required=True)
    name = fields.String(required=True)  # a department's name is not personal data
    kind = fields.String(required=True, validate=one_of(DEPARTMENT_KINDS))


class AssignmentSchema(Payload):
    """A person in a role: where it is held, its term, and the person by a key, never a name or phone."""
    assignment_id = fields.String(required=True)
    person_key = fields.String(required=True)  # the resident id of a registered resident, else assignment_id
    role = fields.String(required=True, validate=one_of(ROLE_CODES))
    grid_code = fields.String(allow_none=True, load_default=None)  # one of grid_code and department_code
    department_code = fields.String(allow_none=True, load_default=None)
    term_from = fields.Date(required=True)


class AssignmentStartedSchema(AssignmentSchema):
    term_to = fields.Date(allow_none=True, load_default=None)  # the last day in office; None: open-ended


class AssignmentEndedSchema(AssignmentSchema):
    term_to = fields.Date(required=True)  # the last day in office


# notifications finds recipients by them; reports takes every event (its journal, for rebuilds)
ROLE_CONSUMERS = ("notifications", "reports")
ASSIGNMENT_CONSUMERS = (*ROLE_CONSUMERS, "projects")  # projects checks members, attendees and owners by them
DENOMINATORS = ("reports", "projects")  # projects counts residents, units and facilities for indicators


def _spec(type_, schema, summary, consumers=("reports",)):
    return EventSpec(type_, "registry", schema, 1, consumers, summary)


EVENTS = (
    _spec("grid.created", GridCreatedSchema(), "A grid (any level of the hierarchy) was created.",
          consumers=("incidents", "reports", "notifications", "projects")),
    _spec("resident.registered", ResidentRegisteredSchema(),
          "A resident was registered in a grid (no name or ID number: sex, birth year, residence type, tags "
          "and which are sensitive).", DENOMINATORS),
    _spec("resident.updated", ResidentUpdatedSchema(),
          "A resident's record changed (the key counted by, before and after; names of changed fields; "
          "tags and which are sensitive).", DENOMINATORS),
    _spec("resident.moved_out", ResidentMovedOutSchema(), "A resident moved out of the district.", DENOMINATORS),
    _spec("resident.tagged", ResidentTaggedSchema(),
          "A resident was given a group tag (elderly, disabled…), and whether the tag is sensitive.", DENOMINATORS),
    _spec("resident.untagged", ResidentUntaggedSchema(),
          "A resident's group tag was taken off, and whether the tag is sensitive.", DENOMINATORS),
    _spec("unit.registered", UnitRegisteredSchema(), "A unit (enterprise, shop, school…) was registered.",
          consumers=("incidents", "reports", "projects", "notifications")),
    _spec("unit.updated", UnitUpdatedSchema(), "A unit's record changed.",
          consumers=("incidents", "reports", "projects", "notifications")),
    _spec("unit.risk_graded", UnitRiskGradedSchema(), "A unit was given a (new) risk grade."),
    _spec("facility.registered", FacilityRegisteredSchema(),
          "A safety facility (hydrant, extinguisher, gas alarm…) was registered.", DENOMINATORS),
    _spec("facility.updated", FacilityUpdatedSchema(), "A facility's record changed.", DENOMINATORS),
    _spec("facility.inspected", FacilityInspectedSchema(), "A facility was inspected (status, next due date).",
          DENOMINATORS),
    _spec("rental.registered", RentalRegisteredSchema(),
          "A rental dwelling was registered (grid, group rental, basement, letter signed, tenant count, score)."),
    _spec("rental.updated", RentalUpdatedSchema(),
          "A rental's record, tenants or inspection score changed (its state now; names of changed fields)."),
    _spec("volunteer.registered", VolunteerRegisteredSchema(),
          "A resident registered as a volunteer (grid, type, whether they hold a valid duty certificate)."),
    _spec("volunteer.updated", VolunteerUpdatedSchema(), "A volunteer's type or certificate changed."),
    _spec("volunteer.left", VolunteerLeftSchema(), "A volunteer stopped volunteering (their pairings end)."),
    _spec("department.registered", DepartmentRegisteredSchema(), "A department (police station, fire brigade…) "
          "was added (code, name, kind).", consumers=ROLE_CONSUMERS),
    _spec("assignment.started", AssignmentStartedSchema(),
          "Someone was appointed to a role in a grid or department (a person key, never a name or phone; "
          "the term of office).", consumers=ASSIGNMENT_CONSUMERS),
    _spec("assignment.ended", AssignmentEndedSchema(), "A person's term in a role was ended (its last day).",
          consumers=ASSIGNMENT_CONSUMERS),
)
