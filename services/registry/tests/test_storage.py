"""The registry's repositories and the steps between entrypoint and domain, on a SQLite file built
by the real migrations (the same history PostgreSQL gets): searches by a grid's descendants."""
import json
from datetime import date, timedelta

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from cryptography.fernet import Fernet
from sqlalchemy import func, select, text
from sqlalchemy.orm import sessionmaker

from safecommunity import sitetime
from safecommunity.database import make_engine
from safecommunity.errors import Conflict, FieldInvalid
from safecommunity.migrate import alembic_config, create_database_if_missing, upgrade
from safecommunity.tables import outbox
from services.registry import handlers as do
from services.registry.buildings import Building, Household, compound_code_for
from services.registry.domain import Grid, Resident, Unit
from services.registry.housing import Rental
from services.registry.offices import Department
from services.registry.pii import Protector
from services.registry.storage import RegistryUnitOfWork, metadata
from services.registry.tables import volunteers
from services.registry.volunteers import Team, Volunteer

DAY = date(2026, 1, 5)

# street → two communities → grids, and a second street beside it
HIERARCHY = [("D", "district", None), ("S1", "street", "D"), ("S2", "street", "D"),
             ("C1", "community", "S1"), ("C2", "community", "S1"), ("C3", "community", "S2"),
             ("G1", "grid", "C1"), ("G2", "grid", "C1"), ("G3", "grid", "C2"), ("G4", "grid", "C3")]


@pytest.fixture
def uow(tmp_path):
    """uow() opens a fresh unit of work (on its own connection, as concurrent requests have) on a
    migrated database, with grids HIERARCHY in place."""
    url = f"sqlite:///{tmp_path}/registry.db"
    upgrade("registry", url)
    protector = Protector(Fernet.generate_key().decode(), "k" * 40)
    opened, engines = [], []

    def open_one():
        engines.append(make_engine(url))
        opened.append(RegistryUnitOfWork(sessionmaker(engines[-1], expire_on_commit=False)(), "registry",
                                         protector=protector))
        return opened[-1]

    first = open_one()
    made = {}
    for code, level, parent in HIERARCHY:
        made[code] = Grid.create(code, f"Grid {code}", level, parent=made.get(parent))
        first.grids.add(made[code])
    first.commit()
    yield open_one
    for each in opened:
        each.close()
    for engine in engines:
        engine.dispose()


def person(grid_code="G1", tags=(), registered_on=DAY):
    return Resident.register(name="Li Hua", sex="female", birth_date=date(1950, 1, 1), residence_type="permanent",
                             grid=Grid(grid_code, "", "grid"), registered_on=registered_on, tags=tags)


def outbox_types(store):
    return [row.type for row in store.session.execute(select(outbox).order_by(outbox.c.id))]


def outbox_events(store):
    return [(row.type, json.loads(row.envelope)["data"])
            for row in store.session.execute(select(outbox).order_by(outbox.c.id))]


def count(store, table, *conditions):
    return store.session.scalar(select(func.count()).select_from(table).where(*conditions))


def test_a_grids_descendants_are_found_at_every_depth(uow):
    grids = uow().grids
    assert grids.descendants("S1") == ["C1", "C2", "G1", "G2", "G3", "S1"]
    assert grids.descendants("C3") == ["C3", "G4"]
    assert grids.descendants("G2") == ["G2"]
    assert grids.descendants("NOPE") == ["NOPE"]  # matches nothing, rather than everything


def test_searching_by_a_street_finds_the_records_of_every_grid_below_it(uow):
    store = uow()
    people = {code: person(code) for code in ("S1", "C1", "G1", "G3", "G4")}
    for resident in people.values():
        store.residents.add(resident)
    unit = Unit.register(name="Works", type="enterprise", grid_code="G2")
    store.units.add(unit)
    store.commit()

    def residents(grid_code):
        query = do.within_grid(store, {"grid_code": grid_code})
        return {r.grid_code for r in store.residents.search(query, 100, 0)}

    assert residents("S1") == {"S1", "C1", "G1", "G3"}
    assert residents("C1") == {"C1", "G1"}
    assert residents("G3") == {"G3"}
    assert residents("S2") == {"G4"}
    assert residents("NOPE") == set()
    assert [u.id for u in store.units.search(do.within_grid(store, {"grid_code": "S1"}), 10, 0)] == [unit.id]
    assert store.units.search(do.within_grid(store, {"grid_code": "C2"}), 10, 0) == []


