"""A hand corpus of bad input (wrong types, nulls, huge strings and numbers, bodies that are no
object, weird IDs in paths, bad query parameters) against every route of projects, embedded
(SQLite) and on PostgreSQL: never a 5xx, always a 4xx with a reason, nothing stored by a refused
request, and a route added without a place in the corpus fails the coverage test."""
from datetime import timedelta

import pytest

from safecommunity import sitetime
from safecommunity.testing import admin_token
from tests.badinput import (
    HUGE,
    Client,
    assert_bodies_refused,
    assert_refused_with_reasons,
    bad_field_cases,
    bad_query_cases,
    served,
    shape,
    weird_id_cases,
)
from tests.conftest import base_url
from tests.integration.test_projects import appoint

SERVICES = ["projects"]
P = "/api/projects"
BAD_VALUES = [None, HUGE, -HUGE, -1, 1.5, float("nan"), float("inf"), True, "", "x" * 5000, [], {}, [None],
              [{}], ["x" * 5000], "2026-02-30", "9999-12-31", "\x00"]
BAD_IDS = ["nope", "x" * 300, "%00", "%ff%fe", "..%2f..%2fprojects", "1%20OR%201=1", "%E2%80%AE", "-1", str(HUGE)]
BAD_QUERY = ["x" * 5000, "\x00", "-1", str(HUGE), "", "abc", "1.5", "2026-02-30", "0"]
AREA = "lifts"
TEMPLATE = "teda"
PEOPLE = ("a-1", "a-2")  # people in roles, as the registry's events tell projects: the bodies' members
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


@pytest.fixture(params=["sqlite", "postgresql"])
def platform(request, start_services):
    """projects, embedded or on PostgreSQL and RabbitMQ, with one record of each kind to aim at."""
    config = request.getfixturevalue("embedded_config" if request.param == "sqlite" else "distributed_config")
    start_services(config, SERVICES)
    api = Client(base_url(config), admin_token(config))
    appoint({"api": api, "amqp": config["AMQP_URI"]}, *PEOPLE)
    return api, seed(api)


def seed(api):
    today = sitetime.today().isoformat()
    ids = {"person": PEOPLE[0]}
    api.made(f"{P}/areas", {"code": AREA, "name": "Lifts 电梯"})
    ids["group"] = api.made(f"{P}/working-groups", {"name": "Lifts group", "areas": [AREA]})["id"]
    ids["project"] = api.made(f"{P}/projects", project_body())["id"]
    ids["activity"] = api.made(f"{P}/projects/{ids['project']}/activities", activity_body(on=today))["id"]
    [occurrence] = api.send("GET", f"{P}/activities/{ids['activity']}/occurrences").json()["occurrences"]
    ids["occurrence"] = occurrence["id"]
    ids["meeting"] = api.made(f"{P}/meetings", meeting_body())["id"]
    ids["evidence"] = upload(api, {"kind": "photo_before", "elements": "high_risk", "project_id": ids["project"]},
                             ("整改前.png", PNG, "image/png")).json()["id"]
    ids["letter"] = api.made(f"{P}/letters", letter_body(project_id=ids["project"]))["id"]
    ids["month"] = sitetime.today().strftime("%Y-%m")   # of a phase evaluation, in its path
    ids["indicator"] = api.made(f"{P}/projects/{ids['project']}/indicators", indicator_body())["id"]
    return ids


def letter_body(**overrides):
    return {"kind": "safety_responsibility", "level": "community", "issuer": "S1", "party": "C1",
            "period_from": "2026-01-01", "period_to": "2026-12-31", "targets": ["零死亡 zero deaths"], **overrides}


def indicator_body(**overrides):
    return {"code": "falls_home_60", "name": "Falls at home 60+ 居家跌倒", "unit": "‰",
            "counts": {"event": "injury.reported", "where": {"cause": ["fall"], "age": {"min": 60}}},
            "per": {"residents": {"tag": "elderly", "age": {"min": 60}}}, "factor": 1000, "grids": ["C1"],
            "baseline": {"figure": 12, "period": "2025", "source": "injury surveillance"},
            "target": {"value": 8, "direction": "at_most", "due_on": "2027-12-31"}, **overrides}


def upload(api, form, file=None, field="file"):
    """A multipart upload of evidence: `form`'s fields and `file` as (name, bytes, type) in `field`."""
    return api.session.post(f"{api.url}{P}/evidence", data=form, files={field: file} if file else None, timeout=60)


def project_body(**overrides):
    return {"name": "Safe homes 平安家庭", "intervention_area": "home", "status": "new", "working_group": "Home group",
            "target_group": "elderly", "start_date": "2026-03-01", "lead_department": "civil_affairs",
            "partner_departments": ["health"], "target": {"kind": "tag", "code": "elderly"},
            "baseline": {"figure": 12, "period": "2023-2025", "source": "injury surveillance"},
            "goals": [{"description": "fewer falls", "target": 8, "unit": "‰", "due_on": "2027-12-31"}],
            "measures": [{"kind": "education", "description": "talks"}], "budget": 1000, **overrides}


