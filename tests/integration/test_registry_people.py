"""The registry's housing and people against real PostgreSQL: rentals with their tenants kept
current, landlords masked and audited, events without personal data, 400/404/409 cases."""
import json
from datetime import timedelta

from safecommunity import sitetime
from tests.integration import test_registry as base
from tests.integration.test_registry import audit_rows, id_number, outbox, resident

registry = base.registry  # the same fixture: registry with PII keys, tokens by scope and three grids

SECRETS = ("Zhao Lei", "13911112222", "8 Willow Lane", "Li Hua", "13812345678")


def rental(**overrides):
    return {"grid_code": "XL-G1", "address": "8 Willow Lane, basement", "landlord_name": "Zhao Lei",
            "landlord_phone": "13911112222", "basement": True, **overrides}


def test_a_rental_keeps_its_tenants_current_and_its_events_name_nobody(registry):
    clerk = registry["clerk"]
    tenant = clerk.post("/residents", resident())
    other = clerk.post("/residents", resident(name="Wu Gang", id_number=id_number(serial="33"), phone=None))
    made = clerk.post("/rentals", rental(tenants=[tenant["id"]]))
    assert (made["address"], made["landlord_name"], made["landlord_phone"]) == ("***", "Z**", "139****2222")
    path = f"/rentals/{made['id']}"
    clerk.post(f"{path}/tenants", {"resident_id": other["id"]}, expect=200)
    clerk.post(f"{path}/tenants", {"resident_id": other["id"]}, expect=409)
    clerk.call("DELETE", f"{path}/tenants/{tenant['id']}", 200)
    clerk.call("DELETE", f"{path}/tenants/{tenant['id']}", 409)
    shown = clerk.post(f"{path}/inspections", {"score": 9}, expect=200)
    assert [t["resident_id"] for t in shown["tenants"]] == [other["id"]]
    assert (shown["inspection_score"], shown["inspected_on"]) == (9, sitetime.today().isoformat())
    signed = clerk.call("PATCH", path, 200, {"letter_signed": True, "group_rental": True})
    assert signed["signed_on"] == sitetime.today().isoformat()

    assert [r["id"] for r in clerk.get("/rentals", grid_code="XL-G1", letter_signed="true")["rentals"]] == [
        made["id"]]
    assert clerk.get("/rentals", group_rental="false")["rentals"] == []
    assert clerk.get("/rentals", grid_code="XL-G2")["rentals"] == []

    events = [e for e in outbox(registry["engine"]) if e["type"].startswith("rental.")]
    assert [(e["type"], e["data"]["tenants"]) for e in events] == [
        ("rental.registered", 1), ("rental.updated", 2), ("rental.updated", 1), ("rental.updated", 1),
        ("rental.updated", 1)]
    assert events[-1]["data"]["letter_signed"] is True and events[-1]["data"]["inspection_score"] == 9
    text_of_events = json.dumps(events, ensure_ascii=False)
    assert all(secret not in text_of_events for secret in SECRETS)
    assert tenant["id"] not in text_of_events and other["id"] not in text_of_events


def test_a_landlord_in_the_clear_needs_the_pii_scope_and_is_audited(registry):
    made = registry["clerk"].post("/rentals", rental())
    assert audit_rows(registry["engine"]) == []
    shown = registry["officer"].get(f"/rentals/{made['id']}")
    assert (shown["landlord_name"], shown["landlord_phone"]) == ("Zhao Lei", "13911112222")
    [entry] = registry["auditor"].get("/audit", resource_type="rental")["entries"]
    assert (entry["subject"], entry["resource_id"], entry["fields"]) == (
        "officer", made["id"], "address,landlord_name,landlord_phone")
    with registry["engine"].connect() as connection:
        stored = " ".join(str(v) for v in connection.exec_driver_sql("SELECT * FROM rentals").one())
    assert "13911112222" not in stored


