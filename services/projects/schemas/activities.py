"""Activities' HTTP input and output: activities, their occurrences, and training hours."""
from marshmallow import Schema, fields, validate

from ..activities import CAMPAIGNS, FREQUENCIES, KINDS
from ..domain import MEASURE_KINDS
from .common import (
    NAME_MAX,
    NOTE_MAX,
    SHORT_MAX,
    Query,
    Strict,
    code,
    count,
    day,
    filled,
    one_of,
    record_id,
    text,
    unique_ids,
    year,
)


class ReportDoneSchema(Strict):
    done_on = day(required=True)
    reached = count(required=True)         # people reached; a training's or drill's attendance
    attendee_ids = unique_ids(load_default=list)
    certificates_issued = count(load_default=None, allow_none=True)
    leaflets = count(load_default=None, allow_none=True)
    note = text(NOTE_MAX, load_default=None, allow_none=True)


class ScheduleActivitySchema(Strict):
    """An owner (an assignment id or a department code), a place (a grid code or words), and either
    a date (`on`) or a frequency with its first day (and last, if it ends); `done` reports a dated
    one held already."""
    name = filled(NAME_MAX, required=True)
    kind = one_of(KINDS, load_default="activity")
    owner_assignment_id = record_id(load_default=None, allow_none=True)
    owner_department = code(load_default=None, allow_none=True)
    grid_code = code(load_default=None, allow_none=True)
    place = filled(SHORT_MAX, load_default=None, allow_none=True)
    on = day(load_default=None, allow_none=True)
    frequency = one_of(FREQUENCIES, load_default=None, allow_none=True)
    starts_on = day(load_default=None, allow_none=True)
    ends_on = day(load_default=None, allow_none=True)
    measure_kind = one_of(MEASURE_KINDS, load_default=None, allow_none=True)
    trainer = filled(SHORT_MAX, load_default=None, allow_none=True)
    qualification = filled(SHORT_MAX, load_default=None, allow_none=True)
    hours = fields.Float(allow_nan=False, load_default=None, allow_none=True, validate=validate.Range(0.25, 1000))
    campaign = one_of(CAMPAIGNS, load_default=None, allow_none=True)
    # a dated activity already held (last week's training) is reported with it, so the timer
    # cannot mark it missed in between
    done = fields.Nested(ReportDoneSchema, load_default=None, allow_none=True)


class OccurrenceQuerySchema(Query):
    status = text(20)


class ActivityQuerySchema(Query):
    pass


class TrainingHoursQuerySchema(Strict):
    year = year(required=True)


class ActivitySchema(Schema):
    id, project_id, name, kind = fields.String(), fields.String(), fields.String(), fields.String()
    owner_assignment_id, owner_department = fields.String(allow_none=True), fields.String(allow_none=True)
    grid_code, place = fields.String(allow_none=True), fields.String(allow_none=True)
    on, frequency = fields.Date(allow_none=True), fields.String(allow_none=True)
    starts_on, ends_on = fields.Date(allow_none=True), fields.Date(allow_none=True)
    measure_kind, campaign = fields.String(allow_none=True), fields.String(allow_none=True)
    trainer, qualification = fields.String(allow_none=True), fields.String(allow_none=True)
    hours = fields.Float(allow_none=True)
    created_by, created_at = fields.String(allow_none=True), fields.DateTime(allow_none=True)


class OccurrenceSchema(Schema):
    id, activity_id, project_id, kind, status = (fields.String() for _ in range(5))
    scheduled_on, due_on, done_on = fields.Date(), fields.Date(), fields.Date(allow_none=True)
    reached, certificates_issued = fields.Integer(allow_none=True), fields.Integer(allow_none=True)
    leaflets, attendee_ids = fields.Integer(allow_none=True), fields.List(fields.String())
    note, reported_by = fields.String(allow_none=True), fields.String(allow_none=True)
    reported_at, missed_at = fields.DateTime(allow_none=True), fields.DateTime(allow_none=True)
