"""Volunteers: duty certificates, pairings (1:1, 1:N, N:1), leaving once; teams."""
from datetime import date, timedelta

import pytest

from safecommunity.errors import Conflict, FieldInvalid, IllegalTransition
from services.registry.views import volunteer_view
from services.registry.volunteers import Team, Volunteer

DAY = date(2026, 1, 5)


def volunteer(**fields):
    made = Volunteer.register("r-volunteer", "G1", registered_on=DAY, **{"type": "retiree", **fields})
    made.collect_events()
    return made


def certified():
    return volunteer(certificate_number="SG-1", certificate_expires_on=date.today() + timedelta(days=365))


def test_a_registered_volunteers_event_says_grid_type_and_certificate_but_not_who():
    made = Volunteer.register("r-volunteer", "G1", type="teacher", certificate_number="SG-1", registered_on=DAY)
    [(type_, data)] = made.collect_events()
    assert (type_, data) == ("volunteer.registered", {
        "volunteer_id": made.id, "grid_code": "G1", "type": "teacher", "certified": True,
        "certificate_expires_on": None, "registered_on": DAY})


def test_an_expired_certificate_does_not_count():
    assert not volunteer(certificate_number="SG-1", certificate_expires_on=date(2020, 1, 1)).certified()
    with pytest.raises(FieldInvalid, match="number"):
        volunteer(certificate_expires_on=date(2030, 1, 1))


def test_serving_the_elderly_needs_a_duty_certificate_and_the_disabled_do_not():
    with pytest.raises(Conflict, match="duty certificate"):
        volunteer().pair("r-old", {"elderly": {}}, DAY)
    made = volunteer()
    made.pair("r-disabled", {"disabled": {}}, DAY)
    with pytest.raises(FieldInvalid, match="not tagged"):
        made.pair("r-child", {"child_0_6": {}}, DAY)


def test_one_volunteer_serves_several_once_each_and_pairings_end_not_vanish():
    made = certified()
    made.pair("r1", {"elderly": {}}, DAY)
    made.pair("r2", {"disabled": {}}, DAY)
    with pytest.raises(Conflict):
        made.pair("r1", {"elderly": {}}, DAY)
    made.unpair("r1", DAY + timedelta(days=3))
    with pytest.raises(Conflict):
        made.unpair("r1", DAY + timedelta(days=4))
    assert [(p.resident_id, p.until) for p in made.pairings] == [("r1", DAY + timedelta(days=3)), ("r2", None)]
    with pytest.raises(Conflict, match="already began"):
        made.pair("r1", {"elderly": {}}, DAY)  # the same pairing again, not a new one
    made.pair("r1", {"elderly": {}}, DAY + timedelta(days=10))  # paired again later: a new pairing
    assert [p.resident_id for p in made.current_pairings()] == ["r2", "r1"]


def test_a_volunteer_leaves_once_and_their_pairings_end_that_day():
    made = certified()
    made.pair("r1", {"elderly": {}}, DAY)
    made.leave(DAY + timedelta(days=30))
    with pytest.raises(IllegalTransition):
        made.leave(DAY + timedelta(days=31))
    with pytest.raises(IllegalTransition):
        made.pair("r2", {"disabled": {}}, DAY)
    assert made.current_pairings() == []
    [(type_, data)] = made.collect_events()
    assert type_ == "volunteer.left" and data["left_on"] == DAY + timedelta(days=30)


def test_a_certificate_update_is_an_event_and_a_bad_one_changes_nothing():
    made = volunteer()
    with pytest.raises(FieldInvalid):
        made.update(certificate_expires_on=date(2030, 1, 1))
    assert made.certificate_expires_on is None and made.collect_events() == []
    assert made.update(certificate_number="SG-2")
    [(type_, data)] = made.collect_events()
    assert type_ == "volunteer.updated" and data["certified"] and data["changed"] == ["certificate_number"]


def test_the_certificate_number_is_masked_without_the_pii_scope():
    view, revealed = volunteer_view(certified(), {"registry:read"})
    assert view["certificate_number"] == "***" and view["certified"] and revealed == set()
    view, revealed = volunteer_view(certified(), {"registry:pii"})
    assert view["certificate_number"] == "SG-1" and revealed == {"certificate_number"}


def test_a_team_member_joins_once_and_leaves_once():
    team = Team.form("Night patrol", "patrol", members=["v1"], registered_on=DAY)
    team.join("v2", DAY)
    with pytest.raises(Conflict):
        team.join("v2", DAY)
    team.drop("v1")
    with pytest.raises(Conflict):
        team.drop("v1")
    assert team.members == {"v2": DAY}