def test_moving_out_ends_tenancies_household_volunteering_and_the_pairings_serving_them(uow):
    store = uow()
    elderly = store.taxonomy.tag_type("tag", "elderly")
    leaving, flatmate, served = person(tags=[(elderly, {})]), person(), person(tags=[(elderly, {})])
    for resident in (leaving, flatmate, served):
        store.residents.add(resident)
    rental = Rental.register(grid_code="G1", address="3 Lane", landlord_name="Zhao", registered_on=DAY,
                             tenants=[leaving.id, flatmate.id])
    building = Building.register(grid_code="G1", name="No. 3", storeys=6, registered_on=DAY)
    household = Household.register(building.id, "301", members=[leaving.id, flatmate.id], registered_on=DAY)
    theirs = Volunteer.register(leaving.id, "G1", type="retiree", certificate_number="SG-1", registered_on=DAY)
    theirs.pair(served.id, served.tags, DAY)
    helper = Volunteer.register(flatmate.id, "G1", type="teacher", certificate_number="SG-2", registered_on=DAY)
    helper.pair(leaving.id, leaving.tags, DAY + timedelta(days=20))  # began after the day they moved out
    team = Team.form("Patrol", "patrol", members=[theirs.id, helper.id], registered_on=DAY)
    store.rentals.add(rental)
    store.buildings.add(building)
    store.households.add(household)
    store.volunteers.add(theirs)
    store.volunteers.add(helper)
    store.commit()
    store.teams.add(team)
    store.commit()
    before = len(outbox_types(store))

    moved = do.move_out_resident(uow(), leaving.id, {"moved_out_on": DAY + timedelta(days=10)})

    after = uow()
    assert moved.moved_out_on == DAY + timedelta(days=10)
    assert list(after.rentals.get(rental.id).tenants) == [flatmate.id]
    assert list(after.households.get(household.id).members) == [flatmate.id]
    ended = after.volunteers.get(theirs.id)
    assert ended.left_on == DAY + timedelta(days=10) and ended.current_pairings() == []
    assert after.volunteers.get(helper.id).current_pairings() == []
    assert [p.until for p in after.volunteers.get(helper.id).pairings] == [DAY + timedelta(days=20)]
    assert list(after.teams.get(team.id).members) == [helper.id]
    assert outbox_types(after)[before:] == ["resident.moved_out", "rental.updated", "volunteer.left"]


def test_a_department_an_appointment_and_its_end_are_in_the_outbox_with_the_state_they_change(uow):
    store = uow()
    store.departments.add(Department.register("FIRE", "Fire brigade", "fire"))
    store.commit()
    before = len(outbox_types(store))
    command = {"role": "grid_head", "grid_code": "G1", "department_code": None, "resident_id": None,
               "person_name": "Sun Li", "person_phone": "13700001111", "term_from": DAY, "term_to": None}
    head = do.appoint(uow(), command)
    do.end_term(uow(), head.id, {"ended_on": DAY + timedelta(days=30)})

    after = uow()
    assert after.assignments.get(head.id).term_to == DAY + timedelta(days=30)
    events = outbox_events(after)
    assert [(type_, data["person_key"], data["term_to"]) for type_, data in events[before:]] == [
        ("assignment.started", head.id, None), ("assignment.ended", head.id, "2026-02-04")]
    assert events[before - 1] == ("department.registered", {"code": "FIRE", "name": "Fire brigade", "kind": "fire"})
    assert "Sun Li" not in json.dumps(events) and "13700001111" not in json.dumps(events)


def test_a_move_out_that_fails_half_way_changes_nothing(uow):
    store = uow()
    leaving = person()
    store.residents.add(leaving)
    rental = Rental.register(grid_code="G1", address="3 Lane", landlord_name="Zhao", registered_on=DAY,
                             tenants=[leaving.id])
    store.rentals.add(rental)
    store.commit()
    with pytest.raises(FieldInvalid, match="moved_out_on"):  # before they moved in: refused by the domain
        do.move_out_resident(uow(), leaving.id, {"moved_out_on": DAY - timedelta(days=1)})
    failing = uow()
    failing.volunteers.serving = lambda resident_id: 1 / 0  # breaks after the tenancy has ended
    with pytest.raises(ZeroDivisionError):
        do.move_out_resident(failing, leaving.id, {"moved_out_on": DAY})
    failing.close()
    after = uow()
    assert after.residents.get(leaving.id).moved_out_on is None
    assert list(after.rentals.get(rental.id).tenants) == [leaving.id]


