"""People in roles: where a role is held, who holds it, terms of office."""
from datetime import date

import pytest

from safecommunity.errors import FieldInvalid, IllegalTransition
from services.registry.offices import ROLES, Assignment, roles
from services.registry.views import assignment_view


def grid_head(**fields):
    return Assignment.appoint(**{"role": "grid_head", "grid_code": "G1", "person_name": "Sun Li",
                                 "person_phone": "13700001111", "term_from": date(2026, 1, 1), **fields})


def test_a_role_is_held_where_it_belongs():
    with pytest.raises(FieldInvalid, match="grid"):
        grid_head(grid_code=None, department_code="POLICE-1")
    with pytest.raises(FieldInvalid, match="name one"):
        grid_head(department_code="POLICE-1")
    assert Assignment.appoint(role="expert", department_code="FIRE", resident_id="r1", term_from=date(2026, 1, 1))


def test_the_holder_is_a_resident_or_a_name_not_both_nor_neither():
    with pytest.raises(FieldInvalid, match="not both"):
        grid_head(resident_id="r1")
    with pytest.raises(FieldInvalid, match="name"):
        grid_head(person_name=None, person_phone=None)


def test_a_term_ends_after_it_starts_and_only_once():
    with pytest.raises(FieldInvalid, match="term_from"):
        grid_head(term_to=date(2025, 12, 31))
    head = grid_head()
    assert head.active_on(date(2026, 6, 1)) and not head.active_on(date(2025, 6, 1))
    head.end(date(2026, 6, 30))
    with pytest.raises(IllegalTransition):
        head.end(date(2026, 7, 1))
    assert not head.active_on(date(2026, 7, 1))


def test_the_holders_name_and_phone_are_masked_without_the_pii_scope():
    view, revealed = assignment_view(grid_head(), {"registry:read"})
    assert (view["person_name"], view["person_phone"], revealed) == ("S**", "137****1111", set())


def test_every_role_of_the_organisation_is_listed():
    assert {r["code"] for r in roles()} == set(ROLES) and len(ROLES) == 11
