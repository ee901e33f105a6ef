"""Projects over HTTP, embedded (SQLite, in-process broker) and on PostgreSQL and RabbitMQ: the
organisation a site configures, projects through their life cycle, activities whose occurrences are
made, done and missed (once), trainings counted per member, members, attendees and owners who are
people in roles the registry's events told projects of, and events without personal data."""
import json
import time
from datetime import date, timedelta

import eventlet
import pytest
from sqlalchemy import text

from safecommunity import sitetime
from safecommunity.config import database_url
from safecommunity.database import make_engine
from safecommunity.envelope import new_event
from safecommunity.testing import admin_token, wait_until
from tests.badinput import Client
from tests.conftest import base_url
from tests.support import publish

P = "/api/projects"


@pytest.fixture(params=["sqlite", "postgresql"])
def projects(request, start_services):
    """The projects service, its timer every 0.2 s; `api` with every scope, `reader` with read only."""
    config = request.getfixturevalue("embedded_config" if request.param == "sqlite" else "distributed_config")
    config = {**config, "ACTIVITY_CHECK_INTERVAL": 0.2}
    start_services(config, ["projects"])
    engine = make_engine(database_url(config, "projects"))
    url = base_url(config)
    yield {"api": Client(url, admin_token(config, subject="office-clerk")), "engine": engine,
           "reader": Client(url, admin_token(config, subject="reader", scopes=["projects:read"])),
           "amqp": config["AMQP_URI"]}
    engine.dispose()


def call(client, method, path, body=None, expect=200, **params):
    answer = client.send(method, P + path, body, params=params or None)
    assert answer.status_code == expect, (method, path, answer.status_code, answer.text)
    return answer.json()


def events(engine, type_=None):
    with engine.connect() as connection:
        found = [json.loads(row) for row in connection.scalars(text("SELECT envelope FROM outbox ORDER BY id"))]
    return [event for event in found if type_ in (None, event["type"])]


def rows(engine, sql):
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(text(sql))]


def assignment_event(assignment_id, ended_on=None, role="working_group_lead", department_code="civil_affairs"):
    """The registry's assignment.started (or, with ended_on, assignment.ended) of a person in a role."""
    data = {"assignment_id": assignment_id, "person_key": f"resident-{assignment_id}", "role": role,
            "grid_code": None, "department_code": department_code, "term_from": date(2025, 1, 1), "term_to": None}
    if ended_on:
        return new_event("assignment.ended", {**data, "term_to": ended_on}, source="/safecommunity/registry")
    return new_event("assignment.started", data, source="/safecommunity/registry")


def appoint(projects, *assignment_ids, ended_on=None):
    """People in roles, as the registry tells projects (asynchronously): published, then waited for
    until projects shows each one (and its end)."""
    events = [assignment_event(person) for person in assignment_ids]
    events += [assignment_event(person, ended_on) for person in assignment_ids if ended_on]
    publish(projects["amqp"], events)

    def known():
        shown = [projects["api"].send("GET", f"{P}/people/{person}") for person in assignment_ids]
        return all(answer.status_code == 200 and (ended_on is None or answer.json()["term_to"] == ended_on.isoformat())
                   for answer in shown)
    wait_until(known, timeout=20, message=f"projects to hear of {assignment_ids}")


def project_body(**overrides):
    return {"name": "Elderly falls 老年人跌倒预防", "intervention_area": "elderly", "status": "continuing",
            "lead_department": "civil_affairs", "partner_departments": ["health", "womens_federation"],
            "target": {"kind": "tag", "code": "elderly"},
            "baseline": {"figure": 42, "period": "2023-2025", "source": "injury surveillance, 3 years"},
            "goals": [{"description": "falls at home per 1,000 residents 60+", "target": 8.5, "unit": "‰",
                       "due_on": "2027-12-31"}],
            "measures": [{"kind": "education", "description": "talks in every community"},
                         {"kind": "engineering", "description": "grab bars in bathrooms"}],
            "budget": 50000, **overrides}


