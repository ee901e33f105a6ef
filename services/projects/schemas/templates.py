"""Project templates: the file a site loads (validated whole, the entry and field named), and the
request that makes a project from one of its entries."""
from datetime import date

from marshmallow import ValidationError, fields, validate, validates_schema

from ..activities import CAMPAIGNS, FREQUENCIES, KINDS
from ..domain import MEASURE_KINDS, STATUSES
from ..evidence import ELEMENTS
from ..evidence import KINDS as EVIDENCE_KINDS
from .common import (
    AREA_CODE,
    CODE_MAX,
    NAME_MAX,
    SHORT_MAX,
    TEXT_MAX,
    Strict,
    code,
    filled,
    listed,
    one_of,
    record_id,
)
from .indicators import DefineIndicatorSchema
from .projects import MeasureSchema, ProjectFields

MONTH_DAY = validate.Regexp(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", error="a day of the year as MM-DD")


def a_day_of_the_year(value):
    try:
        date(2000, *(int(part) for part in value.split("-")))  # a leap year: 02-29 is a day
    except ValueError:
        raise ValidationError("no such day in any year") from None


def area(**kwargs):
    return fields.String(validate=[validate.Length(1, CODE_MAX), AREA_CODE], **kwargs)


def elements(**kwargs):
    return fields.List(one_of(ELEMENTS), validate=validate.Length(1, len(ELEMENTS)), **kwargs)


class TemplateActivitySchema(Strict):
    """A recurring activity (frequency) or a dated one (day: MM-DD, its next date once the project
    starts; not `on`, which YAML reads as true)."""
    name = filled(NAME_MAX, required=True)
    kind = one_of(KINDS, required=True)
    frequency = one_of(FREQUENCIES, load_default=None)
    day = fields.String(validate=[MONTH_DAY, a_day_of_the_year], load_default=None)
    measure_kind = one_of(MEASURE_KINDS, load_default=None)
    campaign = one_of(CAMPAIGNS, load_default=None)
    hours = fields.Float(allow_nan=False, load_default=None, validate=validate.Range(0.25, 1000))
    owner_department = code(load_default=None)
    place = filled(SHORT_MAX, load_default=None)

    @validates_schema
    def dated_or_recurring(self, data, **kwargs):
        if (data.get("frequency") is None) == (data.get("day") is None):
            raise ValidationError("give either a frequency or a day (MM-DD)", "frequency")
        if data["kind"] == "campaign" and not (data.get("day") and data.get("campaign")):
            raise ValidationError("a campaign is dated and names its campaign", "campaign")
        if data["kind"] in ("training", "drill") and data.get("hours") is None:
            raise ValidationError(f"a {data['kind']} has its length in hours", "hours")


class RequiredEvidenceSchema(Strict):
    kind = one_of(EVIDENCE_KINDS, required=True)
    elements = elements(required=True)
    activity = filled(NAME_MAX, load_default=None)   # the name of one of the entry's activities


class TemplateEntrySchema(Strict):
    code = fields.String(required=True, validate=[validate.Length(1, CODE_MAX), AREA_CODE])
    name = filled(NAME_MAX, required=True)
    intervention_area = area(required=True)
    working_group_area = area(required=True)   # the area whose working group runs it
    status = one_of(STATUSES, required=True)
    measures = listed(fields.Nested(MeasureSchema), load_default=list)
    activities = listed(fields.Nested(TemplateActivitySchema), load_default=list)
    evidence = listed(fields.Nested(RequiredEvidenceSchema), load_default=list)
    indicators = listed(fields.Nested(DefineIndicatorSchema), load_default=list)  # grids: the project's grid if none

    @validates_schema
    def evidence_names_its_activities(self, data, **kwargs):
        names = [item["name"] for item in data.get("activities", ())]
        if len(set(names)) != len(names):
            raise ValidationError("two activities of an entry have the same name", "activities")
        unknown = {item["activity"] for item in data.get("evidence", ())} - set(names) - {None}
        if unknown:
            raise ValidationError(f"names no activity of this entry: {', '.join(sorted(unknown))}", "evidence")


class TemplateSchema(Strict):
    code = fields.String(required=True, validate=[validate.Length(1, CODE_MAX), AREA_CODE])
    name = filled(NAME_MAX, required=True)
    description = filled(TEXT_MAX, load_default=None)
    entries = fields.List(fields.Nested(TemplateEntrySchema), required=True, validate=validate.Length(1, 500))

    @validates_schema
    def entries_once(self, data, **kwargs):
        codes = [entry["code"] for entry in data["entries"]]
        if len(set(codes)) != len(codes):
            raise ValidationError("two entries have the same code", "entries")


class FromTemplateSchema(ProjectFields):
    """{template, entry} and any project field to override the entry's; the activities' owner and
    place where the template names none (the owner defaults to the lead department)."""
    template = fields.String(required=True, validate=[validate.Length(1, CODE_MAX), AREA_CODE])
    entry = fields.String(required=True, validate=[validate.Length(1, CODE_MAX), AREA_CODE])
    owner_department = code(load_default=None, allow_none=True)
    owner_assignment_id = record_id(load_default=None, allow_none=True)
    grid_code = code(load_default=None, allow_none=True)
    place = filled(SHORT_MAX, load_default=None, allow_none=True)
