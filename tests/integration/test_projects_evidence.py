"""Projects' evidence and templates over HTTP, embedded (SQLite, in-process broker) and on PostgreSQL
and RabbitMQ: a project made from TEDA's template with its activities and checklist, evidence filed
for it, its activity and a meeting, counted per AQ/T 9001 element, downloaded under its Chinese name;
the same file stored once, a PNG named .pdf refused, a file over the cap a 413, and nothing stored by
a refused upload."""
import io
import json
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import text

from safecommunity.config import database_url
from safecommunity.database import make_engine
from safecommunity.testing import admin_token
from tests.badinput import Client
from tests.conftest import base_url
from tests.integration.test_projects import call

P = "/api/projects"
CAP = 64 * 1024
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
PDF = b"%PDF-1.7\n" + "燃气报警器检查台账".encode() * 40


@pytest.fixture(params=["sqlite", "postgresql"])
def projects(request, start_services, tmp_path):
    """The projects service with a 64 KiB cap on evidence; embedded, its files beside the database;
    distributed, in EVIDENCE_DIR."""
    config = request.getfixturevalue("embedded_config" if request.param == "sqlite" else "distributed_config")
    folder = Path(config["DATA_DIR"]) / "attachments" / "projects" if request.param == "sqlite" else tmp_path / "ev"
    own_folder = {} if request.param == "sqlite" else {"EVIDENCE_DIR": str(folder)}
    config = {**config, "EVIDENCE_MAX_BYTES": CAP, **own_folder}
    start_services(config, ["projects"])
    engine = make_engine(database_url(config, "projects"))
    url = base_url(config)
    yield {"api": Client(url, admin_token(config, subject="office-clerk")), "engine": engine, "folder": folder,
           "reader": Client(url, admin_token(config, subject="reader", scopes=["projects:read"]))}
    engine.dispose()


def upload(client, file, **form):
    """(name, bytes, the type it is sent as) with the form's fields; the answer as it is."""
    return client.session.post(f"{client.url}{P}/evidence", data=form, files={"file": file}, timeout=60)


def filed(client, file, expect=201, **form):
    answer = upload(client, file, **form)
    assert answer.status_code == expect, (file[0], answer.status_code, answer.text)
    return answer.json()


def events(engine, type_):
    with engine.connect() as connection:
        found = [json.loads(row) for row in connection.scalars(text("SELECT envelope FROM outbox ORDER BY id"))]
    return [event for event in found if event["type"] == type_]


def stored(projects):
    with projects["engine"].connect() as connection:
        rows = connection.scalar(text("SELECT count(*) FROM evidence"))
    folder = projects["folder"]
    return rows, sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def from_template(api, entry="elderly_falls", **overrides):
    return call(api, "POST", "/projects/from-template", {"template": "teda", "entry": entry, "grid_code": "G1",
                                                          "lead_department": "civil_affairs", **overrides}, expect=201)


