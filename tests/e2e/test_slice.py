"""The vertical slice through all five services over HTTP, in both modes.

registry creates grids and residents -> incidents takes injury cases -> reports serves injuries
per 1,000 residents per grid; projects creates a project; notifications logs severe injuries.
"""
import re
import subprocess
import sys

from safecommunity.config import SERVICES
from safecommunity.testing import ServiceProcess, free_port, migrate, wait_until
from tests.conftest import base_url
from tests.support import get, http, injury_card, log_in, post, summary

GRIDS = [("XL", "Xianlin", "district", None), ("XL-01", "Yangshan", "community", "XL"),
         ("XL-01-G1", "Grid 1", "grid", "XL-01"), ("XL-01-G2", "Grid 2", "grid", "XL-01")]


def resident(grid_code, **overrides):
    return {"name": "Li Hua", "sex": "female", "birth_date": "1948-05-02", "residence_type": "permanent",
            "grid_code": grid_code, **overrides}


def exercise_slice(url):
    """url(service) -> that service's base URL. Asserts the whole slice, bad input included."""
    registry, incidents, projects = url("registry"), url("incidents"), url("projects")
    published_before = injuries_published(incidents)  # metrics are per process, and tests share one

    for code, name, level, parent in GRIDS:
        post(f"{registry}/api/registry/grids",
             {"code": code, "name": name, "level": level, "parent_code": parent}, expect=201)
    assert post(f"{registry}/api/registry/grids", {"code": "XL", "name": "Again", "level": "district"},
                expect=409)["error"] == "conflict"
    assert "level" in post(f"{registry}/api/registry/grids",
                           {"code": "X2", "name": "X", "level": "planet"}, expect=400)["fields"]
    assert "parent_code" in post(f"{registry}/api/registry/grids",
                                 {"code": "X3", "name": "X", "level": "grid", "parent_code": "NOPE"},
                                 expect=400)["fields"]

    for grid_code, count in (("XL-01-G1", 4), ("XL-01-G2", 2)):
        for _ in range(count):
            post(f"{registry}/api/registry/residents", resident(grid_code), expect=201)
    bad = post(f"{registry}/api/registry/residents",
               resident("XL-01-G9", birth_date="2999-01-01", sex="x"), expect=400)["fields"]
    assert {"birth_date", "sex"} <= set(bad)
    assert "grid_code" in post(f"{registry}/api/registry/residents", resident("XL-01-G9"), expect=400)["fields"]

    wait_until(lambda: {"XL-01-G1", "XL-01-G2"} <= {g["code"] for g in
                                                    get(f"{incidents}/api/incidents/grids")["grids"]},
               message="incidents to learn the grids from registry's events")

    severe = injury_card("XL-01-G1", severity="severe")
    created = post(f"{incidents}/api/incidents/injuries", severe, expect=201)
    again = post(f"{incidents}/api/incidents/injuries", severe, expect=200)
    assert again["status"] == "duplicate" and again["case"]["id"] == created["case"]["id"]
    late = injury_card("XL-01-G1", injury_time="2026-11-01T12:00:00+00:00", visit_time="2026-11-01T11:00:00+00:00")
    assert "injury_time" in post(f"{incidents}/api/incidents/injuries", late, expect=400)["fields"]
    assert "grid_code" in post(f"{incidents}/api/incidents/injuries", injury_card("XL-01-G9"), expect=400)["fields"]
    assert http.post(f"{incidents}/api/incidents/injuries", data="{}", timeout=10).status_code == 415
    assert http.post(f"{incidents}/api/incidents/injuries", data="{",
                         headers={"Content-Type": "application/json"}, timeout=10).status_code == 400
    assert get(f"{incidents}/api/incidents/injuries/{created['case']['id']}")["cause"] == "fall"
    assert http.get(f"{incidents}/api/incidents/injuries/nope", timeout=10).status_code == 404

    batch = post(f"{incidents}/api/incidents/injuries/batch", {"cases": [
        injury_card("XL-01-G1"), injury_card("XL-01-G2", age=130), injury_card("XL-01-G2"), severe]}, expect=200)
    assert batch["counts"] == {"created": 2, "duplicate": 1, "rejected": 1}
    assert batch["results"][1] == {"index": 1, "status": "rejected",
                                   "errors": {"age": ["Must be greater than or equal to 0 and less than "
                                                      "or equal to 120."]}}

    post(f"{projects}/api/projects/projects", {"name": "Elderly fall prevention",
                                               "intervention_area": "elderly"}, expect=201)
    assert "intervention_area" in post(f"{projects}/api/projects/projects",
                                       {"name": "X", "intervention_area": "space"}, expect=400)["fields"]

    reports = url("reports")
    wait_until(lambda: summary(reports) == {"injuries": 3, "residents": 6, "grids": 4, "projects": 1,
                                            "events_kept": 15}, message="reports to count everything")
    rates = get(f"{reports}/api/reports/injury-rates")
    assert rates["grids"] == [
        {"grid_code": "XL-01-G1", "grid_name": "Grid 1", "residents": 4, "injuries": 2, "rate_per_1000": 500.0},
        {"grid_code": "XL-01-G2", "grid_name": "Grid 2", "residents": 2, "injuries": 1, "rate_per_1000": 500.0}]
    assert rates["district"] == {"residents": 6, "injuries": 3, "rate_per_1000": 500.0}

    notifications = url("notifications")
    deliveries = wait_until(lambda: get(f"{notifications}/api/notifications/deliveries")["deliveries"])
    assert [(d["recipient"], d["channel"]) for d in deliveries] == [("committee-office", "in_app")]
    assert "Grid 1" in deliveries[0]["subject"]  # the grid's name: notifications keeps the registry's grids

    for service in SERVICES:
        assert get(f"{url(service)}/api/{service}/ready")["ready"] is True
        assert get(f"{url(service)}/api/{service}/health")["status"] == "alive"
    assert injuries_published(incidents) - published_before == 3


