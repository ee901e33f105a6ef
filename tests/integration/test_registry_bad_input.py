"""A hand corpus of bad input (wrong types, nulls, huge strings and numbers, bodies that are no
object, weird IDs in paths, bad query parameters) against every route of registry and
notifications (projects' is test_projects_bad_input.py), on an embedded platform (SQLite) and on
PostgreSQL: never a 5xx, always a 4xx with a reason, and a route added without a place in the corpus
fails the coverage test."""
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from safecommunity.testing import admin_token
from services.notifications.acklinks import KEY_PURPOSE, AckLinks
from services.notifications.contacts import Sealer
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
from tests.integration.test_registry import PII_KEYS, credit_code, id_number

SERVICES = ["registry", "notifications"]
BAD_VALUES = [None, HUGE, -HUGE, -1, 1.5, float("nan"), True, "", "x" * 5000, [], {}, "2026-02-30", "9999-12-31"]
BAD_IDS = ["nope", "x" * 300, "%00", "%ff%fe", "..%2f..%2fgrids", "1%20OR%201=1", "%E2%80%AE", "-1", str(HUGE)]
BAD_QUERY = ["x" * 5000, "\x00", "-1", str(HUGE), "", "abc", "1.5", "2026-02-30", "0001-01-01T00:00:00+14:00",
             "9999-12-31T23:59:59-14:00"]


@pytest.fixture(params=["sqlite", "postgresql"])
def platform(request, start_services):
    """registry and notifications, embedded or on PostgreSQL and RabbitMQ, with one
    record of each kind to aim at."""
    config = request.getfixturevalue("embedded_config" if request.param == "sqlite" else "distributed_config")
    config = {**config, **PII_KEYS, "NOTIFY_CONTACTS_KEY": PII_KEYS["PII_KEY"]}
    start_services(config, SERVICES)
    api = Client(base_url(config), admin_token(config))
    return api, seed(api)


def seed(api):
    ids = {}
    api.made("/api/registry/grids", {"code": "BD", "name": "District 区", "level": "district"})
    api.made("/api/registry/grids", {"code": "BD-G1", "name": "Grid 网格", "level": "grid", "parent_code": "BD"})
    ids["resident"] = api.made("/api/registry/residents", resident_body(serial="11"))["id"]
    ids["elder"] = api.made("/api/registry/residents", resident_body(serial="12", tags=[{"tag": "elderly"}]))["id"]
    ids["unit"] = api.made("/api/registry/units", unit_body())["id"]
    ids["facility"] = api.made("/api/registry/facilities", facility_body("F-1"))["id"]
    ids["rental"] = api.made("/api/registry/rentals", rental_body())["id"]
    ids["volunteer"] = api.made("/api/registry/volunteers", {"resident_id": ids["resident"], "type": "teacher",
                                                             "certificate_number": "C-1"})["id"]
    ids["team"] = api.made("/api/registry/volunteer-teams", {"name": "Patrol 巡逻队", "type": "patrol"})["id"]
    api.made("/api/registry/compounds", {"code": "CP-1", "name": "Willow Court", "grid_code": "BD-G1"})
    ids["building"] = api.made("/api/registry/buildings", building_body())["id"]
    ids["household"] = api.made("/api/registry/households", {"building_id": ids["building"], "room": "101"})["id"]
    api.made("/api/registry/departments", {"code": "FIRE", "name": "Fire 消防", "kind": "fire"})
    ids["assignment"] = api.made("/api/registry/assignments", appoint_body())["id"]
    ids["delivery"] = "01a2359c-0000-7000-8000-00000000d1e1"  # none here without incidents: a 404 to aim at
    ids["recipient"] = f"person:{ids['assignment']}"
    ids["ack"] = ack_token(ids["delivery"], ids["recipient"])  # signed, for the delivery that is not there
    ids["alert"] = api.made("/api/notifications/warnings", warning_body())["identifier"]
    ids["subscription"] = api.made("/api/notifications/subscriptions", {
        "recipient": ids["recipient"], "event_type": "hazard.overdue", "channels": ["in_app"]})["id"]
    return ids


def ack_token(delivery_id, recipient):
    """An acknowledgement link's token as notifications signs it, with the platform's contacts key."""
    links = AckLinks(None, Sealer(PII_KEYS["PII_KEY"]).derive(KEY_PURPOSE))
    return links.token(SimpleNamespace(id=delivery_id, recipient=recipient), datetime.now(timezone.utc))