def activity_body(**overrides):
    return {"name": "first aid", "kind": "training", "owner_department": "health", "place": "community hall",
            "trainer": "Dr Chen", "qualification": "instructor", "hours": 2, "measure_kind": "education",
            **overrides}


def meeting_body(**overrides):
    return {"held_on": "2026-03-02", "kind": "committee", "attendance": 10, "attendee_ids": ["a-1"],
            "minutes": "minutes", "decisions": [{"text": "act", "owner": "FIRE", "due_on": "2026-04-01"}],
            **overrides}


def routes(ids):
    """(method, path, a valid body or None, query parameters) for every route."""
    project, group = f"{P}/projects/{ids['project']}", f"{P}/working-groups/{ids['group']}"
    activity, today = f"{P}/activities/{ids['activity']}", sitetime.today().isoformat()
    later = (sitetime.today() + timedelta(days=60)).isoformat()
    return [
        ("GET", f"{P}/areas", None, []),
        ("POST", f"{P}/areas", {"code": "ropeways", "name": "Ropeways"}, []),
        ("PATCH", f"{P}/areas/{AREA}", {"name": "Lifts and escalators"}, []),
        ("POST", f"{P}/areas/{AREA}/merge", {"into": "special_equipment"}, []),
        ("DELETE", f"{P}/areas/{AREA}", None, []),
        ("GET", f"{P}/organisation/history", None, ["limit", "offset"]),
        ("GET", f"{P}/working-groups", None, []),
        ("POST", f"{P}/working-groups", {"name": "Ropeways group", "areas": ["sports"], "lead_department": "FIRE",
                                         "partner_departments": ["police"], "members": ["a-1"]}, []),
        ("GET", group, None, []),
        ("PATCH", group, {"name": "Lifts", "areas": [AREA], "lead_department": "market_regulation",
                          "partner_departments": ["police"], "members": ["a-2"]}, []),
        ("POST", f"{group}/merge", {"into": ids["group"]}, []),
        ("DELETE", group, None, []),
        ("POST", f"{P}/meetings", meeting_body(), []),
        ("GET", f"{P}/meetings", None, ["kind", "working_group_id", "year", "limit", "offset"]),
        ("GET", f"{P}/meetings/{ids['meeting']}", None, []),
        ("GET", f"{P}/committee", None, []),
        ("PUT", f"{P}/committee", {"office_department": "work_safety", "members": ["a-1", "a-2"]}, []),
        ("GET", f"{P}/committee/quarters", None, ["year"]),
        ("GET", f"{P}/people/{ids['person']}", None, []),
        ("POST", f"{P}/projects", project_body(), []),
        ("GET", f"{P}/projects", None, ["intervention_area", "working_group_id", "status", "lifecycle", "limit",
                                        "offset"]),
        ("GET", project, None, []),
        ("PATCH", project, project_body(working_group_id=ids["group"]), []),
        ("POST", f"{project}/lifecycle", {"to": "active", "reason": "started"}, []),
        ("POST", f"{project}/funding", {"source": "district", "amount": 100, "spent": 10, "recorded_on": today,
                                        "note": "first"}, []),
        ("GET", f"{project}/progress", None, ["from", "to"]),
        ("PUT", f"{project}/evaluations/{ids['month']}", {"rating": "at_risk", "summary": "two visits missed",
                                                         "next_steps": "visit again"}, []),
        ("GET", f"{project}/evaluations", None, []),
        ("POST", f"{project}/indicators", indicator_body(code="falls_home_65"), []),
        ("GET", f"{project}/indicators", None, ["from", "to"]),
        ("GET", f"{P}/indicators/{ids['indicator']}", None, ["from", "to"]),
        ("POST", f"{project}/activities", activity_body(kind="visit", trainer=None, qualification=None, hours=None,
                                                        frequency="weekly", starts_on=today, ends_on=later,
                                                        done=None),
         []),
        ("GET", f"{project}/activities", None, ["limit", "offset"]),
        ("GET", activity, None, []),
        ("GET", f"{activity}/occurrences", None, ["status", "limit", "offset"]),
        ("POST", f"{P}/occurrences/{ids['occurrence']}/done", {"done_on": today, "reached": 3, "attendee_ids": ["a-1"],
                                                             "certificates_issued": 1, "note": "ok"}, []),
        ("GET", f"{P}/training-hours", None, ["year"]),
        ("POST", f"{P}/evidence", None, []),   # multipart: test_bad_evidence_uploads_are_a_4xx_and_store_nothing
        ("GET", f"{P}/evidence", None, ["element", "kind", "limit", "offset"]),
        ("GET", f"{P}/evidence/elements", None, []),
        ("GET", f"{P}/evidence/{ids['evidence']}", None, []),
        ("GET", f"{P}/evidence/{ids['evidence']}/file", None, []),
        ("GET", f"{project}/evidence", None, []),
        ("GET", f"{project}/checklist", None, []),
        ("POST", f"{P}/letters", letter_body(), []),
        ("POST", f"{P}/letters/{ids['letter']}/sign", {"signed_on": "2026-03-01"}, []),
        ("GET", f"{P}/letters", None, ["level", "kind", "party", "project_id", "signed", "limit", "offset"]),
        ("GET", f"{P}/letters/shares", None, ["year"]),
        ("GET", f"{P}/letters/{ids['letter']}", None, []),
        ("GET", f"{P}/templates", None, []),
        ("GET", f"{P}/templates/{TEMPLATE}", None, []),
        ("POST", f"{P}/projects/from-template", {"template": TEMPLATE, "entry": "gas_alarms", "name": "Gas 燃气",
                                                 "status": "continuing", "lead_department": "housing_construction",
                                                 "start_date": later, "grid_code": "G1", "budget": 10}, []),
    ]


