"""Bounds of the registry's input (no I/O): every text, number, date and list has one; a null where
none is meant is refused; a tag type's attribute specs are checked; the day a date defaults to is
the site's calendar day, not the server's (containers run in UTC, offices count in +08:00)."""
from datetime import date, datetime, timezone

import pytest
from marshmallow import ValidationError

from safecommunity import sitetime
from services.registry.domain import Unit
from services.registry.schemas import (
    FormTeamSchema,
    MoveOutSchema,
    RegisterRentalSchema,
    RegisterResidentSchema,
    ResidentQuerySchema,
    TagTypeSchema,
    UnitFieldsSchema,
)
from services.registry.taxonomy import TagType, check_attribute_specs


def refused(schema, body):
    with pytest.raises(ValidationError) as error:
        schema.load(body)
    return error.value.messages


def test_a_units_risk_grade_may_be_changed_but_not_taken_away():
    assert UnitFieldsSchema().load({"risk_grade": "high"}) == {"risk_grade": "high"}
    assert refused(UnitFieldsSchema(), {"risk_grade": None}) == {"risk_grade": ["Field may not be null."]}


def test_every_text_has_a_most_and_a_reference_a_least_length():
    resident = {"name": "Li Hua", "sex": "female", "birth_date": "1948-05-02", "residence_type": "permanent",
                "grid_code": "G1"}
    assert "name" in refused(RegisterResidentSchema(), {**resident, "name": "x" * 101})
    assert "address" in refused(RegisterResidentSchema(), {**resident, "address": "x" * 301})
    assert "grid_code" in refused(RegisterResidentSchema(), {**resident, "grid_code": "x" * 41})
    assert "grid_code" in refused(FormTeamSchema(), {"name": "Patrol", "type": "patrol", "grid_code": ""})
    assert "tag" in refused(ResidentQuerySchema(), {"tag": "x" * 41})


def test_lists_and_dates_are_bounded():
    rental = {"grid_code": "G1", "address": "8 Willow Lane"}
    assert "tenants" in refused(RegisterRentalSchema(), {**rental, "tenants": [f"r{n}" for n in range(201)]})
    assert "tenants" in refused(RegisterRentalSchema(), {**rental, "tenants": ["x" * 37]})
    assert "registered_on" in refused(RegisterRentalSchema(), {**rental, "registered_on": "1066-10-14"})
    assert "signed_on" in refused(RegisterRentalSchema(), {**rental, "signed_on": "9999-12-31"})


def test_a_tag_types_ages_come_in_order_and_its_attribute_specs_are_sound():
    assert "max_age" in refused(TagTypeSchema(), {"code": "teen", "name": "Teen", "min_age": 19, "max_age": 13})
    assert check_attribute_specs({"week": {"type": "int", "min": 0, "max": 45}}) == {}
    for spec, words in [({"type": "int", "max": 10**30}, "whole numbers"), ({"type": "int", "min": 5, "max": 1},
                        "min must not be above max"), ({"type": "int", "min": 1.5}, "whole numbers"),
                        ({"type": "choice", "choices": ["x" * 101]}, "a choice needs"),
                        ({"type": "choice", "choices": [None]}, "a choice needs"),
                        ({"type": "text", "colour": "red"}, "unknown keys colour")]:
        [reason] = check_attribute_specs({"a": spec})["a"]
        assert words in reason, (spec, reason)


def test_a_whole_number_attribute_without_bounds_fits_a_database_integer():
    tag = TagType("club", "Club", attributes={"members": {"type": "int"}})
    assert tag.check_attributes({"members": 2**31 - 1}) == {}
    assert tag.check_attributes({"members": 10**30}) == {"members": [f"must be {-(2**31)} to {2**31 - 1}"]}


@pytest.fixture
def a_site_whose_day_is_not_utcs():
    """A zone whose calendar day differs from UTC's right now: 12 hours behind before noon UTC, 14
    ahead after (so from 10:00 UTC); the process's zone is put back afterwards."""
    zone = "Etc/GMT+12" if datetime.now(timezone.utc).hour < 12 else "Etc/GMT-14"
    sitetime.configure({"SITE_TIMEZONE": zone})
    yield datetime.now(sitetime.zone()).date()
    sitetime.configure({})


def test_dates_default_to_the_sites_calendar_day(a_site_whose_day_is_not_utcs):
    site_day = a_site_whose_day_is_not_utcs
    assert site_day != datetime.now(timezone.utc).date()
    assert MoveOutSchema().load({}) == {"moved_out_on": site_day}
    unit = Unit.register(name="Shop", type="small_shop", grid_code="G1")
    assert unit.registered_on == site_day
    assert refused(MoveOutSchema(), {"moved_out_on": date.fromordinal(site_day.toordinal() + 1).isoformat()}) == {
        "moved_out_on": ["must not be in the future"]}