def resident_body(serial="21", **overrides):
    return {"name": "Li Hua", "sex": "female", "birth_date": "1948-05-02", "residence_type": "permanent",
            "grid_code": "BD-G1", "id_number": id_number(serial=serial), "phone": "13812345678",
            "address": "1 Elm Road", **overrides}


def unit_body(**overrides):
    return {"name": "Dragon Restaurant", "type": "small_restaurant", "grid_code": "BD-G1",
            "credit_code": credit_code(), "scale": "small", "industry": "catering", "risk_grade": "low",
            "safety_officer": "Zhang San", "safety_officer_phone": "13700000000", "special_workers": 2,
            "certified_special_workers": 1, "address": "2 Elm Road", "latitude": 32.1, "longitude": 118.9,
            **overrides}


def facility_body(code, **overrides):
    return {"code": code, "type": "hydrant", "grid_code": "BD-G1", "location": "gate", "latitude": 32.1,
            "longitude": 118.9, "status": "in_order", "expires_on": "2030-01-01", **overrides}


def rental_body(**overrides):
    return {"grid_code": "BD-G1", "address": "8 Willow Lane", "landlord_name": "Zhao Lei",
            "landlord_phone": "13911112222", "group_rental": False, "basement": True, "letter_signed": True,
            "signed_on": "2026-01-05", **overrides}


def building_body(**overrides):
    return {"grid_code": "BD-G1", "name": "No. 3", "storeys": 6, "compound_code": "CP-1", "address": "3 Elm Road",
            "year_built": 1986, "property_manager": "Green Property", "lifts": 1, **overrides}


def appoint_body(**overrides):
    return {"role": "grid_head", "grid_code": "BD-G1", "person_name": "Wang Wu", "person_phone": "13600000000",
            "term_from": "2026-01-01", "term_to": "2028-12-31", **overrides}


def contacts_body():
    return {"email": "li@example.org", "sms": "13800001234", "dingtalk": "token-12345678", "wecom": "key-12345678",
            "feishu": "hook-12345678", "webhook": "https://example.org/h"}


def warning_body(**overrides):
    return {"kind": "rainstorm", "colour": "orange", "headline": "暴雨橙色预警",
            "description": "三小时内降雨将达50毫米以上", "effective": "2026-07-01T08:00:00+08:00",
            "expires": "2026-07-01T20:00:00+08:00", "grids": ["BD-G1"],
            "status": "Exercise", "msg_type": "Alert", **overrides}