def test_the_seeded_organisation_has_one_working_group_per_area_and_a_site_reshapes_it(projects):
    api = projects["api"]
    areas = call(api, "GET", "/areas")["areas"]
    groups = call(api, "GET", "/working-groups")["working_groups"]
    assert len(areas) == len(groups) == 19 and all(area["working_group_id"] for area in areas)
    [water] = [g for g in groups if g["areas"] == ["water"]]
    [sports] = [g for g in groups if g["areas"] == ["sports"]]

    call(api, "POST", "/areas", {"code": "lifts", "name": "Lifts 电梯"}, expect=201)
    call(api, "POST", "/areas", {"code": "lifts", "name": "again"}, expect=409)
    assert call(api, "PATCH", "/areas/lifts", {"name": "Lifts and escalators"})["name"] == "Lifts and escalators"
    call(api, "POST", "/working-groups", {"name": "Another water group", "areas": ["water"]}, expect=409)
    call(api, "POST", "/working-groups", {"name": water["name"], "areas": ["lifts"]}, expect=409)
    call(api, "PATCH", f"/working-groups/{water['id']}", {"name": sports["name"]}, expect=409)
    merged = call(api, "POST", f"/working-groups/{water['id']}/merge", {"into": sports["id"]})
    assert merged["areas"] == ["sports", "water"]
    call(api, "GET", f"/working-groups/{water['id']}", expect=404)

    project = call(api, "POST", "/projects", project_body(intervention_area="lifts"), expect=201)
    call(api, "DELETE", "/areas/lifts", expect=409)
    call(api, "POST", "/areas/lifts/merge", {"into": "special_equipment"})
    assert call(api, "GET", f"/projects/{project['id']}")["intervention_area"] == "special_equipment"
    assert "lifts" not in {area["code"] for area in call(api, "GET", "/areas")["areas"]}
    call(api, "DELETE", "/areas/water")
    assert call(api, "GET", f"/working-groups/{sports['id']}")["areas"] == ["sports"]
    assert events(projects["engine"], "working_group.created") == []  # the seeded ones came with the migration
    log = call(api, "GET", "/organisation/history")["history"]
    assert [(h["subject_type"], h["subject_id"], h["action"]) for h in log][::-1] == [
        ("area", "lifts", "add"), ("area", "lifts", "rename"), ("working_group", water["id"], "merge"),
        ("working_group", sports["id"], "absorb"), ("area", "lifts", "merge"), ("area", "water", "drop")]
    assert {h["actor"] for h in log} == {"office-clerk"} and all(h["at"] for h in log)
    assert [h["action"] for h in call(api, "GET", f"/working-groups/{sports['id']}")["history"]] == ["absorb"]


def test_a_working_group_and_its_meetings_answer_whether_the_committee_met_every_quarter(projects):
    api, engine = projects["api"], projects["engine"]
    appoint(projects, "a-1", "a-2")
    call(api, "POST", "/areas", {"code": "lifts", "name": "Lifts 电梯"}, expect=201)
    group = call(api, "POST", "/working-groups", {"name": "Lifts group", "areas": ["lifts"],
                                                  "lead_department": "market_regulation",
                                                  "partner_departments": ["housing_construction"],
                                                  "members": ["a-1", "a-2"]}, expect=201)
    assert group["created_by"] == "office-clerk" and group["members"] == ["a-1", "a-2"]
    [event] = events(engine, "working_group.created")
    assert event["data"]["member_count"] == 2 and event["actor"] == "office-clerk"

    for day in ("2026-01-15", "2026-04-02", "2026-08-30"):
        call(api, "POST", "/meetings", {"held_on": day, "kind": "committee", "attendance": 12}, expect=201)
    call(api, "POST", "/meetings", {"held_on": "2026-11-03", "kind": "working_group", "attendance": 5,
                                    "working_group_id": group["id"], "attendee_ids": ["a-1"],
                                    "minutes": "会议纪要", "decisions": [{"text": "check every lift", "owner": "a-2",
                                                                      "due_on": "2026-12-01"}]}, expect=201)
    check = call(api, "GET", "/committee/quarters", year=2026)
    assert [q["met"] for q in check["quarters"]] == [True, True, True, False] and not check["met_every_quarter"]
    call(api, "POST", "/meetings", {"held_on": "2026-12-20", "kind": "joint", "attendance": 30}, expect=201)
    assert call(api, "GET", "/committee/quarters", year=2026)["met_every_quarter"]
    assert len(call(api, "GET", "/meetings", kind="committee", year=2026)["meetings"]) == 3
    held = [e["data"] for e in events(engine, "meeting.held")]
    assert len(held) == 5 and "minutes" not in json.dumps(held) and "会议纪要" not in json.dumps(held)


