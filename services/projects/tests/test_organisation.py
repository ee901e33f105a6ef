"""Working groups, meetings and the committee's quarterly check. No I/O."""
from datetime import date

import pytest

from safecommunity.errors import Conflict, FieldInvalid
from services.projects.organisation import (
    Assignment,
    Meeting,
    WorkingGroup,
    check_areas_free,
    check_people,
    people_detail,
    quarters_met,
    seeded_areas,
)


def test_the_seed_file_holds_the_nineteen_areas_of_the_domain_each_once():
    areas = seeded_areas()
    codes = [area["code"] for area in areas]
    assert len(codes) == len(set(codes)) == 19 and {"elderly", "gas", "publicity_education"} <= set(codes)
    assert {area["code"]: area.get("lead_department") for area in areas}["gas"] == "housing_construction"


def test_a_working_group_created_tells_its_areas_and_departments_and_only_how_many_members():
    group = WorkingGroup.create("clerk", None, name="Elderly group", areas=["elderly"], lead_department="civil_affairs",
                                partner_departments=["health"], members=["a-1", "a-2"])
    [(type_, data)] = group.collect_events()
    assert type_ == "working_group.created" and data["member_count"] == 2 and "members" not in data
    assert group.created_by == "clerk"


def test_a_merged_group_takes_the_others_areas_members_and_lead_as_a_partner():
    kept = WorkingGroup(name="Fire", areas=["fire"], lead_department="fire", partner_departments=["police"],
                        members=["a-1"])
    gone = WorkingGroup(name="Gas", areas=["gas"], lead_department="housing_construction",
                        partner_departments=["fire", "utilities"], members=["a-1", "a-2"])
    kept.absorb(gone, "clerk", None)
    assert (kept.areas, kept.members) == (["fire", "gas"], ["a-1", "a-2"])
    assert kept.partner_departments == ["police", "utilities", "housing_construction"]
    with pytest.raises(FieldInvalid):
        kept.absorb(kept, "clerk", None)


def test_an_area_another_group_holds_is_a_conflict_but_a_groups_own_is_not():
    holders = {"fire": "g-1", "gas": None}
    check_areas_free(["fire", "gas"], holders, "g-1")
    with pytest.raises(Conflict):
        check_areas_free(["fire"], holders, "g-2")


def meeting(**overrides):
    return Meeting.hold("clerk", None, **{"held_on": date(2026, 3, 1), "kind": "committee", "attendance": 10,
                                         **overrides})


def test_a_meeting_held_tells_its_kind_day_and_counts_never_its_minutes():
    held = meeting(minutes="李四 said", decisions=[{"text": "x", "owner": "a-1", "due_on": date(2026, 4, 1)}])
    [(type_, data)] = held.collect_events()
    assert type_ == "meeting.held" and data["decision_count"] == 1 and "李四" not in str(data)


@pytest.mark.parametrize("overrides, field", [
    ({"kind": "working_group"}, "working_group_id"),
    ({"attendance": 1, "attendee_ids": ["a-1", "a-2"]}, "attendance"),
    ({"decisions": [{"text": "x", "owner": "a-1", "due_on": date(2026, 2, 1)}]}, "decisions"),
])
def test_a_meeting_names_its_group_counts_at_least_those_named_and_decides_for_later(overrides, field):
    with pytest.raises(FieldInvalid) as error:
        meeting(**overrides)
    assert list(error.value.messages) == [field]


def test_the_committee_met_every_quarter_only_with_a_meeting_in_each_of_the_years_four():
    days = [date(2026, 1, 1), date(2026, 4, 30), date(2026, 9, 30), date(2025, 12, 31), date(2027, 10, 1)]
    answer = quarters_met(days, 2026)
    assert [q["meetings"] for q in answer["quarters"]] == [1, 1, 1, 0] and not answer["met_every_quarter"]
    assert quarters_met(days + [date(2026, 12, 31)], 2026)["met_every_quarter"]


def person(assignment_id, term_to=None, ended_on=None):
    return Assignment(assignment_id=assignment_id, person_key=assignment_id, role="working_group_lead",
                      term_from=date(2025, 1, 1), department_code="civil_affairs", term_to=term_to,
                      ended_on=ended_on)


KNOWN = {"a-1": person("a-1"), "a-2": person("a-2", ended_on=date(2026, 2, 28)),
         "a-3": person("a-3", term_to=date(2026, 2, 28))}


def test_someone_the_registry_never_told_of_is_refused_naming_the_field_and_the_ids():
    with pytest.raises(FieldInvalid) as error:
        check_people("members", ["a-1", "x-9", "x-8"], KNOWN, date(2026, 3, 1))
    [message] = error.value.messages["members"]
    assert message.startswith("x-9, x-8:") and "not a person in a role the registry has told projects of" in message


def test_a_term_ended_is_refused_for_a_new_place_but_stays_where_it_is_listed():
    for ended in ("a-2", "a-3"):  # ended by the registry, or the last day of its term passed
        with pytest.raises(FieldInvalid) as error:
            check_people("members", ["a-1", ended], KNOWN, date(2026, 3, 1))
        assert list(error.value.messages) == ["members"] and ended in error.value.messages["members"][0]
        check_people("members", ["a-1", ended], KNOWN, date(2026, 3, 1), already={ended})
    check_people("attendee_ids", ["a-2"], KNOWN, date(2026, 2, 28))  # on the term's last day: still in office


def test_a_members_detail_gives_the_role_the_place_and_whether_the_term_is_current():
    detail = people_detail(["a-1", "a-2", "old-id"], KNOWN, date(2026, 3, 1))
    assert [(d["assignment_id"], d["known"], d.get("current")) for d in detail] == [
        ("a-1", True, True), ("a-2", True, False), ("old-id", False, None)]
    assert (detail[1]["role"], detail[1]["department_code"], detail[1]["term_to"]) == (
        "working_group_lead", "civil_affairs", date(2026, 2, 28))
    assert not person("a-4", term_to=date(2027, 1, 1), ended_on=date(2026, 1, 31)).current_on(date(2026, 3, 1))