def test_bad_rental_input_is_a_400_an_unknown_rental_a_404_and_nothing_is_stored(registry):
    clerk = registry["clerk"]
    person = clerk.post("/residents", resident())
    tomorrow = (sitetime.today() + timedelta(days=1)).isoformat()
    cases = [(rental(grid_code="NOPE"), "grid_code"),
             (rental(tenants=["no-such-resident"]), "tenants.0"),
             (rental(tenants=[person["id"], person["id"]]), "tenants.1"),
             (rental(landlord_resident_id=person["id"]), "landlord_resident_id"),
             (rental(landlord_name=None, landlord_resident_id="nobody", landlord_phone=None),
              "landlord_resident_id"),
             (rental(landlord_phone="123"), "landlord_phone"),
             (rental(letter_signed=True), "signed_on"),
             (rental(letter_signed=True, signed_on=tomorrow), "signed_on"),
             (rental(rooms=3), "rooms")]
    for body, field in cases:
        assert field in clerk.post("/rentals", body, expect=400)["fields"], (body, field)
    made = clerk.post("/rentals", rental(landlord_name=None, landlord_phone=None,
                                         landlord_resident_id=person["id"]))
    assert made["landlord_resident_id"] == person["id"]
    path = f"/rentals/{made['id']}"
    assert "score" in clerk.post(f"{path}/inspections", {"score": 11}, expect=400)["fields"]
    assert "score" in clerk.post(f"{path}/inspections", {"score": "9.5"}, expect=400)["fields"]
    assert "resident_id" in clerk.post(f"{path}/tenants", {"resident_id": "nobody"}, expect=400)["fields"]
    clerk.get("/rentals/no-such-rental", expect=404)
    clerk.post("/rentals/no-such-rental/tenants", {"resident_id": person["id"]}, expect=404)
    registry["reader"].post("/rentals", rental(), expect=403)
    with registry["engine"].connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM rentals").scalar() == 1
        assert connection.exec_driver_sql("SELECT count(*) FROM rental_tenants").scalar() == 0


def elder(registry, serial, **overrides):
    return registry["clerk"].post("/residents", resident(
        name=f"Elder {serial}", id_number=id_number(serial=serial), phone=None,
        tags=[{"tag": "elderly", "attributes": {"living_alone": True}}], **overrides))


def test_volunteers_serve_the_elderly_with_a_duty_certificate_and_leave_once(registry):
    clerk = registry["clerk"]
    helper = clerk.post("/residents", resident(name="Chen Jing", birth_date="1990-05-02",
                                               id_number=id_number(born="19900502", serial="44"), phone=None,
                                               grid_code="XL-G2"))
    first, second = elder(registry, "51"), elder(registry, "52")
    made = clerk.post("/volunteers", {"resident_id": helper["id"], "type": "social_worker"})
    assert (made["grid_code"], made["certified"]) == ("XL-G2", False)
    path = f"/volunteers/{made['id']}"
    clerk.post(f"{path}/pairings", {"resident_id": first["id"]}, expect=409)  # no duty certificate yet
    expires = (sitetime.today() + timedelta(days=365)).isoformat()
    updated = clerk.call("PATCH", path, 200, {"certificate_number": "SG-2026-7", "certificate_expires_on": expires})
    assert updated["certified"] is True and updated["certificate_number"] == "***"
    for elderly in (first, second):  # 1:N
        clerk.post(f"{path}/pairings", {"resident_id": elderly["id"]}, expect=200)
    clerk.post(f"{path}/pairings", {"resident_id": first["id"]}, expect=409)
    clerk.call("DELETE", f"{path}/pairings/{second['id']}", 200)
    clerk.call("DELETE", f"{path}/pairings/{second['id']}", 409)
    assert [v["id"] for v in clerk.get("/volunteers", serves=first["id"])["volunteers"]] == [made["id"]]
    assert clerk.get("/volunteers", serves=second["id"])["volunteers"] == []
    assert [v["id"] for v in clerk.get("/volunteers", grid_code="XL-G2", type="social_worker")["volunteers"]] == [
        made["id"]]

    team = clerk.post("/volunteer-teams", {"name": "Lakeside patrol", "type": "patrol", "grid_code": "XL-G2",
                                           "members": [made["id"]]})
    assert [m["volunteer_id"] for m in team["members"]] == [made["id"]]
    clerk.post(f"/volunteer-teams/{team['id']}/members", {"volunteer_id": made["id"]}, expect=409)

    left = clerk.post(f"{path}/leave", {}, expect=200)
    assert left["left_on"] == sitetime.today().isoformat() and all(p["until"] for p in left["pairings"])
    clerk.post(f"{path}/leave", {}, expect=409)
    assert clerk.get(f"/volunteer-teams/{team['id']}")["members"] == []
    assert clerk.get("/volunteers")["volunteers"] == []
    assert [v["id"] for v in clerk.get("/volunteers", status="left")["volunteers"]] == [made["id"]]

    events = [e for e in outbox(registry["engine"]) if e["type"].startswith("volunteer.")]
    assert [(e["type"], e["data"]["certified"]) for e in events] == [
        ("volunteer.registered", False), ("volunteer.updated", True), ("volunteer.left", True)]
    text_of_events = json.dumps(events, ensure_ascii=False)
    for secret in ("Chen Jing", "SG-2026-7", helper["id"], first["id"], second["id"]):
        assert secret not in text_of_events