def test_bad_meetings_and_groups_are_a_400_naming_the_field_and_store_nothing(projects):
    api, engine = projects["api"], projects["engine"]
    appoint(projects, "a-1", "a-2")
    answer = api.send("POST", P + "/meetings", {"held_on": "2026-03-01", "kind": "working_group", "attendance": 3})
    assert (answer.status_code, list(answer.json()["fields"])) == (400, ["working_group_id"])
    answer = api.send("POST", P + "/meetings", {"held_on": "2026-03-01", "kind": "committee", "attendance": 1,
                                                "attendee_ids": ["a-1", "a-2"]})
    assert (answer.status_code, list(answer.json()["fields"])) == (400, ["attendance"])
    answer = api.send("POST", P + "/working-groups", {"name": "Nowhere", "areas": ["atlantis"]})
    assert (answer.status_code, list(answer.json()["fields"])) == (400, ["areas"])
    assert rows(engine, "SELECT id FROM meetings") == [] and events(engine) == []


def test_someone_the_registry_never_told_projects_of_is_no_member_attendee_or_owner_and_nothing_is_stored(projects):
    api, engine = projects["api"], projects["engine"]
    today = sitetime.today()
    [group] = [g for g in call(api, "GET", "/working-groups")["working_groups"] if g["areas"] == ["water"]]
    project = call(api, "POST", "/projects", project_body(), expect=201)
    dated = call(api, "POST", f"/projects/{project['id']}/activities", {
        "name": "talk", "owner_department": "civil_affairs", "place": "hall", "on": today.isoformat()}, expect=201)
    [occurrence] = call(api, "GET", f"/activities/{dated['id']}/occurrences")["occurrences"]
    call(api, "POST", "/areas", {"code": "ropeways", "name": "Ropeways 索道"}, expect=201)
    before = (rows(engine, "SELECT * FROM organisation_history"), len(events(engine)))
    for method, path, body, field in [
            ("PUT", "/committee", {"office_department": "work_safety", "members": ["x-1", "x-2"]}, "members"),
            ("POST", "/working-groups", {"name": "Ropeways group", "areas": ["ropeways"], "members": ["x-1"]},
             "members"),
            ("PATCH", f"/working-groups/{group['id']}", {"name": "Water", "members": ["x-1"]}, "members"),
            ("POST", "/meetings", {"held_on": today.isoformat(), "kind": "committee", "attendance": 5,
                                   "attendee_ids": ["x-1"]}, "attendee_ids"),
            ("POST", f"/projects/{project['id']}/activities", {
                "name": "visit", "owner_assignment_id": "x-1", "place": "homes", "on": today.isoformat()},
             "owner_assignment_id"),
            ("POST", f"/occurrences/{occurrence['id']}/done", {"done_on": today.isoformat(), "reached": 3,
                                                               "attendee_ids": ["x-1"]}, "attendee_ids"),
            ("POST", "/projects/from-template", {"template": "teda", "entry": "gas_alarms", "name": "Gas 燃气",
                                                 "status": "new", "owner_assignment_id": "x-1", "grid_code": "G1"},
             "owner_assignment_id")]:
        answer = api.send(method, P + path, body)
        assert (answer.status_code, list(answer.json().get("fields", {}))) == (400, [field]), (path, answer.text)
        [reason] = answer.json()["fields"][field]
        assert "x-1" in reason and "not a person in a role the registry has told projects of" in reason
    assert len(call(api, "GET", "/projects")["projects"]) == 1
    assert call(api, "GET", "/committee")["members"] == []
    assert call(api, "GET", f"/working-groups/{group['id']}")["name"] == group["name"]
    assert len(call(api, "GET", "/working-groups")["working_groups"]) == 19
    assert rows(engine, "SELECT id FROM meetings") == []
    assert len(rows(engine, "SELECT id FROM activities")) == 1
    assert call(api, "GET", f"/activities/{dated['id']}/occurrences")["occurrences"][0]["status"] == "scheduled"
    assert (rows(engine, "SELECT * FROM organisation_history"), len(events(engine))) == before
    assert api.send("GET", P + "/people/x-1").status_code == 404