def test_every_route_of_projects_is_in_the_corpus(platform):
    api, ids = platform
    values = set(ids.values()) | {AREA, TEMPLATE}
    covered = {(method, shape(path, values)) for method, path, _, _ in routes(ids)}
    assert served(api, SERVICES) - covered == set()


def test_a_bad_value_in_any_field_of_any_body_is_a_4xx_with_a_reason_never_a_5xx(platform):
    api, ids = platform
    assert_refused_with_reasons(api, bad_field_cases(routes(ids), BAD_VALUES))


def test_a_refused_request_stores_nothing(platform):
    api, ids = platform
    before = api.send("GET", f"{P}/projects/{ids['project']}").json()
    for value in (None, "x" * 5000, HUGE, "atlantis"):
        answer = api.send("PATCH", f"{P}/projects/{ids['project']}", {"name": "Renamed", "intervention_area": value})
        assert answer.status_code == 400 and "intervention_area" in answer.json()["fields"]
    assert api.send("GET", f"{P}/projects/{ids['project']}").json() == before
    assert len(api.send("GET", f"{P}/projects").json()["projects"]) == 1


def test_a_body_that_is_not_an_object_of_valid_text_is_a_400(platform):
    api, ids = platform
    assert_bodies_refused(api, routes(ids))


def test_weird_ids_in_paths_are_a_404_or_a_400(platform):
    api, ids = platform
    assert_refused_with_reasons(api, weird_id_cases(routes(ids), set(ids.values()) | {AREA, TEMPLATE}, BAD_IDS))


def test_bad_query_parameters_are_a_400_naming_the_parameter(platform):
    api, ids = platform
    assert_refused_with_reasons(api, bad_query_cases(routes(ids), BAD_QUERY))
    assert "year" in api.send("GET", f"{P}/training-hours", params={"year": "abc"}).json()["fields"]
    assert api.send("GET", f"{P}/areas", params={"bogus": "1"}).status_code == 400


GOOD_FORM = {"kind": "minutes", "elements": "organisation,archives"}
BAD_FORMS = [{"kind": "selfie"}, {"kind": ""}, {"kind": "x" * 5000}, {"kind": "\x00"}, {"elements": ""},
             {"elements": "safety"}, {"elements": "archives,archives"}, {"elements": "\x00"}, {"elements": "x" * 5000},
             {"meeting_id": "nope"}, {"meeting_id": "x" * 300}, {"meeting_id": "\x00"}, {"meeting_id": ""},
             {"filename": "a\x00.png"}, {"filename": "x" * 300}, {"filename": ""}, {"bogus": "1"}]


def test_bad_evidence_uploads_are_a_4xx_naming_the_field_and_store_nothing(platform):
    api, ids = platform
    before = api.send("GET", f"{P}/evidence").json()["evidence"]
    target = {"meeting_id": ids["meeting"]}
    for change in BAD_FORMS:
        answer = upload(api, {**GOOD_FORM, **target, **change}, ("minutes.png", PNG, "image/png"))
        assert answer.status_code == 400 and set(answer.json()["fields"]) == {next(iter(change))}, (change, answer.text)
    for form, file, part, field in [
            (GOOD_FORM, ("minutes.png", PNG, "image/png"), "file", "project_id"),   # attached to nothing
            ({**GOOD_FORM, **target, "project_id": ids["project"]}, ("m.png", PNG, "image/png"), "file", "project_id"),
            ({**GOOD_FORM, **target}, ("minutes.png", PNG, "image/png"), "attachment", "file"),  # not named file
            ({**GOOD_FORM, **target}, ("empty.png", b"", "image/png"), "file", "file"),
            ({**GOOD_FORM, **target}, ("minutes.pdf", PNG, "application/pdf"), "file", "file"),
            ({**GOOD_FORM, **target}, ("a.exe", b"MZ\x90\x00" * 10, "image/png"), "file", "file")]:
        answer = upload(api, form, file, part)
        assert answer.status_code == 400 and field in answer.json()["fields"], (form, file[0], answer.text)
    form = {**GOOD_FORM, **target}
    for not_multipart in (upload(api, form), api.send("POST", f"{P}/evidence", form)):
        assert not_multipart.status_code == 415 and not_multipart.json()["message"]
    assert api.send("GET", f"{P}/evidence").json()["evidence"] == before
