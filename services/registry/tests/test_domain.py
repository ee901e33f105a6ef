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
                    "residence_type": "permanent", "registered_on": date(2026, 1, 5), "tags": [],
                    "sensitive_tags": []}
    assert "Wang Fang" not in repr(data)


# -- residents: identity, tags, moving out ------------------------------------------------------

from safecommunity.errors import FieldInvalid, IllegalTransition, NotFound  # noqa: E402
from services.registry.codes import id_check_char  # noqa: E402
from services.registry.domain import Facility, Unit  # noqa: E402
from services.registry.taxonomy import SEED_TAG_TYPES  # noqa: E402

TAGS = {t.code: t for t in SEED_TAG_TYPES}
GRID = Grid.create("G1", "Grid 1", "grid")


def an_id(born="19500301", sex_digit="2"):
    first17 = f"320113{born}01{sex_digit}"
    return first17 + id_check_char(first17)


def elder(**personal):
    resident = Resident.register("Wang Fang", "female", date(1950, 3, 1), "permanent", GRID,
                                 registered_on=date(2026, 1, 5), **personal)
    resident.collect_events()
    return resident


def test_an_id_number_must_agree_with_the_birth_date_and_sex_on_record():
    assert elder(id_number=an_id()).id_number == an_id()
    with pytest.raises(FieldInvalid, match="says born 1950-03-02"):
        elder(id_number=an_id(born="19500302"))
    with pytest.raises(FieldInvalid, match="says male"):
        elder(id_number=an_id(sex_digit="1"))


def test_tags_follow_their_age_rules_and_attribute_lists():
    resident = elder()
    assert resident.tag(TAGS["elderly"], {"care_class": "B", "living_alone": True}, date(2026, 2, 1))
    [(type_, data)] = resident.collect_events()
    assert type_ == "resident.tagged" and data["tag"] == "elderly" and data["birth_year"] == 1950
    assert not resident.tag(TAGS["elderly"], {"care_class": "C"}, date(2026, 2, 2))  # new attributes only
    assert resident.collect_events() == [] and resident.tags["elderly"] == {"care_class": "C"}
    with pytest.raises(FieldInvalid) as wrong:
        resident.tag(TAGS["disabled"], {"grade": 9, "colour": "red"}, date(2026, 2, 1))
    assert set(wrong.value.messages["attributes"]) == {"grade", "colour"}
    with pytest.raises(FieldInvalid, match="aged 6 or less"):
        resident.tag(TAGS["child_0_6"], {}, date(2026, 2, 1))
    assert "disabled" not in resident.tags


def test_an_update_records_the_key_before_and_after_and_names_only_the_fields_changed():
    resident = elder(phone="13800000000")
    assert not resident.update(phone="13800000000")
    assert resident.update(grid_code="G2", phone="13900000000")
    [(type_, data)] = resident.collect_events()
    assert type_ == "resident.updated" and data["changed"] == ["grid_code", "phone"]
    assert data["previous"]["grid_code"] == "G1" and data["grid_code"] == "G2"
    assert "13900000000" not in repr(data)


def test_a_resident_who_moved_out_cannot_move_out_again_nor_be_tagged():
    resident = elder()
    with pytest.raises(FieldInvalid):
        resident.move_out(date(2025, 1, 1))
    resident.move_out(date(2026, 3, 1))
    assert resident.collect_events()[0][0] == "resident.moved_out"
    with pytest.raises(IllegalTransition):
        resident.move_out(date(2026, 3, 2))
    with pytest.raises(IllegalTransition):
        resident.tag(TAGS["elderly"], {}, date(2026, 3, 2))


def test_untagging_a_tag_the_resident_lacks_is_not_found():
    with pytest.raises(NotFound):
        elder().untag("elderly", date(2026, 2, 1))


def test_a_unit_records_its_risk_grade_only_when_it_changes():
    unit = Unit.register(name="Shop", type="small_shop", grid_code="G1", risk_grade="low")
    assert [t for t, _ in unit.collect_events()] == ["unit.registered"]
    assert not unit.grade_risk("low", date(2026, 1, 1))
    assert unit.grade_risk("high", date(2026, 1, 1))
    [(type_, data)] = unit.collect_events()
    assert (type_, data["previous_risk_grade"], data["risk_grade"]) == ("unit.risk_graded", "low", "high")
    with pytest.raises(FieldInvalid):
        Unit.register(name="Works", type="enterprise", grid_code="G1", special_workers=1,
                      certified_special_workers=2)


def test_a_facility_is_overdue_after_its_inspection_interval():
    hydrant = Facility.register(code="H1", type="hydrant", grid_code="G1", status="in_order",
                                registered_on=date(2026, 1, 1))
    assert hydrant.next_inspection_due == date(2026, 1, 31)
    assert hydrant.overdue(date(2026, 2, 1)) and not hydrant.overdue(date(2026, 1, 31))
    hydrant.inspect(date(2026, 2, 1), "faulty", today=date(2026, 2, 1))
    assert hydrant.next_inspection_due == date(2026, 3, 3) and hydrant.status == "faulty"
    with pytest.raises(FieldInvalid):
        hydrant.inspect(date(2026, 1, 15), "in_order", today=date(2026, 2, 1))
