"""Events projects publishes. Payloads carry ids and codes only: no person's name, no free text
(minutes, notes, places typed in) that might hold one; people are the registry's assignment ids."""
from marshmallow import fields, validate

from . import EventSpec, Payload, one_of

PROJECT_STATUSES = ("new", "continuing")
LIFECYCLE = ("planned", "active", "completed", "suspended")
MEETING_KINDS = ("committee", "working_group", "joint")
FREQUENCIES = ("daily", "weekly", "monthly", "quarterly", "yearly")
TRAINING_KINDS = ("training", "drill")
EVIDENCE_SUBJECTS = ("project", "activity", "occurrence", "meeting")
# AQ/T 9001's twelve elements (services/projects/evidence.py has their Chinese and English labels)
AQT9001_ELEMENTS = ("organisation", "funding_resources", "diagnosis", "promotion_projects", "high_risk",
                    "publicity_training", "emergency", "injury_surveillance", "evaluation", "corrective_action",
                    "archives", "continuous_improvement")


def codes():
    return fields.List(fields.String(), load_default=list)


def maybe(field_class=fields.String, **kwargs):
    return field_class(allow_none=True, load_default=None, **kwargs)


class ProjectCreatedSchema(Payload):
    """v1 had the first five fields; the rest are optional, so v1 readers and writers still agree."""
    project_id = fields.String(required=True)
    name = fields.String(required=True)
    intervention_area = fields.String(required=True)
    status = fields.String(required=True, validate=one_of(PROJECT_STATUSES))
    start_date = fields.Date(allow_none=True, load_default=None)
    lifecycle = maybe(validate=one_of(LIFECYCLE))
    working_group_id = maybe()
    lead_department = maybe()
    partner_departments = codes()
    target_kind = maybe()
    target_code = maybe()
    measure_kinds = codes()


class ProjectUpdatedSchema(Payload):
    project_id = fields.String(required=True)
    changed = fields.List(fields.String(), required=True)   # the names of the fields changed
    intervention_area = fields.String(required=True)
    working_group_id = maybe()
    status = fields.String(required=True, validate=one_of(PROJECT_STATUSES))
    lifecycle = fields.String(required=True, validate=one_of(LIFECYCLE))


class ProjectStatusChangedSchema(Payload):
    project_id = fields.String(required=True)
    previous_lifecycle = fields.String(required=True, validate=one_of(LIFECYCLE))
    lifecycle = fields.String(required=True, validate=one_of(LIFECYCLE))
    intervention_area = fields.String(required=True)
    working_group_id = maybe()
    at = fields.DateTime(required=True)


class WorkingGroupCreatedSchema(Payload):
    working_group_id = fields.String(required=True)
    name = fields.String(required=True)   # a group's name ("Elderly working group"), never a person's
    areas = codes()
    lead_department = maybe()
    partner_departments = codes()
    member_count = fields.Integer(required=True)


class MeetingHeldSchema(Payload):
    meeting_id = fields.String(required=True)
    kind = fields.String(required=True, validate=one_of(MEETING_KINDS))
    held_on = fields.Date(required=True)
    working_group_id = maybe()
    attendance = fields.Integer(required=True)
    decision_count = fields.Integer(required=True)


class ActivityScheduledSchema(Payload):
    activity_id = fields.String(required=True)
    project_id = fields.String(required=True)
    kind = fields.String(required=True)
    frequency = maybe(validate=one_of(FREQUENCIES))
    on = maybe(fields.Date)
    starts_on = maybe(fields.Date)
    ends_on = maybe(fields.Date)
    grid_code = maybe()
    owner_department = maybe()
    owner_assignment_id = maybe()
    campaign = maybe()


class OccurrenceFacts(Payload):
    occurrence_id = fields.String(required=True)
    activity_id = fields.String(required=True)
    project_id = fields.String(required=True)
    kind = fields.String(required=True)
    scheduled_on = fields.Date(required=True)


class ActivityCompletedSchema(OccurrenceFacts):
    done_on = fields.Date(required=True)
    reached = fields.Integer(required=True)
    leaflets = maybe(fields.Integer)


class ActivityMissedSchema(OccurrenceFacts):
    due_on = fields.Date(required=True)


