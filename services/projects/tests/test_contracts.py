"""project.created stays v1: a v1 payload is still valid, and what is added is optional."""
from datetime import date

from marshmallow import Schema, fields

from safecommunity.catalogue import CATALOGUE
from safecommunity.contracts.projects import ProjectCreatedSchema
from services.projects.domain import Project

V1 = {"project_id": "p-1", "name": "Falls", "intervention_area": "elderly", "status": "new",
      "start_date": "2026-03-01"}


class V1Reader(Schema):
    """project.created as v1 read it (reports' view keeps these fields)."""
    class Meta:
        unknown = "exclude"

    project_id, name = fields.String(required=True), fields.String(required=True)
    intervention_area, status = fields.String(required=True), fields.String(required=True)
    start_date = fields.Date(allow_none=True, load_default=None)


def test_a_v1_project_created_is_still_valid_and_a_new_one_reads_as_v1():
    assert CATALOGUE["project.created"].version == 1
    assert ProjectCreatedSchema().validate(V1) == {}
    loaded = ProjectCreatedSchema().load(V1)
    assert loaded["partner_departments"] == [] and loaded["lifecycle"] is None
    added = set(ProjectCreatedSchema().fields) - set(V1)
    assert added and not any(ProjectCreatedSchema().fields[name].required for name in added)
    [(_, data)] = Project.create(name="Falls", intervention_area="elderly", start_date=date(2026, 3, 1),
                                 lead_department="health").collect_events()
    payload = ProjectCreatedSchema().dump(data)
    assert payload["lead_department"] == "health"
    assert V1Reader().load(payload) == {"project_id": data["project_id"], "name": "Falls",
                                        "intervention_area": "elderly", "status": "new",
                                        "start_date": date(2026, 3, 1)}


FREE_TEXT = {"minutes", "note", "place", "trainer", "qualification", "text", "description", "reason", "filename"}
MACHINE_MADE = {"sha256", "content_type"}  # a file's hash and the type read from its content: never typed in
NOT_TEXT = ("_id", "_on", "kind", "code", "status", "lifecycle", "department", "frequency", "campaign", "area",
            "level", "month", "direction")


def test_no_projects_event_carries_free_text_or_a_persons_name():
    texts = {"name"}  # a project's or working group's name only; the rest are ids, codes and days
    for spec in CATALOGUE.values():
        if spec.producer == "projects":
            assert not FREE_TEXT & set(spec.schema.fields), spec.type
            assert {name for name, field in spec.schema.fields.items()
                    if isinstance(field, fields.String) and not name.endswith(NOT_TEXT)} <= texts | MACHINE_MADE
