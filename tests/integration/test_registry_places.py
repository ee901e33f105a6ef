"""The registry against real PostgreSQL: searches by a grid cover the grids below it, a move-out
takes the resident off what only a resident is on, one active volunteer per resident is the
database's rule too (a lost race is a 409), compounds are records buildings belong to."""

import pytest
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from safecommunity import sitetime
from safecommunity.errors import Conflict
from services.registry.storage import RegistryUnitOfWork
from services.registry.tests.test_seeds import check_the_health_migration
from services.registry.tests.test_storage import check_the_compound_migration, check_the_volunteer_migration
from services.registry.volunteers import Volunteer
from tests.integration import test_registry as base
from tests.integration.test_registry import id_number, outbox, resident

registry = base.registry  # registry with PII keys, tokens by scope and grids XL > XL-G1, XL-G2


def street_with_a_community(clerk):
    """XL > XL-S (street) > XL-C (community) > XL-CG (grid)."""
    for code, level, parent in (("XL-S", "street", "XL"), ("XL-C", "community", "XL-S"),
                                ("XL-CG", "grid", "XL-C")):
        clerk.post("/grids", {"code": code, "name": code, "level": level, "parent_code": parent})


def test_a_search_by_grid_finds_the_records_of_every_grid_below_it(registry):
    clerk = registry["clerk"]
    street_with_a_community(clerk)
    deep = clerk.post("/residents", resident(grid_code="XL-CG", id_number=None, phone=None))
    on_street = clerk.post("/residents", resident(grid_code="XL-S", id_number=None, phone=None))
    elsewhere = clerk.post("/residents", resident(grid_code="XL-G1", id_number=None, phone=None))
    unit = clerk.post("/units", {"name": "Works", "type": "enterprise", "grid_code": "XL-CG"})
    hydrant = clerk.post("/facilities", {"code": "H-1", "type": "hydrant", "grid_code": "XL-CG"})
    rental = clerk.post("/rentals", {"grid_code": "XL-CG", "address": "1 Lane", "landlord_name": "Zhao"})
    helper = clerk.post("/volunteers", {"resident_id": deep["id"], "type": "retiree"})
    building = clerk.post("/buildings", {"grid_code": "XL-CG", "name": "No. 1", "storeys": 5})

    def ids(path, key, grid_code):
        return sorted(r["id"] for r in clerk.get(path, grid_code=grid_code)[key])

    assert ids("/residents", "residents", "XL-S") == sorted([deep["id"], on_street["id"]])
    assert ids("/residents", "residents", "XL-C") == [deep["id"]]
    assert ids("/residents", "residents", "XL") == sorted([deep["id"], on_street["id"], elsewhere["id"]])
    assert ids("/residents", "residents", "NOPE") == []
    for path, key, made in (("/units", "units", unit), ("/facilities", "facilities", hydrant),
                            ("/rentals", "rentals", rental), ("/volunteers", "volunteers", helper),
                            ("/buildings", "buildings", building)):
        assert ids(path, key, "XL-S") == [made["id"]], path
        assert ids(path, key, "XL-G1") == [], path


def test_moving_out_ends_tenancy_household_volunteering_and_pairings_in_one_commit(registry):
    clerk = registry["clerk"]
    elderly = [{"tag": "elderly", "attributes": {"living_alone": True}}]
    leaving = clerk.post("/residents", resident(tags=elderly))
    flatmate = clerk.post("/residents", resident(name="Wu Gang", id_number=id_number(serial="33"), phone=None))
    rental = clerk.post("/rentals", {"grid_code": "XL-G1", "address": "1 Lane", "landlord_name": "Zhao",
                                     "tenants": [leaving["id"], flatmate["id"]]})
    building = clerk.post("/buildings", {"grid_code": "XL-G1", "name": "No. 1", "storeys": 5})
    home = clerk.post("/households", {"building_id": building["id"], "room": "1",
                                      "members": [leaving["id"], flatmate["id"]]})
    theirs = clerk.post("/volunteers", {"resident_id": leaving["id"], "type": "retiree"})
    team = clerk.post("/volunteer-teams", {"name": "Patrol", "type": "patrol", "members": [theirs["id"]]})
    helper = clerk.post("/volunteers", {"resident_id": flatmate["id"], "type": "teacher",
                                        "certificate_number": "SG-1"})
    clerk.post(f"/volunteers/{helper['id']}/pairings", {"resident_id": leaving["id"]}, expect=200)
    before = len(outbox(registry["engine"]))

    clerk.post(f"/residents/{leaving['id']}/move-out", {}, expect=200)
    clerk.post(f"/residents/{leaving['id']}/move-out", {}, expect=409)

    assert [t["resident_id"] for t in clerk.get(f"/rentals/{rental['id']}")["tenants"]] == [flatmate["id"]]
    assert [m["resident_id"] for m in clerk.get(f"/households/{home['id']}")["members"]] == [flatmate["id"]]
    assert clerk.get(f"/volunteers/{theirs['id']}")["left_on"] == sitetime.today().isoformat()
    assert clerk.get(f"/volunteer-teams/{team['id']}")["members"] == []
    assert clerk.get("/volunteers", serves=leaving["id"])["volunteers"] == []
    assert clerk.get(f"/volunteers/{helper['id']}")["pairings"][0]["until"] == sitetime.today().isoformat()
    events = outbox(registry["engine"])[before:]
    assert [e["type"] for e in events] == ["resident.moved_out", "rental.updated", "volunteer.left"]
    assert (events[1]["data"]["tenants"], events[1]["data"]["changed"]) == (1, ["tenants"])