def test_a_certificate_in_the_clear_is_audited_and_bad_volunteer_input_stores_nothing(registry):
    clerk = registry["clerk"]
    helper = clerk.post("/residents", resident())
    child = clerk.post("/residents", resident(name="Kid", birth_date="2024-01-01", phone=None,
                                              id_number=id_number(born="20240101", serial="61")))
    cases = [({"resident_id": "nobody", "type": "retiree"}, "resident_id"),
             ({"resident_id": helper["id"], "type": "astronaut"}, "type"),
             ({"resident_id": helper["id"], "type": "retiree", "certificate_expires_on": "2030-01-01"},
              "certificate_number"),
             ({"resident_id": helper["id"], "type": "retiree", "badge": 1}, "badge")]
    for body, field in cases:
        assert field in clerk.post("/volunteers", body, expect=400)["fields"], (body, field)
    made = clerk.post("/volunteers", {"resident_id": helper["id"], "type": "retiree", "certificate_number": "SG-9"})
    assert "resident_id" in clerk.post("/volunteers", {"resident_id": helper["id"], "type": "teacher"},
                                       expect=400)["fields"]
    path = f"/volunteers/{made['id']}"
    assert "resident_id" in clerk.post(f"{path}/pairings", {"resident_id": child["id"]}, expect=400)["fields"]
    assert "resident_id" in clerk.post(f"{path}/pairings", {"resident_id": "nobody"}, expect=400)["fields"]
    clerk.get("/volunteers/nobody", expect=404)
    clerk.post("/volunteers/nobody/leave", {}, expect=404)
    assert "members.0" in clerk.post("/volunteer-teams", {"name": "T", "type": "patrol", "members": ["nobody"]},
                                     expect=400)["fields"]
    assert "grid_code" in clerk.post("/volunteer-teams", {"name": "T", "type": "patrol", "grid_code": "NOPE"},
                                     expect=400)["fields"]
    clerk.get("/volunteer-teams/nobody", expect=404)

    assert registry["officer"].get(path)["certificate_number"] == "SG-9"
    [entry] = registry["auditor"].get("/audit", resource_type="volunteer")["entries"]
    assert (entry["subject"], entry["resource_id"], entry["fields"]) == ("officer", made["id"], "certificate_number")
    with registry["engine"].connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM volunteers").scalar() == 1
        assert connection.exec_driver_sql("SELECT count(*) FROM volunteer_pairings").scalar() == 0
        assert connection.exec_driver_sql("SELECT count(*) FROM volunteer_teams").scalar() == 0


def test_people_hold_several_roles_with_terms_and_a_grid_lists_its_responsible_persons(registry):
    clerk = registry["clerk"]
    clerk.post("/departments", {"code": "XL-PS", "name": "Xianlin police station", "kind": "police"})
    clerk.post("/departments", {"code": "XL-PS", "name": "Again", "kind": "police"}, expect=409)
    assert clerk.post("/departments", {"code": "X", "name": "X", "kind": "navy"}, expect=400)["fields"]["kind"]
    assert [d["code"] for d in clerk.get("/departments", kind="police")["departments"]] == ["XL-PS"]
    assert "grid_head" in {r["code"] for r in clerk.get("/roles")["roles"]}
    person = clerk.post("/residents", resident())
    last_year = (sitetime.today() - timedelta(days=365)).isoformat()
    head = clerk.post("/assignments", {"role": "grid_head", "grid_code": "XL-G1", "resident_id": person["id"],
                                       "term_from": last_year})
    officer = clerk.post("/assignments", {"role": "grid_information_officer", "grid_code": "XL-G1",
                                          "person_name": "Sun Li", "person_phone": "13700001111"})
    assert (officer["person_name"], officer["person_phone"]) == ("S**", "137****1111")
    clerk.post("/assignments", {"role": "department_data_officer", "department_code": "XL-PS",
                                "resident_id": person["id"]})  # the same person, a second role
    old = clerk.post("/assignments", {"role": "building_head", "grid_code": "XL-G1", "person_name": "Old Head",
                                      "term_from": last_year, "term_to": last_year})

    people = clerk.get("/grids/XL-G1/people")["assignments"]
    assert sorted(a["id"] for a in people) == sorted([head["id"], officer["id"]])
    assert [a["role"] for a in clerk.get("/assignments", resident_id=person["id"])["assignments"]] == [
        "grid_head", "department_data_officer"]
    assert [a["id"] for a in clerk.get("/assignments", department="XL-PS")["assignments"]] != []
    assert [a["id"] for a in clerk.get("/assignments", role="building_head", active_on=last_year)[
        "assignments"]] == [old["id"]]
    yesterday = (sitetime.today() - timedelta(days=1)).isoformat()  # term_to is the last day in office
    clerk.post(f"/assignments/{head['id']}/end", {"ended_on": yesterday}, expect=200)
    clerk.post(f"/assignments/{head['id']}/end", {}, expect=409)
    assert [a["id"] for a in clerk.get("/grids/XL-G1/people")["assignments"]] == [officer["id"]]
    clerk.get("/grids/NOPE/people", expect=404)
    clerk.get("/assignments/nobody", expect=404)

    shown = registry["officer"].get(f"/assignments/{officer['id']}")
    assert shown["person_phone"] == "13700001111"
    [entry] = registry["auditor"].get("/audit", resource_type="assignment")["entries"]
    assert (entry["resource_id"], entry["fields"]) == (officer["id"], "person_name,person_phone")


