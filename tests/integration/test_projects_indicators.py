"""Indicators fed by events, embedded and on PostgreSQL and RabbitMQ: defined as data over HTTP,
counting the incidents' events in a grid scope per the registry's residents, moved by an
amendment, counting what came before they were defined, and kept current by a timer."""
import uuid
from datetime import date, datetime, timezone

import pytest

from safecommunity import sitetime
from safecommunity.config import database_url
from safecommunity.database import make_engine
from safecommunity.envelope import new_event
from safecommunity.testing import admin_token, wait_until
from tests.badinput import Client
from tests.conftest import base_url
from tests.integration.test_projects import call, events, project_body
from tests.support import injury_event, publish

REGISTRY, INCIDENTS = "/safecommunity/registry", "/safecommunity/incidents"
FALLS_AT_HOME_60 = {
    "code": "falls_home_60", "name": "Falls at home per 1,000 residents 60+ 60岁以上居民居家跌倒发生率(‰)", "unit": "‰",
    "counts": {"event": "injury.reported", "where": {"cause": ["fall"], "place": ["home"], "age": {"min": 60}}},
    "per": {"residents": {"age": {"min": 60}}}, "factor": 1000, "grids": ["ST"],
    "baseline": {"figure": 12.5, "period": "2025", "source": "injury surveillance 2025"},
    "target": {"value": 500, "direction": "at_most", "due_on": "2027-12-31"}}


@pytest.fixture(params=["sqlite", "postgresql"])
def projects(request, start_services):
    config = request.getfixturevalue("embedded_config" if request.param == "sqlite" else "distributed_config")
    config = {**config, "INDICATOR_REFRESH_INTERVAL": 0.3}
    start_services(config, ["projects"])
    engine = make_engine(database_url(config, "projects"))
    yield {"api": Client(base_url(config), admin_token(config, subject="falls-lead")), "engine": engine,
           "amqp": config["AMQP_URI"]}
    engine.dispose()


def grid(code, parent=None):
    return new_event("grid.created", {"code": code, "name": code, "level": "grid" if parent else "street",
                                      "parent_code": parent}, source=REGISTRY)


def resident(grid_code, birth_year):
    return new_event("resident.registered", {
        "resident_id": str(uuid.uuid4()), "grid_code": grid_code, "sex": "female", "birth_year": birth_year,
        "residence_type": "permanent", "registered_on": date(2026, 1, 1)}, source=REGISTRY)


def injury(grid_code, **changes):
    event = injury_event(grid_code)
    event.data.update(changes)
    return event


def facility(status, grid_code="G1", type_="gas_alarm"):
    return new_event("facility.registered", {
        "facility_id": str(uuid.uuid4()), "code": uuid.uuid4().hex[:8], "type": type_, "grid_code": grid_code,
        "status": status, "next_inspection_due": date(2027, 1, 1), "registered_on": date(2026, 1, 1)},
        source=REGISTRY)


def value_of(api, indicator_id, month=None):
    shown = call(api, "GET", f"/indicators/{indicator_id}")
    month = month or sitetime.month_of(datetime.now(timezone.utc))
    return next((v for v in shown["values"] if v["month"] == month), None)


def settled(api, indicator_id, numerator, **expected):
    def there():
        value = value_of(api, indicator_id)
        return value is not None and value["numerator"] == numerator and all(
            value[k] == v for k, v in expected.items())
    wait_until(there, timeout=20, message=f"numerator {numerator}")
    return value_of(api, indicator_id)


