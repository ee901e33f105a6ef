"""The organisation's HTTP input and output: areas, working groups and meetings."""
from marshmallow import Schema, fields, validate

from safecommunity import sitetime

from ..organisation import MEETING_KINDS
from .common import (
    AREA_CODE,
    CODE_MAX,
    MINUTES_MAX,
    NAME_MAX,
    TEXT_MAX,
    Query,
    Strict,
    code,
    count,
    day,
    filled,
    listed,
    one_of,
    record_id,
    text,
    unique_codes,
    unique_ids,
    year,
)


def area_code(**kwargs):
    return fields.String(validate=[validate.Length(1, CODE_MAX), AREA_CODE], **kwargs)


class AddAreaSchema(Strict):
    code = area_code(required=True)
    name = filled(NAME_MAX, required=True)


class RenameAreaSchema(Strict):
    name = filled(NAME_MAX, required=True)


class MergeAreaSchema(Strict):
    into = area_code(required=True)


class GroupFields(Strict):
    name = filled(NAME_MAX)
    areas = fields.List(area_code(), validate=validate.Length(max=40))
    lead_department = code(allow_none=True)
    partner_departments = unique_codes()
    members = unique_ids()


class CreateGroupSchema(GroupFields):
    name = filled(NAME_MAX, required=True)
    areas = fields.List(area_code(), required=True, validate=validate.Length(1, 40))


class ChangeGroupSchema(GroupFields):
    pass


class MergeGroupSchema(Strict):
    into = record_id(required=True)


class DecisionSchema(Strict):
    text = filled(TEXT_MAX, required=True)
    owner = filled(CODE_MAX, required=True)  # an assignment id or a department code
    due_on = day(required=True)


class HoldMeetingSchema(Strict):
    held_on = day(required=True)
    kind = one_of(MEETING_KINDS, required=True)
    working_group_id = record_id(load_default=None, allow_none=True)
    attendance = count(required=True)
    attendee_ids = unique_ids(load_default=list)
    minutes = text(MINUTES_MAX, load_default=None, allow_none=True)
    decisions = listed(fields.Nested(DecisionSchema), load_default=list)


class MeetingQuerySchema(Query):
    kind = text(20)
    working_group_id = text(36)
    year = year()


class CommitteeSchema(Strict):
    """The promotion committee: its office (a department code, usually work safety's) and its
    members (assignment ids); PUT replaces both."""
    office_department = code(required=True, allow_none=True)
    members = unique_ids(required=True)


class OrganisationHistoryQuerySchema(Query):
    pass


class QuarterQuerySchema(Strict):
    year = year(required=True)


class AreaSchema(Schema):
    code, name, working_group_id = fields.String(), fields.String(), fields.String(allow_none=True)


class GroupSchema(Schema):
    id, name = fields.String(), fields.String()
    areas, partner_departments, members = fields.List(fields.String()), fields.List(fields.String()), fields.Raw()
    lead_department = fields.String(allow_none=True)
    created_by, changed_by = fields.String(allow_none=True), fields.String(allow_none=True)
    created_at, changed_at = fields.DateTime(allow_none=True), fields.DateTime(allow_none=True)


class MeetingSchema(Schema):
    id, kind, working_group_id = fields.String(), fields.String(), fields.String(allow_none=True)
    held_on, attendance, attendee_ids = fields.Date(), fields.Integer(), fields.List(fields.String())
    minutes, decisions = fields.String(allow_none=True), fields.Raw()
    created_by, created_at = fields.String(allow_none=True), fields.DateTime(allow_none=True)


class PersonInRoleSchema(Schema):
    """A person in a role, by the registry's key (never a name), with the term's last day and
    whether it is current today (the site's calendar)."""
    assignment_id, person_key, role = fields.String(), fields.String(), fields.String()
    grid_code, department_code = fields.String(allow_none=True), fields.String(allow_none=True)
    term_from, term_to = fields.Date(), fields.Date(attribute="last_day", allow_none=True)
    current = fields.Function(lambda person: person.current_on(sitetime.today()))
