"""Evidence and templates through the real migrations on SQLite: a file filed twice for the same
record is one item (one event), for two records two items of one file; a project made from a
template has its measures, activities, occurrences and checklist, and a refusal stores nothing."""
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from safecommunity import sitetime
from safecommunity.auth import Caller
from safecommunity.database import make_engine
from safecommunity.errors import FieldInvalid
from safecommunity.migrate import upgrade
from safecommunity.tables import outbox
from services.projects.commands import project_checklist, project_view
from services.projects.commands_evidence import add_evidence, create_from_template, elements_view
from services.projects.files import EvidenceFiles, load_templates
from services.projects.storage import ProjectsUnitOfWork
from services.projects.storage.tables import activities, evidence_requirements, occurrences, projects

CLERK = Caller("office-clerk", frozenset())
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(200))
PDF = b"%PDF-1.4\n" + b"%" * 50


@pytest.fixture
def store(tmp_path):
    url = f"sqlite:///{tmp_path}/projects.db"
    upgrade("projects", url)
    engine = make_engine(url)
    opened = ProjectsUnitOfWork(sessionmaker(engine, expire_on_commit=False)(), "projects")
    yield opened
    opened.close()
    engine.dispose()


def count(store, table):
    return store.session.scalar(select(func.count()).select_from(table))


def events(store, type_):
    return [row for row in store.session.execute(select(outbox.c.type)).scalars() if row == type_]


def from_template(store, **command):
    project_id = create_from_template(store, CLERK, load_templates(),
                                      {"template": "teda", "entry": "gas_alarms", "owner_department": None,
                                       "owner_assignment_id": None, "grid_code": "G1", "place": None,
                                       "lead_department": "housing_construction", **command}, sitetime.today())
    store.commit()
    return project_id


def test_a_project_from_a_template_has_its_measures_activities_occurrences_and_checklist(store):
    project_id = from_template(store)
    view = project_view(store, project_id)
    assert view["name"].startswith("Gas safety") and view["intervention_area"] == "gas" and view["status"] == "new"
    assert view["working_group_id"] == store.areas.get("gas")["working_group_id"]
    assert [m["kind"] for m in view["measures"]] == ["facilities_products"]
    [activity] = store.activities.list(project_id, 10, 0)
    assert (activity.frequency, activity.owner_department, activity.grid_code, activity.starts_on) == \
        ("monthly", "housing_construction", "G1", sitetime.today())
    assert store.occurrences.list({"activity_id": activity.id}, 10, 0)
    assert view["checklist"]["required"] == 4 and view["checklist"]["present"] == 0
    [ledger] = [row for row in view["checklist"]["missing"] if row["kind"] == "inspection_ledger"]
    assert ledger["activity_id"] == activity.id and ledger["template_code"] == "teda"
    assert events(store, "project.created") and events(store, "activity.scheduled")


def test_the_requests_fields_override_the_entrys(store):
    project_id = from_template(store, name="Old compounds' gas alarms 老旧小区燃气报警器", status="continuing")
    assert (store.projects.get(project_id).name, store.projects.get(project_id).status) == \
        ("Old compounds' gas alarms 老旧小区燃气报警器", "continuing")


@pytest.mark.parametrize("command, field", [
    ({"template": "nowhere"}, "template"), ({"entry": "nothing"}, "entry"), ({"grid_code": None}, "place"),
    ({"lead_department": None}, "owner_department"), ({"owner_department": "fire", "owner_assignment_id": "a-1"},
                                                      "owner_department"),
])
def test_a_refused_project_from_a_template_names_the_field_and_stores_nothing(store, command, field):
    with pytest.raises(FieldInvalid) as refused:
        from_template(store, **command)
    assert list(refused.value.messages) == [field]
    store.rollback()
    assert [count(store, table) for table in (projects, activities, occurrences, evidence_requirements)] == [0] * 4


def upload(data, name, **form):
    return data, name, {"kind": "inspection_ledger", "elements": ["promotion_projects", "evaluation"], **form}


def test_the_same_file_for_the_same_record_is_one_item_and_for_another_a_second_item_of_one_file(store, tmp_path):
    project_id = from_template(store)
    [activity] = store.activities.list(project_id, 10, 0)
    files = EvidenceFiles(tmp_path / "files", 10_000)
    first, new = add_evidence(store, files, CLERK, upload(PDF, "燃气报警器检查台账.pdf", activity_id=activity.id))
    store.commit()
    again, new_again = add_evidence(store, files, CLERK, upload(PDF, "again.pdf", activity_id=activity.id))
    store.commit()
    other, _ = add_evidence(store, files, CLERK, upload(PDF, "copy.pdf", project_id=project_id, kind="summary"))
    store.commit()
    assert (new, new_again, again.id, again.filename) == (True, False, first.id, "燃气报警器检查台账.pdf")
    assert other.id != first.id and other.sha256 == first.sha256
    assert [p for p in (tmp_path / "files").rglob("*") if p.is_file()] == [files.path(first.sha256)]
    assert len(events(store, "evidence.added")) == 2
    assert (first.project_id, first.activity_id, first.added_by) == (project_id, activity.id, "office-clerk")
    counted = {row["code"]: row["evidence"] for row in elements_view(store)["elements"]}
    assert counted["promotion_projects"] == 2 and counted["evaluation"] == 2 and counted["archives"] == 0
    kinds = {row["kind"]: row["present"] for row in project_checklist(store, project_id)["items"]}
    assert kinds == {"plan": False, "inspection_ledger": True, "rectification_ledger": False, "summary": True}


def test_evidence_for_a_record_that_is_not_there_or_for_two_is_refused_and_stores_nothing(store, tmp_path):
    files = EvidenceFiles(tmp_path / "files", 10_000)
    for form, field in (({"meeting_id": "nope"}, "meeting_id"), ({"occurrence_id": "nope"}, "occurrence_id"),
                        ({"project_id": "p", "meeting_id": "m"}, "project_id"), ({}, "project_id")):
        with pytest.raises(Exception) as refused:
            add_evidence(store, files, CLERK, upload(PNG, "a.png", **form))
        assert field in refused.value.messages, (form, refused.value)
    assert not (tmp_path / "files").exists() and store.evidence.list({}, 10, 0) == []
