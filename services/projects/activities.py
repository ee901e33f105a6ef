"""Activities of projects: dated or recurring, their occurrences (done or missed), trainings,
drills and campaigns, and the answer to "is it still being carried out?". Pure Python.

Occurrences are calendar days of the site (safecommunity.sitetime): a recurring activity's n-th
occurrence is its start plus n periods (a monthly one from 31 January falls on 28 or 29 February,
then 31 March: the day of the start, or the month's last); each is due by the day before the next
one (a weekly visit on Monday is due by Sunday) and never after the activity's last day, a dated
one on its day.
"""
import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from safecommunity.domain import Aggregate
from safecommunity.errors import Conflict, FieldInvalid
from safecommunity.ids import new_id

from .domain import now_utc

FREQUENCIES = {"daily": (1, 0), "weekly": (7, 0), "monthly": (0, 1), "quarterly": (0, 3), "yearly": (0, 12)}
TRAININGS = ("training", "drill")
KINDS = ("activity", "inspection", "visit", "contest", "campaign", *TRAININGS)
CAMPAIGNS = ("day_5_12", "day_5_31", "day_11_9", "safety_month", "other")  # 5·12, 5·31, 11·9, 安全生产月
HORIZON_DAYS = 31          # occurrences exist up to today + this
MOST_AT_ONCE = 1000        # occurrences made for one activity in one go (the timer makes the rest)
EARLIEST_START_DAYS = 366  # a recurring activity starts at most this long ago (its past is missed at once)
# still_carried_out: of the occurrences due in the last WINDOW_DAYS, at least SHARE_DONE done,
# and none of the last RECENT due ones missed
WINDOW_DAYS, SHARE_DONE, RECENT = 90, 0.8, 3
RULE = (f"of the occurrences due in the last {WINDOW_DAYS} days at least {SHARE_DONE:.0%} were done, "
        f"and none of the last {RECENT} due was missed")
TRAINING_HOURS_TARGET = 60  # hours a year per committee member (domain.md §8)


