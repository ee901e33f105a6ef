from datetime import date

import pytest

from services.registry.domain import Grid, GridOutOfOrder, Resident


def test_a_grid_sits_below_its_parent():
    district = Grid.create("XL", "Xianlin", "district")
    grid = Grid.create("XL-G1", "Grid 1", "grid", parent=district)
    assert grid.parent_code == "XL"
    assert grid.collect_events() == [("grid.created", {"code": "XL-G1", "name": "Grid 1", "level": "grid",
                                                       "parent_code": "XL"})]


def test_a_street_cannot_sit_under_a_grid():
    grid = Grid.create("G1", "Grid 1", "grid")
    with pytest.raises(GridOutOfOrder):
        Grid.create("S1", "Street", "street", parent=grid)


def test_a_registered_residents_event_carries_no_name():
    grid = Grid.create("G1", "Grid 1", "grid")
    resident = Resident.register("Wang Fang", "female", date(1950, 3, 1), "permanent", grid,
                                 registered_on=date(2026, 1, 5))
    [(type_, data)] = resident.collect_events()
    assert type_ == "resident.registered"
    assert data == {"resident_id": resident.id, "grid_code": "G1", "sex": "female", "birth_year": 1950,
                    "residence_type": "permanent", "registered_on": date(2026, 1, 5)}
    assert "Wang Fang" not in repr(data)