def test_a_lost_race_for_a_residents_one_active_volunteer_record_is_a_conflict(uow):
    store = uow()
    resident = person()
    store.residents.add(resident)
    store.commit()
    slower, faster = uow(), uow()
    slower.volunteers.add(Volunteer.register(resident.id, "G1", type="retiree"))  # checked: none yet
    faster.volunteers.add(Volunteer.register(resident.id, "G1", type="teacher"))
    faster.commit()
    with pytest.raises(Conflict, match="try again"):
        slower.commit()
    after = uow()
    assert count(after, volunteers, volunteers.c.resident_id == resident.id) == 1
    with pytest.raises(FieldInvalid, match="already a volunteer"):  # no race: the check's 400
        after.volunteers.add(Volunteer.register(resident.id, "G1", type="other"))
    left = after.volunteers.active_for(resident.id)
    left.leave(sitetime.today())  # registered on the site's day, which may be ahead of the machine's
    after.volunteers.save(left)
    after.volunteers.add(Volunteer.register(resident.id, "G1", type="other"))  # again, after leaving
    after.commit()
    assert count(uow(), volunteers, volunteers.c.resident_id == resident.id) == 2


def test_the_migrations_build_the_tables_as_declared(tmp_path):
    url = f"sqlite:///{tmp_path}/fresh.db"
    upgrade("registry", url)
    engine = make_engine(url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                       metadata)
    engine.dispose()
    assert differences == []


def check_the_compound_migration(url):
    """Buildings that named their compound before 0005 belong to one compound per grid and name
    after it, and get their names back on downgrade (run on SQLite here, on PostgreSQL too)."""
    config = alembic_config("registry", url)
    create_database_if_missing(url)
    command.upgrade(config, "0004")
    engine = make_engine(url)
    day = date(2020, 1, 1)
    rows = [("b1", "G1", "Willow Court", "Green", day), ("b2", "G1", "Willow Court", "Green", day + timedelta(9)),
            ("b3", "G2", "Willow Court", None, day), ("b4", "G1", None, "Green", day),
            ("b5", "G1", "Pine Yard", "Green", day), ("b6", "G1", "Pine Yard", None, day)]
    with engine.begin() as connection:
        for code in ("G1", "G2"):
            connection.execute(text("INSERT INTO grids (code, name, level) VALUES (:c, :c, 'grid')"), {"c": code})
        for id_, grid, compound, manager, registered in rows:
            connection.execute(text(
                "INSERT INTO buildings (id, grid_code, name, compound, storeys, property_manager, lifts,"
                " registered_on) VALUES (:id, :grid, :id, :compound, 5, :manager, 0, :day)"),
                {"id": id_, "grid": grid, "compound": compound, "manager": manager, "day": registered})
    command.upgrade(config, "head")
    with engine.connect() as connection:
        made = {row.code: row for row in connection.execute(text("SELECT * FROM compounds"))}
        belongs = dict(connection.execute(text("SELECT id, compound_code FROM buildings")).all())
    willow, other_willow, pine = (compound_code_for(g, n) for g, n in (
        ("G1", "Willow Court"), ("G2", "Willow Court"), ("G1", "Pine Yard")))
    assert belongs == {"b1": willow, "b2": willow, "b3": other_willow, "b4": None, "b5": pine, "b6": pine}
    assert {code: (row.name, row.grid_code, row.property_manager, str(row.registered_on))
            for code, row in made.items()} == {
        willow: ("Willow Court", "G1", "Green", "2020-01-01"),  # the manager all its buildings share
        other_willow: ("Willow Court", "G2", None, "2020-01-01"),
        pine: ("Pine Yard", "G1", None, "2020-01-01")}  # managed and unmanaged buildings: none
    command.downgrade(config, "0004")
    with engine.connect() as connection:
        named = dict(connection.execute(text("SELECT id, compound FROM buildings")).all())
    engine.dispose()
    assert named == {id_: compound for id_, _, compound, _, _ in rows}


def check_the_volunteer_migration(url):
    """Two active volunteer records a race left for one resident before 0004: the later one is
    ended the day it was registered, then the index holds (run on SQLite here, PostgreSQL too)."""
    config = alembic_config("registry", url)
    create_database_if_missing(url)
    command.upgrade(config, "0003")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO grids (code, name, level) VALUES ('G1', 'G1', 'grid')"))
        for id_ in ("r1", "r2"):
            connection.execute(text(
                "INSERT INTO residents (id, name, sex, birth_date, residence_type, grid_code, registered_on)"
                " VALUES (:id, 'A', 'female', :born, 'permanent', 'G1', :day)"), {"id": id_, "born": date(1950, 1, 1),
                                                                                 "day": DAY})
        for id_, resident_id, registered, left in (("v1", "r1", DAY, None), ("v2", "r1", DAY + timedelta(3), None),
                                                   ("v0", "r1", DAY, DAY), ("v3", "r2", DAY, None)):
            connection.execute(text(
                "INSERT INTO volunteers (id, resident_id, grid_code, type, registered_on, left_on)"
                " VALUES (:id, :resident, 'G1', 'other', :day, :left)"),
                {"id": id_, "resident": resident_id, "day": registered, "left": left})
    command.upgrade(config, "head")
    with engine.connect() as connection:
        left_on = dict(connection.execute(text("SELECT id, left_on FROM volunteers")).all())
    engine.dispose()
    assert {id_: day and str(day) for id_, day in left_on.items()} == {
        "v0": str(DAY), "v1": None, "v2": str(DAY + timedelta(3)), "v3": None}