def routes(ids):
    """(method, path, a valid body or None, query parameters) for every route but the imports,
    which take files (test_registry_imports.py)."""
    r, n = "/api/registry", "/api/notifications"
    unit, facility = f"{r}/units/{ids['unit']}", f"{r}/facilities/{ids['facility']}"
    rental, person = f"{r}/rentals/{ids['rental']}", f"{r}/residents/{ids['elder']}"
    volunteer, team = f"{r}/volunteers/{ids['volunteer']}", f"{r}/volunteer-teams/{ids['team']}"
    return [
        ("POST", f"{r}/grids", {"code": "BD-G2", "name": "Grid 2", "level": "grid", "parent_code": "BD"}, []),
        ("GET", f"{r}/grids", None, []),
        ("GET", f"{r}/grids/BD", None, []),
        ("GET", f"{r}/grids/BD-G1/people", None, ["limit", "offset"]),
        ("GET", f"{r}/tag-types", None, []),
        ("POST", f"{r}/tag-types", {"code": "pregnant", "name": "Pregnant 孕妇", "sensitive": False, "min_age": 14,
                                    "max_age": 60, "attributes": {"week": {"type": "int", "min": 0, "max": 45}}}, []),
        ("GET", f"{r}/unit-types", None, []),
        ("POST", f"{r}/unit-types", {"code": "kiosk", "name": "Kiosk 报亭", "category": "nine_small_places"}, []),
        ("GET", f"{r}/facility-types", None, []),
        ("POST", f"{r}/units", unit_body(credit_code=None), []),
        ("GET", f"{r}/units", None, ["type", "grid_code", "risk_grade", "limit", "offset"]),
        ("GET", unit, None, []),
        ("PATCH", unit, unit_body(credit_code=None), []),
        ("POST", f"{unit}/risk-grade", {"risk_grade": "high", "graded_on": "2026-01-02"}, []),
        ("POST", f"{r}/facilities", facility_body("F-2", unit_id=ids["unit"], last_inspected_on="2026-01-01"), []),
        ("GET", f"{r}/facilities", None, ["type", "grid_code", "status", "unit_id", "overdue", "limit", "offset"]),
        ("GET", facility, None, []),
        ("PATCH", facility, facility_body("F-1"), []),
        ("POST", f"{facility}/inspections", {"inspected_on": "2026-01-03", "status": "faulty"}, []),
        ("POST", f"{r}/residents", resident_body(tags=[{"tag": "elderly", "attributes": {"living_alone": True}}]),
         []),
        ("GET", f"{r}/residents", None, ["grid_code", "tag", "age_min", "age_max", "residence_type", "sex", "status",
                                         "id_number", "limit", "offset"]),
        ("GET", person, None, []),
        ("PATCH", person, resident_body(serial="12", permit_expires_on=None), []),
        ("POST", f"{person}/tags", {"tag": "elderly", "attributes": {"fall_risk_score": 5}, "tagged_on": "2026-01-01"},
         []),
        ("DELETE", f"{person}/tags/student", None, []),
        ("POST", f"{r}/rentals", rental_body(tenants=[ids["elder"]]), []),
        ("GET", f"{r}/rentals", None, ["grid_code", "group_rental", "letter_signed", "limit", "offset"]),
        ("GET", rental, None, []),
        ("PATCH", rental, rental_body(), []),
        ("POST", f"{rental}/tenants", {"resident_id": ids["resident"], "since": "2026-01-01"}, []),
        ("DELETE", f"{rental}/tenants/{ids['resident']}", None, []),
        ("POST", f"{rental}/inspections", {"score": 8, "inspected_on": "2026-01-04"}, []),
        ("POST", f"{r}/compounds", {"code": "CP-2", "name": "Pine Court", "grid_code": "BD-G1",
                                    "property_manager": "Green", "address": "Pine Road", "registered_on": "2026-01-01"},
         []),
        ("GET", f"{r}/compounds", None, ["grid_code", "name", "property_managed", "limit", "offset"]),
        ("GET", f"{r}/compounds/CP-1", None, []),
        ("POST", f"{r}/buildings", building_body(name="No. 4", registered_on="2026-01-01"), []),
        ("GET", f"{r}/buildings", None, ["grid_code", "compound_code", "compound", "property_managed", "built_before",
                                         "limit", "offset"]),
        ("GET", f"{r}/buildings/{ids['building']}", None, []),
        ("PATCH", f"{r}/buildings/{ids['building']}", building_body(), []),
        ("POST", f"{r}/households", {"building_id": ids["building"], "room": "102", "members": [ids["resident"]],
                                     "registered_on": "2026-01-01"}, []),
        ("GET", f"{r}/households", None, ["building_id", "resident_id", "limit", "offset"]),
        ("GET", f"{r}/households/{ids['household']}", None, []),
        ("POST", f"{r}/households/{ids['household']}/members", {"resident_id": ids["elder"], "since": "2026-01-01"},
         []),
        ("DELETE", f"{r}/households/{ids['household']}/members/{ids['elder']}", None, []),
        ("POST", f"{r}/volunteers", {"resident_id": ids["elder"], "type": "retiree", "certificate_number": "C-2",
                                     "certificate_expires_on": "2030-01-01", "registered_on": "2026-01-01"}, []),
        ("GET", f"{r}/volunteers", None, ["grid_code", "type", "status", "serves", "limit", "offset"]),
        ("GET", volunteer, None, []),
        ("PATCH", volunteer, {"type": "teacher", "certificate_number": "C-1", "certificate_expires_on": "2031-01-01"},
         []),
        ("POST", f"{volunteer}/pairings", {"resident_id": ids["elder"], "since": "2026-01-01"}, []),
        ("DELETE", f"{volunteer}/pairings/{ids['elder']}", None, []),
        ("POST", f"{r}/volunteer-teams", {"name": "Cyclists", "type": "cycling_team", "grid_code": "BD-G1",
                                          "unit_id": ids["unit"], "members": [ids["volunteer"]],
                                          "registered_on": "2026-01-01"}, []),
        ("GET", f"{r}/volunteer-teams", None, ["grid_code", "type", "limit", "offset"]),
        ("GET", team, None, []),
        ("POST", f"{team}/members", {"volunteer_id": ids["volunteer"], "since": "2026-01-01"}, []),
        ("DELETE", f"{team}/members/{ids['volunteer']}", None, []),
        ("POST", f"{r}/departments", {"code": "POLICE", "name": "Police 派出所", "kind": "police"}, []),
        ("GET", f"{r}/departments", None, ["kind"]),
        ("GET", f"{r}/departments/FIRE", None, []),
        ("GET", f"{r}/roles", None, []),
        ("POST", f"{r}/assignments", appoint_body(), []),
        ("GET", f"{r}/assignments", None, ["role", "grid_code", "department", "resident_id", "active_on", "limit",
                                           "offset"]),
        ("GET", f"{r}/assignments/{ids['assignment']}", None, []),
        ("POST", f"{r}/assignments/{ids['assignment']}/end", {"ended_on": "2026-06-30"}, []),
        ("GET", f"{r}/audit", None, ["subject", "resource_id", "resource_type", "since", "limit", "offset"]),
        ("POST", f"{r}/volunteers/{ids['volunteer']}/leave", {"left_on": "2026-06-30"}, []),
        ("POST", f"{r}/residents/{ids['resident']}/move-out", {"moved_out_on": "2026-06-30"}, []),
        ("GET", f"{n}/deliveries", None, ["recipient", "limit", "offset"]),
        ("POST", f"{n}/deliveries/{ids['delivery']}/acknowledge", None, []),
        ("PUT", f"{n}/contacts/{ids['recipient']}", contacts_body(), []),
        ("GET", f"{n}/contacts/{ids['recipient']}", None, []),
        ("POST", f"{n}/subscriptions", {"recipient": ids["recipient"], "event_type": "hazard.reported",
                                        "filter": {"grid_code": "BD", "severity": ["major"]}, "channels": ["email"],
                                        "frequency": "daily", "hour": 8, "weekday": 1}, []),
        ("GET", f"{n}/subscriptions", None, ["recipient", "limit", "offset"]),
        ("DELETE", f"{n}/subscriptions/{ids['subscription']}", None, []),
        ("GET", f"{n}/rules", None, []),
        ("GET", f"{n}/holders", None, ["role", "grid_code"]),
        ("GET", f"{n}/escalations", None, ["status", "limit", "offset"]),
        ("PUT", f"{n}/logins/{ids['recipient']}", {"subjects": ["li.wei", "zhang.min"]}, []),
        ("GET", f"{n}/logins/{ids['recipient']}", None, []),
        ("GET", f"{n}/inbox", None, ["unread", "limit", "offset"]),
        ("POST", f"{n}/inbox/{ids['delivery']}/read", None, []),
        ("POST", f"{n}/inbox/{ids['delivery']}/acknowledge", None, []),
        ("GET", f"{n}/ack/{ids['ack']}", None, []),
        ("POST", f"{n}/ack/{ids['ack']}", None, []),
        ("POST", f"{n}/warnings", warning_body(), []),
        ("GET", f"{n}/alerts", None, []),
        ("GET", f"{n}/alerts/{ids['alert']}", None, []),
    ]