def test_a_teda_project_from_the_template_has_its_activities_and_a_checklist_that_evidence_fills(projects):
    api, engine = projects["api"], projects["engine"]
    assert call(api, "GET", "/templates")["templates"] == [
        {"code": "teda", "name": "TEDA safety-promotion projects 泰达安全促进项目", "entries": 10}]
    entries = call(api, "GET", "/templates/teda")["entries"]
    assert "gas_alarms" in [entry["code"] for entry in entries]
    call(api, "GET", "/templates/nowhere", expect=404)

    project = from_template(api, status="continuing")
    assert (project["intervention_area"], project["status"], project["lifecycle"]) == \
        ("elderly", "continuing", "planned")
    assert [m["kind"] for m in project["measures"]] == ["management", "service"]
    assert project["checklist"]["required"] == 5 and project["checklist"]["present"] == 0
    [activity] = call(api, "GET", f"/projects/{project['id']}/activities")["activities"]
    assert (activity["frequency"], activity["owner_department"], activity["grid_code"]) == \
        ("daily", "civil_affairs", "G1")
    occurrence = call(api, "GET", f"/activities/{activity['id']}/occurrences")["occurrences"][0]

    before = filed(api, ("整改前.png", PNG, "image/png"), kind="photo_before", elements="high_risk",
                   project_id=project["id"])
    ledger = filed(api, ("联系台账.pdf", PDF, "application/octet-stream"), kind="ledger",
                   elements=["high_risk", "archives"], occurrence_id=occurrence["id"])
    assert (ledger["subject"], ledger["activity_id"], ledger["content_type"]) == \
        ("occurrence", activity["id"], "application/pdf")
    checklist = call(api, "GET", f"/projects/{project['id']}/checklist")
    assert (checklist["required"], checklist["present"]) == (5, 2)
    assert sorted(row["kind"] for row in checklist["missing"]) == ["photo_after", "plan", "summary"]
    [met] = [row for row in checklist["items"] if row["kind"] == "ledger"]
    assert met["evidence_ids"] == [ledger["id"]] and met["activity_id"] == activity["id"]
    assert call(api, "GET", f"/projects/{project['id']}")["checklist"]["present"] == 2

    meeting = call(api, "POST", "/meetings", {"held_on": "2026-03-02", "kind": "committee", "attendance": 9},
                   expect=201)
    filed(api, ("纪要.docx", docx(), "application/msword"), kind="minutes", elements="organisation",
          meeting_id=meeting["id"])
    counts = {row["code"]: row["evidence"] for row in call(api, "GET", "/evidence/elements")["elements"]}
    assert (counts["high_risk"], counts["archives"], counts["organisation"], counts["evaluation"]) == (2, 1, 1, 0)
    assert len(counts) == 12
    assert [e["id"] for e in call(api, "GET", "/evidence", element="high_risk")["evidence"]] == \
        [before["id"], ledger["id"]]
    assert [e["id"] for e in call(api, "GET", f"/projects/{project['id']}/evidence")["evidence"]] == \
        [before["id"], ledger["id"]]

    [told, *_] = events(engine, "evidence.added")
    assert told["actor"] == "office-clerk" and told["data"]["sha256"] == before["sha256"]
    assert told["data"]["elements"] == ["high_risk"] and told["data"]["size"] == len(PNG)
    assert "整改前" not in json.dumps(events(engine, "evidence.added"), ensure_ascii=False)


def docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_a_chinese_file_name_comes_back_in_filename_star_and_the_same_file_twice_is_stored_once(projects):
    api, reader = projects["api"], projects["reader"]
    project = from_template(api, entry="dog_bites")
    name = "张三家 整改后 照片.png"
    first = filed(api, (name, PNG, "image/png"), kind="photo_after", elements="evaluation", project_id=project["id"])
    download = reader.session.get(f"{reader.url}{P}/evidence/{first['id']}/file", timeout=30)
    assert download.status_code == 200 and download.content == PNG
    assert download.headers["Content-Type"] == "image/png"
    assert download.headers["Content-Disposition"] == \
        f"attachment; filename=\"___ ___ __.png\"; filename*=UTF-8''{quote(name, safe='!#$&+-.^_`|~')}"
    assert call(reader, "GET", f"/evidence/{first['id']}")["filename"] == name

    again = filed(api, ("again.png", PNG, "image/png"), expect=200, kind="photo_after", elements="evaluation",
                  project_id=project["id"])
    assert again == first
    other = from_template(api, entry="medication_safety")
    second = filed(api, (name, PNG, "image/png"), kind="photo", elements="publicity_training", project_id=other["id"])
    assert second["id"] != first["id"] and second["sha256"] == first["sha256"]
    assert stored(projects) == (2, [first["sha256"]])
    assert len(events(projects["engine"], "evidence.added")) == 2
    assert upload(reader, ("r.png", PNG, "image/png"), kind="photo", elements="archives",
                  project_id=project["id"]).status_code == 403


