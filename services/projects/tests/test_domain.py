"""A project's rules and life cycle, and its funding ledger. No I/O."""
from datetime import date, datetime, timezone

import pytest

from safecommunity.errors import FieldInvalid, IllegalTransition
from services.projects.domain import NEXT_STAGES, Funding, Project, ledger_totals

AT = datetime(2026, 3, 1, 8, tzinfo=timezone.utc)


def project(**overrides):
    fields = {"name": "Falls", "intervention_area": "elderly", "status": "new", "start_date": date(2026, 3, 1),
              "actor": "clerk", "at": AT, **overrides}
    return Project.create(**fields)


def test_creating_a_project_records_project_created_with_the_v1_fields_first():
    made = project(measures=[{"kind": "service", "description": "calls"}, {"kind": "education", "description": "x"}])
    [(type_, data)] = made.collect_events()
    assert type_ == "project.created"
    assert {k: data[k] for k in ("project_id", "name", "intervention_area", "status", "start_date")} == {
        "project_id": made.id, "name": "Falls", "intervention_area": "elderly", "status": "new",
        "start_date": date(2026, 3, 1)}
    assert data["lifecycle"] == "planned" and data["measure_kinds"] == ["education", "service"]
    assert (made.created_by, made.created_at) == ("clerk", AT)


def test_a_project_moves_planned_active_suspended_active_completed_with_a_history_row_each():
    made = project()
    for stage in ("active", "suspended", "active", "completed"):
        made.move_to(stage, "lead", AT, reason=f"now {stage}")
    steps = [(e.action, e.from_stage, e.to_stage, e.actor) for e in made.collect_history()]
    assert steps == [("create", None, "planned", "clerk"), ("lifecycle", "planned", "active", "lead"),
                     ("lifecycle", "active", "suspended", "lead"), ("lifecycle", "suspended", "active", "lead"),
                     ("lifecycle", "active", "completed", "lead")]
    assert [t for t, _ in made.collect_events()].count("project.status_changed") == 4


@pytest.mark.parametrize("start, stage", [(start, stage) for start in NEXT_STAGES for stage in NEXT_STAGES
                                          if stage not in NEXT_STAGES[start]])
def test_every_step_the_life_cycle_does_not_allow_is_an_illegal_transition(start, stage):
    made = project(lifecycle=start)
    made.collect_events()
    with pytest.raises(IllegalTransition):
        made.move_to(stage, "lead", AT)
    assert made.lifecycle == start and made.collect_events() == []


def test_a_change_names_only_the_fields_that_changed_and_one_without_change_records_nothing():
    made = project(partner_departments=["health"])
    made.collect_events()
    assert made.change("lead", AT, name="Falls", partner_departments=["health"]) == []
    assert made.collect_events() == []
    assert made.change("lead", AT, name="Falls at home", budget=100.0) == ["budget", "name"]
    [(type_, data)] = made.collect_events()
    assert (type_, data["changed"], made.changed_by) == ("project.updated", ["budget", "name"], "lead")


def test_a_target_needs_its_kind_and_code_and_the_lead_is_not_also_a_partner():
    with pytest.raises(FieldInvalid) as error:
        project(target_kind="tag")
    assert list(error.value.messages) == ["target_code"]
    with pytest.raises(FieldInvalid) as error:
        project(lead_department="health", partner_departments=["health"])
    assert list(error.value.messages) == ["partner_departments"]


def test_the_ledger_totals_funding_and_spending_and_refuses_spending_more_than_a_line_brings():
    lines = [{"amount": 300.0, "spent": 100.0}, {"amount": 100.0, "spent": 50.5}]
    assert ledger_totals(lines, 1000.0) == {"budget": 1000.0, "funded": 400.0, "spent": 150.5, "share_spent": 0.3762}
    assert ledger_totals([], None)["share_spent"] is None
    with pytest.raises(FieldInvalid):
        Funding(project_id="p", source="district", amount=10.0, spent=11.0, recorded_on=date(2026, 1, 1),
                recorded_by="clerk")