class TrainingHeldSchema(OccurrenceFacts):
    held_on = fields.Date(required=True)
    hours = fields.Float(required=True)
    attendance = fields.Integer(required=True)
    attendee_ids = codes()          # the registry's assignment ids of those who signed in by name
    certificates_issued = fields.Integer(required=True)


class EvidenceAddedSchema(Payload):
    """No file name: a sign-in sheet or a photo is often named after the people on it."""
    evidence_id = fields.String(required=True)
    subject_kind = fields.String(required=True, validate=one_of(EVIDENCE_SUBJECTS))   # what it is attached to
    subject_id = fields.String(required=True)
    project_id = maybe()          # none for a meeting's
    activity_id = maybe()
    kind = fields.String(required=True)
    elements = fields.List(fields.String(validate=one_of(AQT9001_ELEMENTS)), required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)


class LetterSignedSchema(Payload):
    """A responsibility letter signed: the parties by code (a department, a grid, a unit), no names."""
    letter_id = fields.String(required=True)
    kind = fields.String(required=True)
    level = fields.String(required=True)        # district, street, community, unit: who signed
    issuer_code = fields.String(required=True)  # a department's or grid's code
    party_code = fields.String(required=True)   # a grid's code or a unit's id
    period_from = fields.Date(required=True)
    period_to = fields.Date(required=True)
    signed_on = fields.Date(required=True)
    project_id = maybe()
    target_count = fields.Integer(required=True)


INDICATOR_DIRECTIONS = ("at_most", "at_least")  # the target is a ceiling (falls per 1,000) or a floor (alarms working)


class IndicatorUpdatedSchema(Payload):
    """A project's indicator has a new value for a month: counts and codes, no case or person."""
    indicator_id = fields.String(required=True)
    project_id = fields.String(required=True)
    code = fields.String(required=True)
    month = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$"))  # the site's YYYY-MM
    numerator = fields.Float(required=True)
    denominator = fields.Float(allow_none=True, load_default=None)  # none for a plain count
    value = fields.Float(allow_none=True, load_default=None)        # none while the denominator is 0
    target = fields.Float(allow_none=True, load_default=None)
    direction = fields.String(allow_none=True, load_default=None, validate=one_of(INDICATOR_DIRECTIONS))
    on_target = fields.Boolean(allow_none=True, load_default=None)  # none without a target or a value


EVENTS = (
    EventSpec("project.created", "projects", ProjectCreatedSchema(), 1, ("reports",),
              "A safety-promotion project was created."),
    EventSpec("project.updated", "projects", ProjectUpdatedSchema(), 1, ("reports",),
              "A project's details changed (the names of the fields changed, not their values)."),
    EventSpec("project.status_changed", "projects", ProjectStatusChangedSchema(), 1, ("reports",),
              "A project moved in its life cycle (planned, active, completed, suspended)."),
    EventSpec("working_group.created", "projects", WorkingGroupCreatedSchema(), 1, ("reports",),
              "A working group was set up for one or more intervention areas."),
    EventSpec("meeting.held", "projects", MeetingHeldSchema(), 1, ("reports",),
              "A committee, working-group or joint meeting was held."),
    EventSpec("activity.scheduled", "projects", ActivityScheduledSchema(), 1, ("reports",),
              "A project's activity was scheduled, dated or recurring."),
    EventSpec("activity.completed", "projects", ActivityCompletedSchema(), 1, ("reports",),
              "An occurrence of an activity was reported done."),
    EventSpec("activity.missed", "projects", ActivityMissedSchema(), 1, ("reports",),
              "An occurrence of an activity was not reported done by its due date."),
    EventSpec("training.held", "projects", TrainingHeldSchema(), 1, ("reports",),
              "A training or drill was held, with its hours and attendance."),
    EventSpec("evidence.added", "projects", EvidenceAddedSchema(), 1, ("reports",),
              "A file of evidence was attached to a project, activity, occurrence or meeting, tagged with "
              "the AQ/T 9001 elements it supports."),
    EventSpec("letter.signed", "projects", LetterSignedSchema(), 1, ("reports",),
              "A responsibility letter (目标责任书, 安全责任状, 承诺书) was signed, at its level."),
    EventSpec("indicator.updated", "projects", IndicatorUpdatedSchema(), 1, ("reports",),
              "A project's indicator has a new value for a month (numerator, denominator, value, against its target)."),
)