def test_a_png_named_pdf_is_refused_on_file_and_stores_nothing(projects):
    api = projects["api"]
    project = from_template(api, entry="gas_alarms", lead_department="housing_construction")
    answer = upload(api, ("检查记录.pdf", PNG, "application/pdf"), kind="inspection_ledger", elements="evaluation",
                    project_id=project["id"])
    assert answer.status_code == 400 and "image/png" in answer.json()["fields"]["file"][0]
    assert stored(projects) == (0, [])
    assert events(projects["engine"], "evidence.added") == []


def test_a_file_over_the_cap_is_a_413_and_stores_nothing_one_at_the_cap_is_taken(projects):
    api = projects["api"]
    project = from_template(api, entry="school_traffic")
    over = PNG + b"\x00" * (CAP + 1 - len(PNG))
    answer = upload(api, ("big.png", over, "image/png"), kind="photo_before", elements="high_risk",
                    project_id=project["id"])
    assert answer.status_code == 413 and answer.json()["message"]
    assert stored(projects) == (0, [])
    filed(api, ("at-cap.png", over[:CAP], "image/png"), kind="photo_before", elements="high_risk",
          project_id=project["id"])
    assert stored(projects)[0] == 1


def test_an_entry_whose_activities_have_no_place_is_refused_naming_place_and_stores_nothing(projects):
    api = projects["api"]
    answer = api.send("POST", f"{P}/projects/from-template", {"template": "teda", "entry": "elderly_falls",
                                                             "lead_department": "civil_affairs"})
    assert answer.status_code == 400 and list(answer.json()["fields"]) == ["place"]
    answer = api.send("POST", f"{P}/projects/from-template", {"template": "teda", "entry": "nothing", "place": "x"})
    assert answer.status_code == 400 and list(answer.json()["fields"]) == ["entry"]
    assert call(api, "GET", "/projects")["projects"] == []


SITE_TEMPLATE = {"code": "xianlin", "name": "Street checklist 街道清单", "entries": [
    {"code": "lift_safety", "name": "Lift safety 电梯安全", "intervention_area": "special_equipment",
     "working_group_area": "special_equipment", "status": "continuing",
     "measures": [{"kind": "management", "description": "lift register"}],
     "activities": [{"name": "Lift check", "kind": "inspection", "frequency": "weekly", "place": "every compound"}],
     "evidence": [{"kind": "inspection_ledger", "elements": ["promotion_projects"], "activity": "Lift check"}]}]}


def test_a_sites_own_template_is_served_beside_teda_and_makes_its_projects(embedded_config, start_services, tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "xianlin.json").write_text(json.dumps(SITE_TEMPLATE, ensure_ascii=False), "utf-8")
    config = {**embedded_config, "PROJECT_TEMPLATES_DIR": str(tmp_path / "templates")}
    start_services(config, ["projects"])
    api = Client(base_url(config), admin_token(config, subject="office-clerk"))
    assert [t["code"] for t in call(api, "GET", "/templates")["templates"]] == ["teda", "xianlin"]
    project = call(api, "POST", "/projects/from-template", {"template": "xianlin", "entry": "lift_safety",
                                                            "owner_department": "market_regulation"}, expect=201)
    [activity] = call(api, "GET", f"/projects/{project['id']}/activities")["activities"]
    assert (activity["place"], activity["owner_department"]) == ("every compound", "market_regulation")
    assert project["checklist"]["missing"][0]["activity_id"] == activity["id"]


def test_a_sites_template_that_does_not_validate_stops_the_service_naming_its_entry_and_field(
        embedded_config, start_services, tmp_path):
    (tmp_path / "templates").mkdir()
    broken = {**SITE_TEMPLATE, "entries": [{**SITE_TEMPLATE["entries"][0], "status": "ongoing"}]}
    (tmp_path / "templates" / "xianlin.json").write_text(json.dumps(broken), "utf-8")
    with pytest.raises(Exception) as stopped:
        start_services({**embedded_config, "PROJECT_TEMPLATES_DIR": str(tmp_path / "templates")}, ["projects"])
    assert "xianlin.json: entries[0] lift_safety: status: " in str(stopped.value)
