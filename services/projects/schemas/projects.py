"""Projects' HTTP input and output: the project, its life cycle and its funding ledger."""
from marshmallow import Schema, fields, post_load, validate

from ..domain import LIFECYCLE, MEASURE_KINDS, STATUSES, TARGET_KINDS
from .common import (
    AREA_CODE,
    CODE_MAX,
    NAME_MAX,
    NOTE_MAX,
    SHORT_MAX,
    TEXT_MAX,
    Query,
    Strict,
    code,
    day,
    figure,
    filled,
    listed,
    money,
    one_of,
    record_id,
    text,
    unique_codes,
)


class TargetSchema(Strict):
    """干预对象: a registry tag (elderly), unit type (construction_site) or grid (its whole scope)."""
    kind = one_of(TARGET_KINDS, required=True)
    code = code(required=True)


class BaselineSchema(Strict):
    """The diagnosis' figure, its period and where it came from ("forklift accidents, last 3 years")."""
    figure = figure(required=True)
    period = filled(SHORT_MAX, required=True)
    source = filled(SHORT_MAX, required=True)


class GoalSchema(Strict):
    description = filled(TEXT_MAX, required=True)
    target = figure(required=True)
    unit = text(40, load_default=None, allow_none=True)
    due_on = day(required=True)


class MeasureSchema(Strict):
    kind = one_of(MEASURE_KINDS, required=True)
    description = filled(TEXT_MAX, required=True)


def nullable(field_class, *args, **kwargs):
    return field_class(*args, allow_none=True, **kwargs)


class ProjectFields(Strict):
    """The fields a project is created with; PATCH takes any of them (null clears an optional one)."""
    name = filled(NAME_MAX)
    intervention_area = fields.String(validate=[validate.Length(1, CODE_MAX), AREA_CODE])
    status = one_of(STATUSES)
    working_group_id = nullable(record_id)
    working_group = nullable(text, NAME_MAX)
    target_group = nullable(text, NAME_MAX)
    start_date = nullable(day)
    lead_department = nullable(code)
    partner_departments = unique_codes()
    target = fields.Nested(TargetSchema, allow_none=True)
    baseline = fields.Nested(BaselineSchema, allow_none=True)
    goals = listed(fields.Nested(GoalSchema))
    measures = listed(fields.Nested(MeasureSchema))
    budget = nullable(money)

    @post_load
    def flatten(self, data, **kwargs):
        """target and baseline as the domain keeps them, one field each."""
        if "target" in data:
            target = data.pop("target") or {}
            data["target_kind"], data["target_code"] = target.get("kind"), target.get("code")
        if "baseline" in data:
            baseline = data.pop("baseline") or {}
            for part in ("figure", "period", "source"):
                data[f"baseline_{part}"] = baseline.get(part)
        for goal in data.get("goals", ()):  # kept as JSON: the day as its ISO text
            goal["due_on"] = goal["due_on"].isoformat()
        return data


class CreateProjectSchema(ProjectFields):
    name = filled(NAME_MAX, required=True)
    intervention_area = fields.String(required=True, validate=[validate.Length(1, CODE_MAX), AREA_CODE])
    status = one_of(STATUSES, load_default="new")


class ChangeProjectSchema(ProjectFields):
    pass


class MoveProjectSchema(Strict):
    to = one_of(LIFECYCLE, required=True)
    reason = text(NOTE_MAX, load_default=None, allow_none=True)


class FundingSchema(Strict):
    source = filled(SHORT_MAX, required=True)
    amount = money(required=True)
    spent = money(load_default=0.0)
    recorded_on = day(load_default=None)
    note = text(NOTE_MAX, load_default=None, allow_none=True)


class ProjectQuerySchema(Query):
    """intervention_area, working_group_id, status, lifecycle; limit and offset."""
    intervention_area = text(CODE_MAX)
    working_group_id = text(36)
    status = text(20)
    lifecycle = text(20)


class ProjectSchema(Schema):
    id = fields.String()
    name = fields.String()
    intervention_area = fields.String()
    status = fields.String()
    lifecycle = fields.String()
    working_group_id = fields.String(allow_none=True)
    working_group = fields.String(allow_none=True)
    target_group = fields.String(allow_none=True)
    start_date = fields.Date(allow_none=True)
    lead_department = fields.String(allow_none=True)
    partner_departments = fields.List(fields.String())
    target = fields.Function(lambda p: {"kind": p.target_kind, "code": p.target_code} if p.target_kind else None)
    baseline = fields.Function(lambda p: None if p.baseline_figure is None else {
        "figure": p.baseline_figure, "period": p.baseline_period, "source": p.baseline_source})
    goals = fields.Raw()
    measures = fields.Raw()
    budget = fields.Float(allow_none=True)
    created_by = fields.String(allow_none=True)
    created_at = fields.DateTime(allow_none=True)
    changed_by = fields.String(allow_none=True)
    changed_at = fields.DateTime(allow_none=True)
