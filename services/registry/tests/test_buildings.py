"""Buildings and households: members kept current; where a household is (its building, the
building's address, the room) masked without the PII scope."""
from datetime import date

import pytest

from safecommunity.errors import Conflict
from services.registry.buildings import Building, Household
from services.registry.views import household_view


def test_a_building_knows_its_age_and_changes_only_what_differs():
    building = Building.register(grid_code="G1", name="No. 3", storeys=6, year_built=1986, compound_code="CP-1")
    assert building.age(date(2026, 6, 1)) == 40 and building.property_manager is None and building.lifts == 0
    assert not building.update(storeys=6)
    assert building.update(property_manager="Green Property", lifts=2)


def test_a_household_member_joins_once_and_leaves_once():
    household = Household.register("b1", "301", members=["r1"], registered_on=date(2026, 1, 5))
    household.add_member("r2", date(2026, 2, 1))
    with pytest.raises(Conflict):
        household.add_member("r2", date(2026, 2, 2))
    household.remove_member("r1")
    with pytest.raises(Conflict):
        household.remove_member("r1")
    assert household.members == {"r2": date(2026, 2, 1)}


def test_the_room_is_masked_without_the_pii_scope_and_audited_with_it():
    household = Household.register("b1", "301", members=["r1"])
    view, revealed = household_view(household, None, {"registry:read"})
    assert view["room"] == "***" and revealed == set() and view["members"][0]["resident_id"] == "r1"
    view, revealed = household_view(household, None, {"registry:pii"})
    assert view["room"] == "301" and revealed == {"room", "building_id"}


def test_a_household_shows_its_buildings_address_only_with_the_pii_scope():
    household = Household.register("b1", "301", members=["r1"])
    view, revealed = household_view(household, "12 Lotus Road", {"registry:read"})
    assert (view["building_id"], view["address"], view["room"]) == (None, "***", "***") and revealed == set()
    view, revealed = household_view(household, "12 Lotus Road", {"registry:read", "registry:pii"})
    assert (view["building_id"], view["address"], view["room"]) == ("b1", "12 Lotus Road", "301")
    assert revealed == {"building_id", "address", "room"}


def test_a_household_in_a_building_without_an_address_shows_none_either_way():
    household = Household.register("b1", "301")
    assert household_view(household, None, {"registry:read"})[0]["address"] is None
    assert household_view(household, None, {"registry:pii"})[0]["address"] is None