def test_bad_assignments_are_a_400_naming_the_field_and_store_nothing(registry):
    clerk = registry["clerk"]
    cases = [({"role": "grid_head", "grid_code": "NOPE", "person_name": "A"}, "grid_code"),
             ({"role": "grid_head", "department_code": "NOPE", "person_name": "A"}, "department_code"),
             ({"role": "grid_head", "grid_code": "XL-G1", "resident_id": "nobody"}, "resident_id"),
             ({"role": "grid_head", "grid_code": "XL-G1"}, "person_name"),
             ({"role": "committee_office_staff", "grid_code": "XL-G1", "person_name": "A"}, "role"),
             ({"role": "astronaut", "grid_code": "XL-G1", "person_name": "A"}, "role"),
             ({"role": "grid_head", "grid_code": "XL-G1", "person_name": "A", "term_from": "2026-02-01",
               "term_to": "2026-01-01"}, "term_to"),
             ({"role": "grid_head", "grid_code": "XL-G1", "person_name": "A", "person_phone": "1"}, "person_phone")]
    for body, field in cases:
        assert field in clerk.post("/assignments", body, expect=400)["fields"], (body, field)
    assert "active_on" in clerk.get("/assignments", expect=400, active_on="soon")["fields"]
    with registry["engine"].connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM assignments").scalar() == 0


def test_buildings_and_households_keep_their_members_current(registry):
    clerk = registry["clerk"]
    old = clerk.post("/buildings", {"grid_code": "XL-G1", "name": "No. 3", "compound": "Willow Court",
                                    "storeys": 6, "year_built": 1986})
    clerk.post("/buildings", {"grid_code": "XL-G1", "name": "Tower A", "storeys": 30, "year_built": 2015,
                              "property_manager": "Green Property", "lifts": 4})
    assert [b["id"] for b in clerk.get("/buildings", property_managed="false", built_before=2000)["buildings"]] == [
        old["id"]]
    assert clerk.call("PATCH", f"/buildings/{old['id']}", 200, {"lifts": 1})["lifts"] == 1
    for body, field in [({"grid_code": "NOPE", "name": "X", "storeys": 3}, "grid_code"),
                        ({"grid_code": "XL-G1", "name": "X", "storeys": 0}, "storeys"),
                        ({"grid_code": "XL-G1", "name": "X", "storeys": 3, "year_built": 2999}, "year_built")]:
        assert field in clerk.post("/buildings", body, expect=400)["fields"], (body, field)
    clerk.get("/buildings/nobody", expect=404)

    first = clerk.post("/residents", resident())
    second = clerk.post("/residents", resident(name="Wu Gang", id_number=id_number(serial="33"), phone=None))
    home = clerk.post("/households", {"building_id": old["id"], "room": "301", "members": [first["id"]]})
    assert home["room"] == "***"
    assert "room" in clerk.post("/households", {"building_id": old["id"], "room": "301"}, expect=400)["fields"]
    assert "members.0" in clerk.post("/households", {"building_id": old["id"], "room": "302",
                                                     "members": [first["id"]]}, expect=400)["fields"]
    assert "building_id" in clerk.post("/households", {"building_id": "nobody", "room": "1"}, expect=400)["fields"]
    path = f"/households/{home['id']}/members"
    clerk.post(path, {"resident_id": second["id"]}, expect=200)
    clerk.post(path, {"resident_id": second["id"]}, expect=409)
    clerk.call("DELETE", f"{path}/{first['id']}", 200)
    clerk.call("DELETE", f"{path}/{first['id']}", 409)
    assert [h["id"] for h in clerk.get("/households", resident_id=second["id"])["households"]] == [home["id"]]
    assert clerk.get("/households", resident_id=first["id"])["households"] == []
    assert registry["officer"].get(f"/households/{home['id']}")["room"] == "301"
    [entry] = registry["auditor"].get("/audit", resource_type="household")["entries"]
    assert (entry["resource_id"], entry["fields"]) == (home["id"], "building_id,room")  # the building: where too
    with registry["engine"].connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM households").scalar() == 1
