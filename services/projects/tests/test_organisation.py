"""Working groups, meetings and the committee's quarterly check. No I/O."""
from datetime import date

import pytest

from safecommunity.errors import Conflict, FieldInvalid
from services.projects.organisation import Meeting, WorkingGroup, check_areas_free, quarters_met, seeded_areas


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