def injuries_published(incidents_url):
    metrics = http.get(f"{incidents_url}/metrics", timeout=10).text
    found = re.search(r'^safecommunity_events_published_total\{service="incidents",type="injury.reported"\} '
                      r'([\d.]+)$', metrics, re.M)
    return float(found.group(1)) if found else 0.0


def test_the_slice_works_embedded_all_services_in_one_process(embedded_config, start_services):
    start_services(embedded_config, list(SERVICES))
    exercise_slice(lambda service: base_url(embedded_config))


def test_the_slice_works_distributed_each_service_its_own_process_with_two_reports(vhost, databases, tmp_path):
    migrate(databases.url, SERVICES)
    env = {"AMQP_URI": vhost.uri, "DATABASE_URL": databases.url}
    processes = {name: ServiceProcess([name], free_port(), env, log_path=tmp_path / f"{name}.log")
                 for name in SERVICES}
    replica = ServiceProcess(["reports"], free_port(), env, log_path=tmp_path / "reports-2.log")
    try:
        for process in [*processes.values(), replica]:
            process.start(wait=False)
        for process in [*processes.values(), replica]:
            process.wait_ready()
        log_in(processes["registry"].admin_token())
        exercise_slice(lambda service: processes[service].url)
        # the two replicas shared the work (competing consumers) and counted each event once
        assert summary(replica.url) == summary(processes["reports"].url)
    finally:
        for process in [*processes.values(), replica]:
            process.stop()


def test_the_readme_commands_run_seed_and_serve_the_rates(tmp_path):
    """`safecommunity run` with nothing configured, then `safecommunity seed`, as the README says."""
    env = {"SAFECOMMUNITY_DATA": str(tmp_path / "data"), "AMQP_URI": None, "DATABASE_URL": None}
    platform = ServiceProcess([], free_port(), env, log_path=tmp_path / "platform.log").start(migrate=True)
    try:
        seeded = subprocess.run([sys.executable, "-m", "safecommunity.cli", "seed", "--url", platform.url],
                                env=platform.env, capture_output=True, text=True, timeout=120)
        assert seeded.returncode == 0, seeded.stderr
        assert "4 TEDA projects from the template, active" in seeded.stdout
        wait_until(lambda: summary(platform.url)["injuries"] == 100, message="the demo injuries")
        rates = get(f"{platform.url}/api/reports/injury-rates")
        assert sum(row["residents"] for row in rates["grids"]) == 1000
        assert (tmp_path / "data" / "reports.db").exists()
    finally:
        platform.stop()


def test_the_openapi_document_lists_every_route_and_is_valid(embedded_config, start_services):
    from openapi_spec_validator import validate

    start_services(embedded_config, list(SERVICES))
    url = base_url(embedded_config)
    document = get(f"{url}/api/openapi.json")
    validate(document)
    assert {"/api/registry/grids", "/api/incidents/injuries/batch", "/api/reports/dashboard",
            "/api/incidents/hazards/{hazard_id}/{action}"} <= set(document["paths"])
    action = document["paths"]["/api/incidents/hazards/{hazard_id}/{action}"]["post"]
    assert [p["name"] for p in action["parameters"]] == ["hazard_id", "action"]
    assert action["responses"]["409"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    dashboard = document["paths"]["/api/reports/dashboard"]["get"]
    assert {p["name"]: p["schema"] for p in dashboard["parameters"]}["month"] == {
        "type": "integer", "minimum": 1, "maximum": 12, "nullable": True}
    reports_only = get(f"{url}/api/reports/openapi.json")
    assert reports_only["paths"]
    assert all(path.startswith("/api/reports") or path == "/" for path in reports_only["paths"])