def test_a_person_in_a_role_is_shown_with_their_role_and_one_whose_term_ended_stays_but_takes_no_new_place(projects):
    api, reader, today = projects["api"], projects["reader"], sitetime.today()
    appoint(projects, "a-1", "a-2")
    shown = call(reader, "GET", "/people/a-1")
    assert (shown["role"], shown["department_code"], shown["current"], shown["term_to"]) == (
        "working_group_lead", "civil_affairs", True, None)
    committee = call(api, "PUT", "/committee", {"office_department": "work_safety", "members": ["a-1", "a-2"]})
    assert committee["members"] == ["a-1", "a-2"]
    assert [(m["assignment_id"], m["role"], m["department_code"], m["current"])
            for m in committee["members_detail"]] == [("a-1", "working_group_lead", "civil_affairs", True),
                                                      ("a-2", "working_group_lead", "civil_affairs", True)]
    call(api, "POST", "/areas", {"code": "lifts", "name": "Lifts 电梯"}, expect=201)
    group = call(api, "POST", "/working-groups", {"name": "Lifts group", "areas": ["lifts"], "members": ["a-2"]},
                 expect=201)
    assert [(m["assignment_id"], m["role"], m["current"]) for m in group["members_detail"]] == [
        ("a-2", "working_group_lead", True)]

    ended_on = today - timedelta(days=10)
    appoint(projects, "a-2", ended_on=ended_on)  # the registry ends a-2's term
    appoint(projects, "a-3", ended_on=ended_on)  # and a-3's, never a member
    committee = call(api, "GET", "/committee")
    assert committee["members"] == ["a-1", "a-2"] and [m["current"] for m in committee["members_detail"]] == [
        True, False]
    assert committee["members_detail"][1]["term_to"] == ended_on.isoformat()
    listed = {g["id"]: g for g in call(api, "GET", "/working-groups")["working_groups"]}[group["id"]]
    assert [m["current"] for m in listed["members_detail"]] == [False]
    # where they are listed already they stay, on a change of something else too
    changed = call(api, "PUT", "/committee", {"office_department": "police", "members": ["a-2", "a-1"]})
    assert changed["members"] == ["a-2", "a-1"]
    changed = call(api, "PATCH", f"/working-groups/{group['id']}", {"members": ["a-2", "a-1"]})
    assert changed["members"] == ["a-2", "a-1"]
    project = call(api, "POST", "/projects", project_body(), expect=201)
    call(api, "POST", "/areas", {"code": "ropeways", "name": "Ropeways 索道"}, expect=201)
    for method, path, body, field in [
            ("PUT", "/committee", {"office_department": "police", "members": ["a-2", "a-1", "a-3"]}, "members"),
            ("POST", "/working-groups", {"name": "Ropeways group", "areas": ["ropeways"], "members": ["a-2"]},
             "members"),
            ("POST", "/meetings", {"held_on": today.isoformat(), "kind": "committee", "attendance": 5,
                                   "attendee_ids": ["a-1", "a-2"]}, "attendee_ids"),
            ("POST", f"/projects/{project['id']}/activities", {
                "name": "visit", "owner_assignment_id": "a-2", "place": "homes", "on": today.isoformat()},
             "owner_assignment_id")]:
        answer = api.send(method, P + path, body)
        assert (answer.status_code, list(answer.json().get("fields", {}))) == (400, [field]), (path, answer.text)
        assert "ended" in answer.json()["fields"][field][0]
    assert call(api, "GET", "/committee")["members"] == ["a-2", "a-1"]
    # a meeting held while the term still ran names them
    held = call(api, "POST", "/meetings", {"held_on": ended_on.isoformat(), "kind": "committee", "attendance": 5,
                                           "attendee_ids": ["a-1", "a-2"]}, expect=201)
    assert held["attendee_ids"] == ["a-1", "a-2"]
    owned = call(api, "POST", f"/projects/{project['id']}/activities", {
        "name": "visit", "owner_assignment_id": "a-1", "place": "homes", "on": today.isoformat()}, expect=201)
    assert owned["owner_assignment_id"] == "a-1"


