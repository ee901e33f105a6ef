"""Activities: occurrences for each frequency across month and year ends, in the site's calendar;
done and missed (once); trainings, campaigns; "still carried out?" and training hours. No I/O."""
from datetime import date, datetime, timedelta, timezone

import pytest

from safecommunity import sitetime
from safecommunity.errors import Conflict, FieldInvalid
from services.projects.activities import (
    HORIZON_DAYS,
    MOST_AT_ONCE,
    Activity,
    Occurrence,
    still_carried_out,
    training_hours,
)

TODAY = date(2026, 12, 20)
AT = datetime(2026, 12, 20, 2, tzinfo=timezone.utc)


def recurring(frequency="weekly", starts_on=date(2026, 12, 1), today=TODAY, **overrides):
    fields = {"project_id": "p-1", "name": "visit", "owner_department": "civil_affairs", "grid_code": "G1",
              "frequency": frequency, "starts_on": starts_on, **overrides}
    return Activity.schedule(today, "clerk", AT, **fields)


def days(occurrences):
    return [(o.scheduled_on.isoformat(), o.due_on.isoformat()) for o in occurrences]


def test_a_daily_activity_has_an_occurrence_a_day_due_that_day_up_to_the_horizon_across_the_year_end():
    _, made = recurring("daily", date(2026, 12, 30))
    assert days(made)[:3] == [("2026-12-30", "2026-12-30"), ("2026-12-31", "2026-12-31"),
                              ("2027-01-01", "2027-01-01")]
    assert made[-1].scheduled_on == TODAY + timedelta(days=HORIZON_DAYS)


def test_a_weekly_visit_is_due_by_the_day_before_the_next_one_across_the_year_end():
    _, made = recurring("weekly", date(2026, 12, 28))
    assert days(made) == [("2026-12-28", "2027-01-03"), ("2027-01-04", "2027-01-10"),
                          ("2027-01-11", "2027-01-17"), ("2027-01-18", "2027-01-24")]


def test_a_monthly_inspection_from_the_31st_falls_on_each_months_last_day_and_back_on_the_31st():
    _, made = recurring("monthly", date(2026, 1, 31), today=date(2026, 4, 1))
    assert days(made) == [("2026-01-31", "2026-02-27"), ("2026-02-28", "2026-03-30"), ("2026-03-31", "2026-04-29"),
                          ("2026-04-30", "2026-05-30")]


def test_a_quarterly_check_crosses_the_year_and_a_yearly_contest_on_29_february_falls_on_the_28th():
    _, made = recurring("quarterly", date(2026, 11, 30), today=date(2027, 3, 1))
    assert days(made) == [("2026-11-30", "2027-02-27"), ("2027-02-28", "2027-05-29")]
    activity, made = recurring("yearly", date(2028, 2, 29), today=date(2028, 2, 1))
    assert days(made) == [("2028-02-29", "2029-02-27")]
    later = [o.scheduled_on for o in activity.occurrences_until(date(2033, 3, 1))]
    assert later == [date(2029, 2, 28), date(2030, 2, 28), date(2031, 2, 28), date(2032, 2, 29), date(2033, 2, 28)]


def test_occurrences_are_made_once_stop_at_the_end_and_the_horizon_moves_them_on():
    activity, made = recurring("weekly", date(2026, 12, 1), ends_on=date(2027, 1, 5))
    assert activity.occurrences_until(TODAY + timedelta(days=HORIZON_DAYS)) == []
    assert days(made)[-2:] == [("2026-12-29", "2027-01-04"), ("2027-01-05", "2027-01-05")]
    assert activity.next_on is None
    endless, first = recurring("monthly", date(2026, 12, 1))
    assert [o.scheduled_on for o in first] == [date(2026, 12, 1), date(2027, 1, 1)]
    assert endless.next_on == date(2027, 2, 1)
    assert [o.scheduled_on for o in endless.occurrences_until(date(2027, 3, 1))] == [date(2027, 2, 1),
                                                                                   date(2027, 3, 1)]


def test_a_daily_activity_started_a_year_ago_is_made_in_batches():
    activity, made = recurring("daily", date(2026, 1, 1), today=date(2026, 12, 31))
    assert len(made) == 396 and MOST_AT_ONCE > 396
    assert activity.scheduled_count == 396