def test_the_elderly_falls_indicator_counts_matching_injuries_in_its_grids_per_residents_60_plus(projects):
    api, amqp = projects["api"], projects["amqp"]
    project = call(api, "POST", "/projects", project_body(), expect=201)
    indicator = call(api, "POST", f"/projects/{project['id']}/indicators", FALLS_AT_HOME_60, expect=201)
    assert indicator["created_by"] == "falls-lead" and indicator["kind"] == "count"
    assert indicator["latest"]["numerator"] == 0 and indicator["latest"]["value"] is None  # no residents known yet

    publish(amqp, [grid("ST"), grid("G1", "ST"), grid("G2", "ST"), grid("ELSEWHERE"),
                   resident("G1", 1950), resident("G2", 1940), resident("G1", 1961), resident("G1", 1990),
                   resident("ELSEWHERE", 1950)])
    year = sitetime.today().year
    over_60 = sum(1 for born in (1950, 1940, 1961, 1990) if year - born >= 60)
    settled(api, indicator["id"], 0, denominator=over_60)  # the timer counts the residents now known

    falls = [injury("G1"), injury("G2")]
    publish(amqp, falls + [injury("G1", cause="burn_scald"), injury("G1", age=45), injury("ELSEWHERE"),
                           injury("G1", place="road")])
    value = settled(api, indicator["id"], 2, denominator=over_60)
    assert value["value"] == pytest.approx(2 / over_60 * 1000, abs=1e-3)
    assert value["on_target"] is (value["value"] <= 500)

    case = {**falls[0].data, "cause": "cut_pierce", "version": 2, "changed": ["cause"]}
    case.update({name: datetime.fromisoformat(case[name]) for name in ("injury_time", "visit_time")})
    amended = new_event("injury.amended", case, source=INCIDENTS)
    publish(amqp, [amended])
    settled(api, indicator["id"], 1)

    updates = [e for e in events(projects["engine"], "indicator.updated")
               if e["data"]["indicator_id"] == indicator["id"]]
    assert updates and set(updates[-1]["data"]) == {
        "indicator_id", "project_id", "code", "month", "numerator", "denominator", "value", "target", "direction",
        "on_target"}
    assert updates[-1]["data"]["numerator"] == 1 and updates[-1]["actor"] in (None, "system")

    later = call(api, "POST", f"/projects/{project['id']}/indicators", {
        "code": "burns", "name": "Burns 烧烫伤",
        "counts": {"event": "injury.reported", "where": {"cause": "burn_scald"}}},
        expect=201)
    assert later["latest"]["numerator"] == 1, "a new indicator counts the cases that came before it"
    listed = call(api, "GET", f"/projects/{project['id']}/indicators")["indicators"]
    assert [i["code"] for i in listed] == ["burns", "falls_home_60"]
    call(api, "POST", f"/projects/{project['id']}/indicators", {**FALLS_AT_HOME_60}, expect=409)

    this_month = call(api, "GET", f"/projects/{project['id']}/progress")["months"][-1]
    shown = {i["code"]: i for i in this_month["indicators"]}
    assert shown["falls_home_60"]["numerator"] == 1 and shown["falls_home_60"]["target"] == 500
    assert shown["falls_home_60"]["on_target"] is (shown["falls_home_60"]["value"] <= 500)
    assert shown["burns"]["value"] == 1 and shown["burns"]["on_target"] is None  # no target: not judged


def test_a_share_of_gas_alarms_working_follows_the_registrys_facilities(projects):
    api, amqp = projects["api"], projects["amqp"]
    project = call(api, "POST", "/projects", project_body(name="Gas alarms 燃气报警", intervention_area="gas"),
                   expect=201)
    indicator = call(api, "POST", f"/projects/{project['id']}/indicators", {
        "code": "alarms_working", "name": "Gas alarms working 燃气报警器完好率", "unit": "%",
        "share": {"of": "facilities", "type": "gas_alarm", "status": ["in_order"]},
        "target": {"value": 100, "direction": "at_least"}}, expect=201)
    assert indicator["factor"] == 100 and indicator["kind"] == "share_of_facilities"
    publish(amqp, [facility("in_order"), facility("in_order"), facility("in_order"), facility("faulty"),
                   facility("faulty", type_="hydrant")])
    value = settled(api, indicator["id"], 3, denominator=4)
    assert value["value"] == 75 and value["on_target"] is False


@pytest.mark.parametrize("body, field", [
    ({"counts": {"event": "injury.reported", "where": {"colour": ["red"]}}}, "counts"),
    ({"counts": {"event": "injury.reported", "where": {"cause": ["falls"]}}}, "counts"),
    ({"counts": {"event": "injury.reported", "where": {"age": {"min": "sixty"}}}}, "counts"),
    ({"counts": {"event": "injury.reported", "where": {"case_id": ["x"]}}}, "counts"),
    ({"counts": {"event": "resident.registered"}}, "counts"),
    ({"counts": {"event": "injury.reported"}, "share": {"of": "occurrences"}}, "counts"),
    ({}, "counts"),
    ({"share": {"of": "facilities"}}, "share"),
    ({"share": {"of": "occurrences"}, "per": {"residents": {}}}, "per"),
    ({"counts": {"event": "injury.reported"}, "per": {"residents": {}, "units": {"type": "school"}}}, "per"),
    ({"counts": {"event": "injury.reported"}, "factor": 0}, "factor"),
    ({"counts": {"event": "injury.reported"}, "target": {"value": 1, "direction": "below"}}, "target"),
])
def test_a_definition_that_cannot_count_is_a_400_naming_the_field_and_stores_nothing(projects, body, field):
    api = projects["api"]
    project = call(api, "POST", "/projects", project_body(), expect=201)
    answer = api.send("POST", f"/api/projects/projects/{project['id']}/indicators",
                      {"code": "x", "name": "X", **body})
    assert answer.status_code == 400 and field in answer.json()["fields"], answer.text
    assert call(api, "GET", f"/projects/{project['id']}/indicators")["indicators"] == []


def test_a_project_made_from_the_teda_template_has_its_entrys_indicators_in_its_grid(projects):
    api = projects["api"]
    made = call(api, "POST", "/projects/from-template", {
        "template": "teda", "entry": "elderly_falls", "lead_department": "civil_affairs", "grid_code": "G1"},
        expect=201)
    [falls] = call(api, "GET", f"/projects/{made['id']}/indicators")["indicators"]
    assert falls["code"] == "falls_home_60" and falls["grids"] == ["G1"] and falls["factor"] == 1000
    assert falls["counts"]["where"] == {"cause": ["fall"], "place": ["home"], "age": {"min": 60}}
    assert falls["per"] == {"residents": {"age": {"min": 60}}} and falls["created_by"] == "falls-lead"