def test_a_project_keeps_its_fields_its_caller_and_its_history_through_its_life_cycle(projects):
    api, engine = projects["api"], projects["engine"]
    project = call(api, "POST", "/projects", project_body(), expect=201)
    assert project["lifecycle"] == "planned" and project["created_by"] == "office-clerk"
    assert project["target"] == {"kind": "tag", "code": "elderly"} and project["baseline"]["figure"] == 42
    assert project["goals"][0]["due_on"] == "2027-12-31" and project["budget"] == 50000
    path = f"/projects/{project['id']}"

    call(api, "POST", f"{path}/lifecycle", {"to": "completed"}, expect=409)
    for stage in ("active", "suspended", "active", "completed"):
        call(api, "POST", f"{path}/lifecycle", {"to": stage, "reason": f"now {stage}"})
    answer = api.send("POST", P + f"{path}/lifecycle", {"to": "active"})
    assert answer.status_code == 409 and "completed" in answer.json()["message"]

    changed = call(api, "PATCH", path, {"status": "new", "target": None, "measures": []})
    assert (changed["status"], changed["target"], changed["measures"]) == ("new", None, [])
    history = changed["history"]
    assert [(h["action"], h["to_stage"]) for h in history] == [
        ("create", "planned"), ("lifecycle", "active"), ("lifecycle", "suspended"), ("lifecycle", "active"),
        ("lifecycle", "completed"), ("update", "completed")]
    assert {h["actor"] for h in history} == {"office-clerk"} and all(h["at"] for h in history)
    assert history[-1]["details"]["changed"] == ["measures", "status", "target"]

    moves = [e["data"] for e in events(engine, "project.status_changed")]
    assert [(m["previous_lifecycle"], m["lifecycle"]) for m in moves] == [
        ("planned", "active"), ("active", "suspended"), ("suspended", "active"), ("active", "completed")]
    [created] = events(engine, "project.created")
    assert created["data"]["measure_kinds"] == ["education", "engineering"] and created["dataversion"] == 1
    [updated] = events(engine, "project.updated")
    assert updated["data"]["changed"] == ["measures", "status", "target"]


def test_a_project_refuses_bad_references_and_field_combinations_with_a_400_and_stores_nothing(projects):
    api, engine = projects["api"], projects["engine"]
    cases = [({"intervention_area": "atlantis"}, "intervention_area"),
             ({"working_group_id": "01a2359c-0000-7000-8000-000000000000"}, "working_group_id"),
             ({"partner_departments": ["civil_affairs"]}, "partner_departments"),
             ({"goals": [{"description": "x", "target": float("inf"), "due_on": "2027-01-01"}]}, "goals"),
             ({"budget": -1}, "budget"), ({"target": {"kind": "planet", "code": "mars"}}, "target")]
    for overrides, field in cases:
        answer = api.send("POST", P + "/projects", project_body(**overrides))
        assert (answer.status_code, list(answer.json().get("fields", {}))) == (400, [field]), answer.text
    assert rows(engine, "SELECT id FROM projects") == [] and events(engine) == []
    project = call(api, "POST", "/projects", project_body(), expect=201)
    answer = api.send("PATCH", P + f"/projects/{project['id']}", {"intervention_area": "atlantis"})
    assert answer.status_code == 400
    assert call(api, "GET", f"/projects/{project['id']}")["intervention_area"] == "elderly"
    assert call(projects["reader"], "GET", f"/projects/{project['id']}")["id"] == project["id"]
    assert projects["reader"].send("PATCH", P + f"/projects/{project['id']}", {"name": "x"}).status_code == 403


def test_a_funding_ledger_totals_what_was_funded_and_spent(projects):
    api = projects["api"]
    project = call(api, "POST", "/projects", project_body(), expect=201)
    path = f"/projects/{project['id']}/funding"
    call(api, "POST", path, {"source": "district budget", "amount": 30000, "spent": 12000}, expect=201)
    shown = call(api, "POST", path, {"source": "enterprise", "amount": 10000, "spent": 10000,
                                     "recorded_on": "2026-05-01"}, expect=201)
    assert shown["totals"] == {"budget": 50000, "funded": 40000, "spent": 22000, "share_spent": 0.55}
    assert {line["recorded_by"] for line in shown["funding"]} == {"office-clerk"}
    answer = api.send("POST", P + path, {"source": "x", "amount": 10, "spent": 20})
    assert (answer.status_code, list(answer.json()["fields"])) == (400, ["spent"])