def add_months(day, months, anchor):
    """`day` moved by `months`, on the anchor's day of the month or the month's last day."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(anchor, calendar.monthrange(year, month)[1]))


def nth_day(frequency, start, n):
    days, months = FREQUENCIES[frequency]
    return start + timedelta(days=days * n) if days else add_months(start, months * n, start.day)


@dataclass
class Activity(Aggregate):
    project_id: str
    name: str
    kind: str = "activity"
    owner_assignment_id: str | None = None
    owner_department: str | None = None
    grid_code: str | None = None
    place: str | None = None
    on: date | None = None
    frequency: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    measure_kind: str | None = None
    trainer: str | None = None
    qualification: str | None = None
    hours: float | None = None
    campaign: str | None = None
    scheduled_count: int = 0
    next_on: date | None = None     # the first occurrence not made yet; None when all are made
    created_by: str | None = None
    created_at: datetime | None = None
    id: str = field(default_factory=new_id)

    @classmethod
    def schedule(cls, today, actor="system", at=None, **details):
        """The activity and its first occurrences (those up to today + HORIZON_DAYS)."""
        activity = cls(**details, created_by=actor, created_at=at or now_utc())
        activity.check(today)
        activity.record("activity.scheduled", activity_id=activity.id, project_id=activity.project_id,
                        kind=activity.kind, frequency=activity.frequency, on=activity.on,
                        starts_on=activity.starts_on, ends_on=activity.ends_on, grid_code=activity.grid_code,
                        owner_department=activity.owner_department,
                        owner_assignment_id=activity.owner_assignment_id, campaign=activity.campaign)
        return activity, activity.occurrences_until(today + timedelta(days=HORIZON_DAYS))

    def check(self, today):
        _one_of(self, "owner_assignment_id", "owner_department", "an owner")
        _one_of(self, "grid_code", "place", "a place")
        if (self.on is None) == (self.frequency is None):
            raise FieldInvalid("frequency" if self.on else "on", "give either a date (on) or a frequency")
        if self.frequency and self.starts_on is None:
            raise FieldInvalid("starts_on", "a recurring activity needs its first day")
        if self.frequency is None and (self.starts_on or self.ends_on):
            raise FieldInvalid("starts_on" if self.starts_on else "ends_on",
                               "only a recurring activity has a start and an end")
        if self.starts_on and self.starts_on < today - timedelta(days=EARLIEST_START_DAYS):
            raise FieldInvalid("starts_on", f"at most {EARLIEST_START_DAYS} days ago")
        if self.ends_on and self.ends_on < self.starts_on:
            raise FieldInvalid("ends_on", "before starts_on")
        if self.kind == "campaign" and (self.on is None or self.campaign is None):
            raise FieldInvalid("campaign" if self.on else "on", "a campaign is dated and names its campaign")
        if self.kind != "campaign" and self.campaign:
            raise FieldInvalid("campaign", "only a campaign names one")
        if self.kind in TRAININGS and self.hours is None:
            raise FieldInvalid("hours", f"a {self.kind} has its length in hours")
        if self.kind not in TRAININGS and (self.hours or self.trainer or self.qualification):
            raise FieldInvalid("hours" if self.hours else "trainer", "only a training or drill has these")

    def occurrences_until(self, last_day, first_due=None):
        """The occurrences not made yet whose day is at most last_day (and the activity's end); those
        due before first_due are passed over (a project resumed after a suspension)."""
        if self.on is not None:
            made = [] if self.scheduled_count else [self._occurrence(self.on, self.on)]
            self.scheduled_count, self.next_on = 1, None
            return made
        made, last_day = [], min(last_day, self.ends_on or last_day)
        day = nth_day(self.frequency, self.starts_on, self.scheduled_count)
        while day <= last_day and len(made) < MOST_AT_ONCE:
            following = nth_day(self.frequency, self.starts_on, self.scheduled_count + 1)
            due_on = min(following - timedelta(days=1), self.ends_on or following)
            if first_due is None or due_on >= first_due:
                made.append(self._occurrence(day, due_on))
            self.scheduled_count, day = self.scheduled_count + 1, following
        self.next_on = None if self.ends_on and day > self.ends_on else day
        return made

    def _occurrence(self, day, due_on):
        return Occurrence(activity_id=self.id, project_id=self.project_id, kind=self.kind, scheduled_on=day,
                          due_on=due_on)


def _one_of(item, first, second, what):
    if (getattr(item, first) is None) == (getattr(item, second) is None):
        raise FieldInvalid(first, f"give {what}: either {first} or {second}")


@dataclass
class Occurrence(Aggregate):
    activity_id: str
    project_id: str
    kind: str
    scheduled_on: date
    due_on: date
    status: str = "scheduled"              # then done or missed; cancelled while its project is suspended or over
    done_on: date | None = None
    reached: int | None = None             # people reached, or attendance of a training or drill
    attendee_ids: list = field(default_factory=list)  # assignment ids, when the sign-in sheet names them
    certificates_issued: int | None = None
    leaflets: int | None = None
    note: str | None = None
    reported_by: str | None = None
    reported_at: datetime | None = None
    missed_at: datetime | None = None
    id: str = field(default_factory=new_id)

    def report_done(self, activity, today, actor, at, done_on, reached, attendee_ids=(), certificates_issued=None,
                    leaflets=None, note=None):
        if self.status != "scheduled":
            raise Conflict(f"occurrence {self.id} is {self.status}; it cannot be reported done")
        if not self.scheduled_on <= done_on <= self.due_on:
            raise FieldInvalid("done_on", f"from {self.scheduled_on} to {self.due_on}, the occurrence's days")
        if done_on > today:
            raise FieldInvalid("done_on", "must not be in the future")
        if len(attendee_ids) > reached:
            raise FieldInvalid("reached", f"fewer than the {len(attendee_ids)} attendees named")
        if certificates_issued is not None and (self.kind not in TRAININGS or certificates_issued > reached):
            raise FieldInvalid("certificates_issued", "only a training or drill issues them, at most one each")
        if leaflets is not None and self.kind != "campaign":
            raise FieldInvalid("leaflets", "only a campaign hands out leaflets")
        self.status, self.done_on, self.reached, self.note = "done", done_on, reached, note
        self.attendee_ids, self.certificates_issued, self.leaflets = list(attendee_ids), certificates_issued, leaflets
        self.reported_by, self.reported_at = actor, at
        self.record("activity.completed", **self._facts(), done_on=done_on, reached=reached, leaflets=leaflets)
        if self.kind in TRAININGS:
            self.record("training.held", **self._facts(), held_on=done_on, hours=activity.hours, attendance=reached,
                        attendee_ids=list(attendee_ids), certificates_issued=certificates_issued or 0)

    def miss(self, today, at):
        """Once, the first day after its due date on which it is still not reported done."""
        if self.status != "scheduled" or today <= self.due_on:
            return False
        self.status, self.missed_at = "missed", at
        self.record("activity.missed", **self._facts(), due_on=self.due_on)
        return True

    def _facts(self):
        return {"occurrence_id": self.id, "activity_id": self.activity_id, "project_id": self.project_id,
                "kind": self.kind, "scheduled_on": self.scheduled_on}


def still_carried_out(occurrences, today):
    """Reviewers' question (是否还在持续开展), answered from the occurrences (see RULE). An occurrence
    past its due date and not done counts as missed even before the timer has marked it; one
    cancelled (its project suspended) does not count."""
    window = [o for o in occurrences if today - timedelta(days=WINDOW_DAYS) <= o.due_on < today
              and o.status != "cancelled"]
    done = sum(o.status == "done" for o in window)
    recent = sorted(window, key=lambda o: (o.due_on, o.scheduled_on))[-RECENT:]
    share = round(done / len(window), 4) if window else None
    answer = bool(window) and share >= SHARE_DONE and all(o.status == "done" for o in recent)
    return {"still_carried_out": answer, "due": len(window), "done": done, "missed": len(window) - done,
            "share_done": share, "recent_missed": sum(o.status != "done" for o in recent), "rule": RULE,
            "as_of": today}


def training_hours(trainings, members, year):
    """Hours of training and drills each person (assignment id) attended in `year`: trainings are
    (done_on, hours, attendee_ids); members (committee and working-group members) are listed even
    with none. Hours of attendance counted only, never a headcount without names."""
    hours, sessions = {member: 0.0 for member in members}, {member: 0 for member in members}
    for done_on, length, attendees in trainings:
        if done_on.year == year:
            for person in set(attendees):
                hours[person] = hours.get(person, 0.0) + (length or 0)
                sessions[person] = sessions.get(person, 0) + 1
    return {"year": year, "target_hours": TRAINING_HOURS_TARGET, "members": [
        {"assignment_id": person, "hours": round(total, 2), "trainings": sessions[person],
         "meets_target": total >= TRAINING_HOURS_TARGET} for person, total in sorted(hours.items())]}