@pytest.fixture
def units_of_work(registry):
    sessions = sessionmaker(registry["engine"], expire_on_commit=False)
    opened = []

    def open_one():
        opened.append(RegistryUnitOfWork(sessions(), "registry"))
        return opened[-1]

    yield open_one
    for each in opened:
        each.close()


def test_one_active_volunteer_per_resident_is_the_databases_rule_and_a_lost_race_a_conflict(
        registry, units_of_work):
    person = registry["clerk"].post("/residents", resident(id_number=None, phone=None))
    slower, faster = units_of_work(), units_of_work()
    slower.volunteers.add(Volunteer.register(person["id"], "XL-G1", type="retiree"))  # checked: none yet
    faster.volunteers.add(Volunteer.register(person["id"], "XL-G1", type="teacher"))
    faster.commit()
    with pytest.raises(Conflict, match="try again"):
        slower.commit()
    with registry["engine"].connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM volunteers")) == 1
        definition = connection.scalar(text(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'uq_volunteers_active_resident'"))
    assert "UNIQUE" in definition and "left_on IS NULL" in definition
    assert "resident_id" in registry["clerk"].post("/volunteers", {"resident_id": person["id"], "type": "other"},
                                                   expect=400)["fields"]


def test_a_second_active_volunteer_record_is_ended_by_the_migration_on_postgresql(databases):
    check_the_volunteer_migration(databases.url.format(service="registry_old"))


def test_buildings_that_named_their_compound_belong_to_one_after_the_migration_on_postgresql(databases):
    check_the_compound_migration(databases.url.format(service="registry_old"))


def test_health_attributes_are_marked_and_audit_rows_name_any_number_of_fields_after_the_migration_on_postgresql(
        databases):
    check_the_health_migration(databases.url.format(service="registry_old"))


def test_compounds_are_records_with_a_grid_and_buildings_belong_to_them(registry):
    clerk = registry["clerk"]
    street_with_a_community(clerk)
    made = clerk.post("/compounds", {"code": "WC", "name": "Willow Court", "grid_code": "XL-C",
                                     "property_manager": "Green Property", "address": "1 Willow Road"})
    assert made == {"code": "WC", "name": "Willow Court", "grid_code": "XL-C", "property_manager": "Green Property",
                    "address": "1 Willow Road", "registered_on": sitetime.today().isoformat()}
    clerk.post("/compounds", {"code": "PY", "name": "Pine Yard", "grid_code": "XL-G1"})
    clerk.post("/compounds", {"code": "WC", "name": "Again", "grid_code": "XL-C"}, expect=409)
    cases = [({"code": "X1", "name": "X", "grid_code": "NOPE"}, "grid_code"),
             ({"code": "X1", "name": "", "grid_code": "XL-C"}, "name"),
             ({"code": "bad code!", "name": "X", "grid_code": "XL-C"}, "code"),
             ({"code": "X1", "name": "X"}, "grid_code"),
             ({"code": "X1", "name": "X", "grid_code": "XL-C", "gates": 2}, "gates")]
    for body, field in cases:
        assert field in clerk.post("/compounds", body, expect=400)["fields"], (body, field)
    assert clerk.get("/compounds/WC") == made
    clerk.get("/compounds/NOPE", expect=404)
    assert [c["code"] for c in clerk.get("/compounds", grid_code="XL-S")["compounds"]] == ["WC"]
    assert [c["code"] for c in clerk.get("/compounds", property_managed="false")["compounds"]] == ["PY"]
    assert [c["code"] for c in clerk.get("/compounds", limit=1, offset=1)["compounds"]] == ["WC"]
    assert "property_managed" in clerk.get("/compounds", expect=400, property_managed="maybe")["fields"]

    tower = clerk.post("/buildings", {"grid_code": "XL-CG", "name": "Tower", "storeys": 20, "compound_code": "WC"})
    assert (tower["compound_code"], tower["compound"]) == ("WC", "Willow Court")
    old_client = clerk.post("/buildings", {"grid_code": "XL-G1", "name": "No. 3", "storeys": 6,
                                           "compound": "Pine Yard"})
    assert old_client["compound_code"] == "PY"
    for body, field in [({"grid_code": "XL-G1", "name": "X", "storeys": 3, "compound_code": "WC"}, "grid_code"),
                        ({"grid_code": "XL-G1", "name": "X", "storeys": 3, "compound_code": "NOPE"}, "compound_code"),
                        ({"grid_code": "XL-G1", "name": "X", "storeys": 3, "compound_code": "PY",
                          "compound": "Pine Yard"}, "compound")]:
        assert field in clerk.post("/buildings", body, expect=400)["fields"], (body, field)
    assert "grid_code" in clerk.call("PATCH", f"/buildings/{tower['id']}", 400, {"grid_code": "XL-G1"})["fields"]
    assert [b["id"] for b in clerk.get("/buildings", compound_code="WC")["buildings"]] == [tower["id"]]
    assert [b["id"] for b in clerk.get("/buildings", compound="Pine Yard")["buildings"]] == [old_client["id"]]
    with registry["engine"].connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM compounds")) == 2
        assert connection.scalar(text("SELECT count(*) FROM buildings")) == 2