def test_a_recurring_activity_makes_its_occurrences_and_the_timer_marks_the_missed_ones_once(projects):
    api, engine = projects["api"], projects["engine"]
    project = call(api, "POST", "/projects", project_body(), expect=201)
    today = sitetime.today()
    start = today - timedelta(days=3)
    activity = call(api, "POST", f"/projects/{project['id']}/activities", {
        "name": "daily call to every empty-nest elder", "owner_department": "civil_affairs", "grid_code": "XL-G1",
        "frequency": "daily", "starts_on": start.isoformat(), "measure_kind": "service"}, expect=201)
    occurrences = call(api, "GET", f"/activities/{activity['id']}/occurrences", limit=500)["occurrences"]
    assert len(occurrences) == 3 + 1 + 31 and occurrences[0]["scheduled_on"] == start.isoformat()
    [scheduled] = events(engine, "activity.scheduled")
    assert scheduled["data"]["frequency"] == "daily" and scheduled["actor"] == "office-clerk"

    todays = next(o for o in occurrences if o["scheduled_on"] == today.isoformat())
    done = call(api, "POST", f"/occurrences/{todays['id']}/done", {"done_on": today.isoformat(), "reached": 14,
                                                                  "note": "two not at home"})
    assert (done["status"], done["reached"], done["reported_by"]) == ("done", 14, "office-clerk")
    call(api, "POST", f"/occurrences/{todays['id']}/done", {"done_on": today.isoformat(), "reached": 1}, expect=409)

    wait_until(lambda: len(events(engine, "activity.missed")) == 3, timeout=20, message="three misses")
    time.sleep(1)  # five more turns of the timer: nothing is missed twice
    missed = events(engine, "activity.missed")
    assert sorted(e["data"]["scheduled_on"] for e in missed) == [(start + timedelta(days=n)).isoformat()
                                                                 for n in range(3)]
    assert len({e["data"]["occurrence_id"] for e in missed}) == 3
    carried = call(api, "GET", f"/projects/{project['id']}")["carried_out"]
    assert (carried["still_carried_out"], carried["due"], carried["missed"]) == (False, 3, 3)
    [completed] = events(engine, "activity.completed")
    assert completed["data"]["reached"] == 14 and "two not at home" not in json.dumps(completed)


def test_a_training_counts_hours_per_member_and_a_campaign_its_reach(projects):
    api, engine = projects["api"], projects["engine"]
    appoint(projects, "a-1", "a-2", "a-3", "a-4", "a-9")
    call(api, "POST", "/areas", {"code": "lifts", "name": "Lifts 电梯"}, expect=201)
    call(api, "POST", "/working-groups", {"name": "Lifts group", "areas": ["lifts"], "members": ["a-1", "a-3"]},
         expect=201)
    committee = call(api, "PUT", "/committee", {"office_department": "work_safety", "members": ["a-4", "a-1"]})
    assert (committee["members"], committee["changed_by"]) == (["a-4", "a-1"], "office-clerk")
    assert call(projects["reader"], "GET", "/committee")["office_department"] == "work_safety"
    project = call(api, "POST", "/projects", project_body(), expect=201)
    today = sitetime.today()
    training = call(api, "POST", f"/projects/{project['id']}/activities", {
        "name": "first aid", "kind": "training", "owner_assignment_id": "a-9", "place": "community hall",
        "on": today.isoformat(), "trainer": "Dr Chen", "qualification": "Red Cross instructor", "hours": 4},
        expect=201)
    [occurrence] = call(api, "GET", f"/activities/{training['id']}/occurrences")["occurrences"]
    call(api, "POST", f"/occurrences/{occurrence['id']}/done", {
        "done_on": today.isoformat(), "reached": 25, "attendee_ids": ["a-1", "a-2"], "certificates_issued": 20})
    hours = call(api, "GET", "/training-hours", year=today.year)
    assert {m["assignment_id"]: m["hours"] for m in hours["members"]} == {"a-1": 4, "a-2": 4, "a-3": 0, "a-4": 0}
    assert hours["target_hours"] == 60 and not any(m["meets_target"] for m in hours["members"])
    [held] = events(engine, "training.held")
    assert held["data"]["attendance"] == 25 and held["data"]["certificates_issued"] == 20
    assert "Dr Chen" not in json.dumps(events(engine))

    drill = call(api, "POST", f"/projects/{project['id']}/activities", {
        "name": "fire drill", "kind": "drill", "owner_department": "fire", "grid_code": "XL-G1",
        "on": (today - timedelta(days=7)).isoformat(), "hours": 1.5,
        "done": {"done_on": (today - timedelta(days=7)).isoformat(), "reached": 40, "attendee_ids": ["a-3"]}},
        expect=201)
    [occurrence] = call(api, "GET", f"/activities/{drill['id']}/occurrences")["occurrences"]
    assert (occurrence["status"], occurrence["reached"]) == ("done", 40)
    time.sleep(0.5)  # the timer turns: a drill reported done as it was entered is never missed
    assert call(api, "GET", f"/activities/{drill['id']}/occurrences")["occurrences"][0]["status"] == "done"
    members = call(api, "GET", "/training-hours", year=(today - timedelta(days=7)).year)["members"]
    assert {m["assignment_id"]: m["hours"] for m in members}["a-3"] == 1.5
    answer = api.send("POST", P + f"/projects/{project['id']}/activities", {
        "name": "weekly drill", "kind": "drill", "owner_department": "fire", "grid_code": "XL-G1", "hours": 1,
        "frequency": "weekly", "starts_on": today.isoformat(), "done": {"done_on": today.isoformat(), "reached": 1}})
    assert (answer.status_code, list(answer.json()["fields"])) == (400, ["done"])

    campaign = call(api, "POST", f"/projects/{project['id']}/activities", {
        "name": "11·9 fire day", "kind": "campaign", "campaign": "day_11_9", "owner_department": "fire",
        "place": "square", "on": today.isoformat()}, expect=201)
    [occurrence] = call(api, "GET", f"/activities/{campaign['id']}/occurrences")["occurrences"]
    answer = api.send("POST", P + f"/occurrences/{occurrence['id']}/done",
                      {"done_on": today.isoformat(), "reached": 300, "certificates_issued": 1})
    assert (answer.status_code, list(answer.json()["fields"])) == (400, ["certificates_issued"])
    done = call(api, "POST", f"/occurrences/{occurrence['id']}/done",
                {"done_on": today.isoformat(), "reached": 300, "leaflets": 1200})
    assert (done["reached"], done["leaflets"]) == (300, 1200)


