"""People in roles: where a role is held, who holds it, terms of office; departments; the events
that say so (a person by a key, never a name or phone)."""
import json
from datetime import date

import pytest

from safecommunity.contracts import registry as contract
from safecommunity.envelope import new_event
from safecommunity.errors import FieldInvalid, IllegalTransition
from services.registry.offices import DEPARTMENT_KINDS, ROLES, Assignment, Department, roles
from services.registry.views import assignment_view

PERSONAL = ("Sun Li", "13700001111")


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


def published(aggregate):
    """Its recorded events as the backbone publishes them: checked against their contracts."""
    return [new_event(type_, data, source="/safecommunity/registry").data for type_, data in aggregate.collect_events()]


def test_a_department_added_says_its_code_name_and_kind():
    police = Department.register("XL-PS", "Xianlin police station", "police")
    assert police.collect_events() == [("department.registered", {
        "code": "XL-PS", "name": "Xianlin police station", "kind": "police"})]


def test_an_appointment_of_a_resident_is_keyed_by_their_resident_id():
    expert = Assignment.appoint(role="expert", department_code="FIRE", resident_id="r1", term_from=date(2026, 1, 1))
    assert expert.collect_events() == [("assignment.started", {
        "assignment_id": expert.id, "person_key": "r1", "role": "expert", "grid_code": None,
        "department_code": "FIRE", "term_from": date(2026, 1, 1), "term_to": None})]


def test_a_holder_who_is_no_resident_is_keyed_by_the_assignment_and_their_name_and_phone_are_in_no_event():
    head = grid_head(term_to=date(2026, 12, 31))
    head.end(date(2026, 6, 30))
    started, ended = published(head)
    assert started["person_key"] == ended["person_key"] == head.id
    assert (started["grid_code"], started["term_to"], ended["term_to"]) == ("G1", "2026-12-31", "2026-06-30")
    text_of_events = json.dumps([started, ended], ensure_ascii=False)
    assert all(secret not in text_of_events for secret in PERSONAL)


def test_ending_a_term_says_its_last_day_and_an_end_refused_says_nothing():
    head = grid_head()
    head.collect_events()
    head.end(date(2026, 6, 30))
    assert head.collect_events() == [("assignment.ended", {
        "assignment_id": head.id, "person_key": head.id, "role": "grid_head", "grid_code": "G1",
        "department_code": None, "term_from": date(2026, 1, 1), "term_to": date(2026, 6, 30)})]
    for day in (date(2026, 7, 1), date(2025, 12, 31)):
        with pytest.raises((IllegalTransition, FieldInvalid)):
            head.end(day)
    assert head.collect_events() == []


def test_an_ended_event_without_its_last_day_breaks_its_contract():
    with pytest.raises(ValueError, match="term_to"):
        new_event("assignment.ended", {**grid_head().public(), "term_to": None}, source="/safecommunity/registry")


def test_the_events_contract_lists_the_registrys_department_kinds_and_roles():
    assert contract.DEPARTMENT_KINDS == DEPARTMENT_KINDS
    assert contract.ROLE_CODES == tuple(ROLES)