def test_a_dated_activity_has_one_occurrence_due_on_its_day():
    activity, made = Activity.schedule(TODAY, "clerk", AT, project_id="p-1", name="drill", kind="drill",
                                       owner_assignment_id="a-1", place="school", on=date(2027, 5, 12), hours=2)
    assert days(made) == [("2027-05-12", "2027-05-12")] and activity.occurrences_until(date(2030, 1, 1)) == []
    [(type_, data)] = activity.collect_events()
    assert type_ == "activity.scheduled" and data["on"] == date(2027, 5, 12) and "place" not in data


@pytest.mark.parametrize("fields, field", [
    ({"owner_department": None}, "owner_assignment_id"),
    ({"owner_assignment_id": "a-1"}, "owner_assignment_id"),
    ({"grid_code": None}, "grid_code"),
    ({"place": "hall"}, "grid_code"),
    ({"frequency": None, "starts_on": None}, "on"),
    ({"on": date(2027, 1, 1)}, "frequency"),
    ({"starts_on": None}, "starts_on"),
    ({"starts_on": TODAY - timedelta(days=367)}, "starts_on"),
    ({"ends_on": date(2026, 1, 1)}, "ends_on"),
    ({"kind": "training"}, "hours"),
    ({"hours": 2}, "hours"),
    ({"campaign": "day_11_9"}, "campaign"),
    ({"kind": "campaign", "campaign": "day_11_9"}, "on"),
    ({"frequency": None, "starts_on": None, "on": date(2027, 1, 1), "ends_on": date(2027, 2, 1)}, "ends_on"),
])
def test_an_activity_needs_one_owner_one_place_and_a_date_or_a_frequency(fields, field):
    with pytest.raises(FieldInvalid) as error:
        recurring(**fields)
    assert list(error.value.messages) == [field]


def occurrence(kind="visit", scheduled_on=date(2026, 12, 14), due_on=date(2026, 12, 20)):
    return Occurrence(activity_id="act-1", project_id="p-1", kind=kind, scheduled_on=scheduled_on, due_on=due_on)


def training(hours=3.5):
    return Activity(project_id="p-1", name="first aid", kind="training", owner_department="health", place="hall",
                    on=TODAY, hours=hours)


def test_an_occurrence_is_missed_once_the_day_after_its_due_date_and_never_after_it_was_done():
    visit = occurrence()
    assert not visit.miss(date(2026, 12, 20), AT)
    assert visit.miss(date(2026, 12, 21), AT) and not visit.miss(date(2026, 12, 22), AT)
    assert [t for t, _ in visit.collect_events()] == ["activity.missed"]
    with pytest.raises(Conflict):
        visit.report_done(training(), TODAY, "clerk", AT, done_on=date(2026, 12, 20), reached=3)
    done = occurrence()
    done.report_done(training(), TODAY, "clerk", AT, done_on=date(2026, 12, 15), reached=3)
    assert not done.miss(date(2027, 1, 1), AT) and done.status == "done"


def test_the_day_an_occurrence_is_missed_is_the_sites_day_not_utcs():
    moment = datetime(2026, 12, 20, 16, 30, tzinfo=timezone.utc)  # 00:30 on the 21st in Shanghai
    try:
        sitetime.configure({"SITE_TIMEZONE": "Asia/Shanghai"})
        assert occurrence().miss(sitetime.day_of(moment), moment)
        sitetime.configure({"SITE_TIMEZONE": "UTC"})
        assert not occurrence().miss(sitetime.day_of(moment), moment)
    finally:
        sitetime.configure({})


def test_a_report_is_for_a_day_of_the_occurrence_not_in_the_future_and_counts_its_people():
    for done_on, reached, field in ((date(2026, 12, 13), 1, "done_on"), (date(2026, 12, 21), 1, "done_on"),
                                    (date(2026, 12, 19), 1, None)):
        visit = occurrence(due_on=date(2026, 12, 25))
        if field is None:
            visit.report_done(training(), date(2026, 12, 19), "clerk", AT, done_on=done_on, reached=reached)
            continue
        with pytest.raises(FieldInvalid) as error:
            visit.report_done(training(), date(2026, 12, 20), "clerk", AT, done_on=done_on, reached=reached)
        assert list(error.value.messages) == [field]
    with pytest.raises(FieldInvalid) as error:
        occurrence().report_done(training(), TODAY, "clerk", AT, done_on=TODAY, reached=1, attendee_ids=["a", "b"])
    assert list(error.value.messages) == ["reached"]