def test_an_activity_needs_an_owner_a_place_and_a_date_or_a_frequency(projects):
    api, engine = projects["api"], projects["engine"]
    project = call(api, "POST", "/projects", project_body(), expect=201)
    base = {"name": "visit", "owner_department": "civil_affairs", "place": "homes"}
    cases = [({}, "on"), ({"on": "2026-05-01", "frequency": "weekly", "starts_on": "2026-05-01"}, "frequency"),
             ({"frequency": "weekly"}, "starts_on"),
             ({"on": "2026-05-01", "owner_assignment_id": "a-1"}, "owner_assignment_id"),
             ({"kind": "training", "on": "2026-05-01"}, "hours"),
             ({"kind": "campaign", "frequency": "yearly", "starts_on": "2026-05-01"}, "on")]
    for overrides, field in cases:
        answer = api.send("POST", P + f"/projects/{project['id']}/activities", {**base, **overrides})
        assert (answer.status_code, list(answer.json().get("fields", {}))) == (400, [field]), (overrides, answer.text)
    assert rows(engine, "SELECT id FROM activities") == [] and rows(engine, "SELECT id FROM occurrences") == []


def test_a_suspended_project_has_its_coming_occurrences_cancelled_and_back_when_it_resumes(projects):
    api, engine = projects["api"], projects["engine"]
    project = call(api, "POST", "/projects", project_body(), expect=201)
    today = sitetime.today()
    activity = call(api, "POST", f"/projects/{project['id']}/activities", {
        "name": "weekly visit", "kind": "visit", "owner_department": "civil_affairs", "place": "homes",
        "frequency": "weekly", "starts_on": today.isoformat()}, expect=201)
    path = f"/activities/{activity['id']}/occurrences"
    for stage in ("active", "suspended"):
        call(api, "POST", f"/projects/{project['id']}/lifecycle", {"to": stage})
    assert {o["status"] for o in call(api, "GET", path)["occurrences"]} == {"cancelled"}
    assert call(api, "GET", path, status="cancelled")["occurrences"][0]["scheduled_on"] == today.isoformat()
    call(api, "POST", f"/projects/{project['id']}/lifecycle", {"to": "active"})
    assert {o["status"] for o in call(api, "GET", path)["occurrences"]} == {"scheduled"}
    time.sleep(0.5)  # the timer turns
    assert events(engine, "activity.missed") == []


