"""Rental housing: landlord, tenants kept current, the 10-point score, the responsibility letter."""
from datetime import date

import pytest

from safecommunity import sitetime
from safecommunity.errors import Conflict, FieldInvalid
from services.registry.housing import Rental
from services.registry.views import rental_view


def rental(**fields):
    made = Rental.register(grid_code="G1", address="3 Lane, room 201", registered_on=date(2026, 1, 5),
                           **{"landlord_name": "Zhao Lei", "landlord_phone": "13911112222", **fields})
    made.collect_events()
    return made


def test_a_registered_rentals_event_counts_tenants_and_names_nobody():
    made = Rental.register(grid_code="G1", address="3 Lane", landlord_name="Zhao Lei", group_rental=True,
                           landlord_phone="13911112222", tenants=["r1", "r2"], registered_on=date(2026, 1, 5))
    [(type_, data)] = made.collect_events()
    assert type_ == "rental.registered"
    assert data == {"rental_id": made.id, "grid_code": "G1", "group_rental": True, "basement": False,
                    "letter_signed": False, "tenants": 2, "inspection_score": None,
                    "registered_on": date(2026, 1, 5)}
    assert made.tenants == {"r1": date(2026, 1, 5), "r2": date(2026, 1, 5)}


def test_the_landlord_is_a_resident_or_a_name_not_both():
    with pytest.raises(FieldInvalid, match="not both"):
        rental(landlord_resident_id="r9")
    with pytest.raises(FieldInvalid, match="name"):
        rental(landlord_name=None)


def test_a_signed_letter_needs_its_date_and_signing_later_defaults_to_today():
    with pytest.raises(FieldInvalid, match="signed"):
        rental(letter_signed=True)
    made = rental()
    assert made.update(letter_signed=True)
    assert made.signed_on == sitetime.today()  # the site's day, not the machine's
    [(_, data)] = made.collect_events()
    assert data["letter_signed"] is True and data["changed"] == ["letter_signed", "signed_on"]
    assert made.update(letter_signed=False) and made.signed_on is None
    assert not made.update(basement=False)


def test_tenants_are_kept_current_and_a_missing_or_double_one_is_a_conflict():
    made = rental()
    made.add_tenant("r1", date(2026, 2, 1))
    with pytest.raises(Conflict):
        made.add_tenant("r1", date(2026, 2, 2))
    made.remove_tenant("r1")
    with pytest.raises(Conflict):
        made.remove_tenant("r1")
    assert [data["tenants"] for _, data in made.collect_events()] == [1, 0]


def test_the_inspection_score_is_out_of_ten_and_inspections_go_forward():
    made = rental()
    made.inspect(8, date(2026, 3, 1))
    with pytest.raises(FieldInvalid):
        made.inspect(11, date(2026, 3, 2))
    with pytest.raises(FieldInvalid, match="last inspection"):
        made.inspect(9, date(2026, 2, 1))
    [(_, data)] = made.collect_events()
    assert data["inspection_score"] == 8 and (made.inspection_score, made.inspected_on) == (8, date(2026, 3, 1))


def test_address_and_landlord_are_masked_without_the_pii_scope():
    view, revealed = rental_view(rental(), {"registry:read"})
    assert (view["address"], view["landlord_name"], view["landlord_phone"]) == ("***", "Z**", "139****2222")
    assert revealed == set()
    view, revealed = rental_view(rental(), {"registry:pii"})
    assert view["landlord_phone"] == "13911112222"
    assert revealed == {"address", "landlord_name", "landlord_phone"}
