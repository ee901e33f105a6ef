"""The registry's repositories and the steps between entrypoint and domain, on a SQLite file built
by the real migrations (the same history PostgreSQL gets): searches by a grid's descendants."""
from datetime import date, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from cryptography.fernet import Fernet
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from safecommunity.database import make_engine
from safecommunity.errors import Conflict, FieldInvalid
from safecommunity.migrate import upgrade
from safecommunity.tables import outbox
from services.registry import handlers as do
from services.registry.buildings import Building, Household
from services.registry.domain import Grid, Resident, Unit
from services.registry.housing import Rental
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
    left.leave(date.today())
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