def test_a_training_held_tells_its_hours_and_attendance_and_only_a_campaign_hands_out_leaflets():
    held = occurrence(kind="training")
    held.report_done(training(), TODAY, "clerk", AT, done_on=TODAY, reached=30, attendee_ids=["a-1"],
                     certificates_issued=28, note="Dr Chen's class")
    events = dict(held.collect_events())
    assert events["training.held"]["hours"] == 3.5 and events["training.held"]["attendance"] == 30
    assert events["activity.completed"]["reached"] == 30
    assert "Dr Chen" not in str(events)
    with pytest.raises(FieldInvalid) as error:
        occurrence(kind="training").report_done(training(), TODAY, "clerk", AT, done_on=TODAY, reached=3,
                                                certificates_issued=4)
    assert list(error.value.messages) == ["certificates_issued"]
    with pytest.raises(FieldInvalid) as error:
        occurrence(kind="visit").report_done(training(), TODAY, "clerk", AT, done_on=TODAY, reached=3, leaflets=9)
    assert list(error.value.messages) == ["leaflets"]


def history(*statuses, last_due=date(2026, 12, 19)):
    """Weekly occurrences, the last one due on last_due, with these statuses (oldest first)."""
    made = []
    for n, status in enumerate(reversed(statuses)):
        due = last_due - timedelta(weeks=n)
        made.append(Occurrence("act-1", "p-1", "visit", due - timedelta(days=6), due, status=status))
    return made


def test_a_project_is_still_carried_out_when_most_recent_occurrences_are_done_and_none_of_the_last_three_missed():
    answer = still_carried_out(history(*["missed"] + ["done"] * 11), TODAY)
    assert (answer["still_carried_out"], answer["due"], answer["done"], answer["share_done"]) == (True, 12, 11, 0.9167)
    assert not still_carried_out(history(*["done"] * 10 + ["missed", "done"]), TODAY)["still_carried_out"]
    assert not still_carried_out(history(*["missed"] * 3 + ["done"] * 9), TODAY)["still_carried_out"]


def test_an_occurrence_past_due_and_not_done_counts_as_missed_before_the_timer_marks_it():
    answer = still_carried_out(history(*["done"] * 11 + ["scheduled"]), TODAY)
    assert (answer["still_carried_out"], answer["missed"], answer["recent_missed"]) == (False, 1, 1)


def test_nothing_due_in_the_last_90_days_is_not_being_carried_out_and_what_is_not_yet_due_does_not_count():
    long_ago = history(*["done"] * 5, last_due=TODAY - timedelta(days=91))
    assert still_carried_out(long_ago, TODAY) | {"rule": None} == {
        "still_carried_out": False, "due": 0, "done": 0, "missed": 0, "share_done": None, "recent_missed": 0,
        "rule": None, "as_of": TODAY}
    open_now = history("done", "done", "done", "scheduled", last_due=TODAY)
    assert still_carried_out(open_now, TODAY)["due"] == 3


def test_training_hours_count_per_member_in_the_year_with_members_who_had_none():
    trainings = [(date(2026, 3, 1), 40.0, ["a-1", "a-2"]), (date(2026, 9, 1), 20.0, ["a-1", "a-1"]),
                 (date(2025, 12, 31), 8.0, ["a-2"])]
    answer = training_hours(trainings, {"a-3", "a-1"}, 2026)
    assert [(m["assignment_id"], m["hours"], m["trainings"], m["meets_target"]) for m in answer["members"]] == [
        ("a-1", 60.0, 2, True), ("a-2", 40.0, 1, False), ("a-3", 0.0, 0, False)]


def test_a_resumed_activity_passes_over_the_occurrences_due_before_it_resumed():
    activity, _ = recurring("weekly", date(2026, 11, 2), today=date(2026, 11, 2))
    assert activity.next_on == date(2026, 12, 7)
    resumed = activity.occurrences_until(date(2027, 1, 20), first_due=date(2027, 1, 10))
    assert days(resumed) == [("2027-01-04", "2027-01-10"), ("2027-01-11", "2027-01-17"),
                             ("2027-01-18", "2027-01-24")]


def test_an_occurrence_cancelled_while_its_project_was_suspended_does_not_count():
    made = history(*["done"] * 9 + ["cancelled"] * 3)
    assert (still_carried_out(made, TODAY)["still_carried_out"], still_carried_out(made, TODAY)["due"]) == (True, 9)