def test_every_route_of_registry_and_notifications_is_in_the_corpus(platform):
    api, ids = platform
    values = set(ids.values()) | SEEDED_CODES
    covered = {(method, shape(path, values)) for method, path, _, _ in routes(ids)}
    covered.add(("POST", "/api/registry/imports/<>"))
    assert served(api, SERVICES) - covered == set()


def test_a_bad_value_in_any_field_of_any_body_is_a_4xx_with_a_reason_never_a_5xx(platform):
    api, ids = platform
    assert_refused_with_reasons(api, bad_field_cases(routes(ids), BAD_VALUES))


def test_a_units_risk_grade_cannot_be_patched_away_and_stays_as_it_was(platform):
    api, ids = platform
    answer = api.send("PATCH", f"/api/registry/units/{ids['unit']}", {"risk_grade": None})
    assert (answer.status_code, answer.json()["fields"]) == (400, {"risk_grade": ["Field may not be null."]})
    assert api.send("GET", f"/api/registry/units/{ids['unit']}").json()["risk_grade"] == "low"


def test_a_body_that_is_not_an_object_of_valid_text_is_a_400(platform):
    api, ids = platform
    assert_bodies_refused(api, routes(ids))


def test_weird_ids_in_paths_are_a_404_or_a_400(platform):
    api, ids = platform
    assert_refused_with_reasons(api, weird_id_cases(routes(ids), set(ids.values()) | SEEDED_CODES, BAD_IDS))


def test_bad_query_parameters_are_a_400_naming_the_parameter(platform):
    api, ids = platform
    assert_refused_with_reasons(api, bad_query_cases(routes(ids), BAD_QUERY))
    assert "offset" in api.send("GET", "/api/registry/residents", params={"offset": str(HUGE)}).json()["fields"]
    assert api.send("GET", "/api/registry/grids", params={"bogus": "1"}).status_code == 400


SEEDED_CODES = {"BD", "BD-G1", "CP-1", "FIRE", "student"}