def test_replicas_timers_on_postgresql_tell_each_missed_occurrence_once_and_make_each_once(databases):
    """Three replicas' timers run at once on one PostgreSQL database, and a fourth comes late with
    what it saw before them: each missed occurrence is told once, each occurrence made once."""
    from sqlalchemy.orm import sessionmaker

    from safecommunity.migrate import upgrade
    from services.projects.activities import Activity
    from services.projects.commands import check_activities
    from services.projects.domain import Project
    from services.projects.storage import ProjectsUnitOfWork

    url = databases.url.format(service="projects")
    upgrade("projects", url)
    engine = make_engine(url)
    open_one = lambda: ProjectsUnitOfWork(sessionmaker(engine, expire_on_commit=False)(), "projects")  # noqa: E731
    store, today = open_one(), sitetime.today()
    project = Project.create("clerk", None, name="Falls", intervention_area="elderly")
    store.projects.add(project)
    for n in range(5):  # made five days ago: the horizon is five days short, three days are past due
        activity, made = Activity.schedule(today - timedelta(days=5), "clerk", None, project_id=project.id,
                                           name=f"call {n}", owner_department="civil_affairs", grid_code="G1",
                                           frequency="daily", starts_on=today - timedelta(days=3))
        store.activities.add(activity)
        store.occurrences.add_many(made)
    store.commit()

    replicas = [open_one() for _ in range(4)]
    stale = replicas[3].occurrences.past_due(today)  # a replica's look, just before the others' turns
    replicas[3].session.rollback()
    turns = [eventlet.spawn(check_activities, replica) for replica in replicas[:3]]
    assert sum(made for made, _ in (turn.wait() for turn in turns)) == 5 * 5
    late = [o for o in stale if o.miss(today, None) and replicas[3].occurrences.save_if_scheduled(o)]
    replicas[3].commit()
    assert (len(stale), late) == (5 * 3, [])
    missed = [e["data"]["occurrence_id"] for e in events(engine, "activity.missed")]
    assert len(missed) == len(set(missed)) == 5 * 3
    assert rows(engine, "SELECT count(*) AS n FROM occurrences")[0]["n"] == 5 * (3 + 1 + 31)
    for replica in (store, *replicas):
        replica.close()
    engine.dispose()


def test_responsibility_letters_are_signed_once_level_by_level_and_counted_as_a_share_signed(projects):
    api, reader = projects["api"], projects["reader"]
    year = sitetime.today().year
    letter = {"kind": "target_responsibility", "period_from": f"{year}-01-01", "period_to": f"{year}-12-31",
              "targets": ["零死亡 zero deaths", "隐患整改率100%"]}
    streets = [call(api, "POST", "/letters", {**letter, "level": "street", "issuer": "work_safety", "party": f"S{n}"},
                    expect=201) for n in range(4)]
    unit = call(api, "POST", "/letters", {**letter, "kind": "commitment", "level": "unit", "issuer": "C1",
                                          "party": "unit-0042"}, expect=201)
    for street in streets[:3]:
        signed = call(api, "POST", f"/letters/{street['id']}/sign", {"signed_on": f"{year}-02-01"})
        assert (signed["signed_on"], signed["signed_by"], signed["name_zh"]) == (f"{year}-02-01", "office-clerk",
                                                                                "目标责任书")
    call(api, "POST", f"/letters/{streets[0]['id']}/sign", {"signed_on": f"{year}-02-02"}, expect=409)
    assert "signed_on" in call(api, "POST", f"/letters/{unit['id']}/sign", {"signed_on": f"{year + 1}-01-01"},
                               expect=400)["fields"]
    assert "period_to" in call(api, "POST", "/letters", {**letter, "level": "unit", "issuer": "C1", "party": "u",
                                                         "period_to": f"{year - 1}-12-31"}, expect=400)["fields"]
    levels = {row["level"]: row for row in call(reader, "GET", "/letters/shares", year=year)["levels"]}
    assert (levels["street"]["issued"], levels["street"]["signed"], levels["street"]["share"]) == (4, 3, 75.0)
    assert (levels["unit"]["issued"], levels["unit"]["share"]) == (1, 0.0)
    assert [row["party"] for row in call(reader, "GET", "/letters", level="street", signed="false")["letters"]] == [
        "S3"]
    call(reader, "POST", "/letters", {**letter, "level": "unit", "issuer": "C1", "party": "u"}, expect=403)
    published = events(projects["engine"], "letter.signed")
    assert len(published) == 3 and {e["data"]["party_code"] for e in published} == {"S0", "S1", "S2"}
    assert "零死亡" not in json.dumps(published)