def test_a_second_active_volunteer_record_a_race_left_is_ended_by_the_migration(tmp_path):
    check_the_volunteer_migration(f"sqlite:///{tmp_path}/old.db")


def test_buildings_that_named_their_compound_belong_to_one_after_the_migration(tmp_path):
    check_the_compound_migration(f"sqlite:///{tmp_path}/old.db")


def test_a_compound_is_in_a_known_grid_and_its_buildings_in_its_grid_or_below(uow):
    store = uow()
    with pytest.raises(FieldInvalid, match="grid_code"):
        do.register_compound(store, {"code": "WC", "name": "Willow Court", "grid_code": "NOPE"})
    do.register_compound(uow(), {"code": "WC", "name": "Willow Court", "grid_code": "C1"})
    with pytest.raises(Conflict):
        do.register_compound(uow(), {"code": "WC", "name": "Again", "grid_code": "C1"})
    inside = do.register_building(uow(), {"grid_code": "G2", "name": "No. 1", "storeys": 5, "compound_code": "WC"})
    with pytest.raises(FieldInvalid, match="grid_code"):
        do.register_building(uow(), {"grid_code": "G3", "name": "No. 2", "storeys": 5, "compound_code": "WC"})
    with pytest.raises(FieldInvalid, match="compound_code"):
        do.register_building(uow(), {"grid_code": "G2", "name": "No. 2", "storeys": 5, "compound_code": "NOPE"})
    with pytest.raises(FieldInvalid, match="grid_code"):
        do.update_building(uow(), inside.id, {"grid_code": "G4"})
    with pytest.raises(FieldInvalid, match="not both"):
        do.update_building(uow(), inside.id, {"compound_code": None, "compound": "Pine Yard"})
    assert uow().buildings.get(inside.id).compound_code == "WC"
    assert do.update_building(uow(), inside.id, {"compound_code": None}).compound_code is None


def test_a_client_that_names_the_compound_finds_or_makes_it_in_the_buildings_grid(uow):
    do.register_compound(uow(), {"code": "WC", "name": "Willow Court", "grid_code": "G1"})
    known = do.register_building(uow(), {"grid_code": "G1", "name": "No. 1", "storeys": 5, "compound": "Willow Court"})
    fresh = do.register_building(uow(), {"grid_code": "G1", "name": "No. 2", "storeys": 5, "compound": "Pine Yard"})
    again = do.register_building(uow(), {"grid_code": "G1", "name": "No. 3", "storeys": 5, "compound": "Pine Yard"})
    assert known.compound_code == "WC"
    assert fresh.compound_code == again.compound_code == compound_code_for("G1", "Pine Yard")
    store = uow()
    assert store.compounds.get(fresh.compound_code).grid_code == "G1"
    shown = do.show_buildings(store, store.buildings.search({"compound": "Pine Yard"}, 10, 0))
    assert sorted((b["name"], b["compound"]) for b in shown) == [("No. 2", "Pine Yard"), ("No. 3", "Pine Yard")]
    in_street = store.compounds.search(do.within_grid(store, {"grid_code": "S1"}), 10, 0)
    assert sorted(c.code for c in in_street) == sorted(["WC", fresh.compound_code])
    assert store.compounds.search({"grid_code": ["S2"], "property_managed": False}, 10, 0) == []


def test_searching_by_tag_and_grid_finds_the_tagged_residents_of_few_grids_and_of_many(uow, monkeypatch):
    store = uow()
    elderly = store.taxonomy.tag_types()["elderly"]
    tagged = {code: person(code, tags=[(elderly, {})]) for code in ("G1", "G3", "G4")}
    for resident in [*tagged.values(), person("G1"), person("G4")]:
        store.residents.add(resident)
    store.commit()

    def found(grid_code):
        query = do.within_grid(store, {"grid_code": grid_code, "tag": "elderly"})
        return sorted(r.id for r in store.residents.search(query, 100, 0))

    for few_grids in (20, 0):  # a look-up per resident of the grids, or the tag's residents joined
        monkeypatch.setattr("services.registry.storage.people.FEW_GRIDS", few_grids)
        assert found("G1") == [tagged["G1"].id]
        assert found("S1") == sorted([tagged["G1"].id, tagged["G3"].id])
        assert found("D") == sorted(r.id for r in tagged.values())
