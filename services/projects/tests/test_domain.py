from datetime import date

from services.projects.domain import Project


def test_creating_a_project_records_project_created():
    project = Project.create(name="Falls", intervention_area="elderly", status="new",
                             start_date=date(2026, 3, 1))
    assert project.collect_events() == [("project.created", {
        "project_id": project.id, "name": "Falls", "intervention_area": "elderly", "status": "new",
        "start_date": date(2026, 3, 1)})]
