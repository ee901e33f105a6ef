"""The programme's organisation: intervention areas, the working groups that hold them, and the
meetings of the committee and its groups. Pure Python."""
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml

from safecommunity.domain import Aggregate
from safecommunity.errors import Conflict, FieldInvalid
from safecommunity.ids import new_id

from .domain import now_utc

SEED_FILE = Path(__file__).with_name("seeds") / "organisation.yaml"
MEETING_KINDS = ("committee", "working_group", "joint")
# a joint meeting is the committee sitting with its working groups: it counts as the committee's
COMMITTEE_KINDS = ("committee", "joint")


def seeded_areas(path=SEED_FILE):
    """[{code, name, lead_department?}] of the seed file: the set a new site starts with."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))["areas"]


def group_name(area_name):
    return f"{area_name} working group"


@dataclass
class WorkingGroup(Aggregate):
    name: str
    areas: list = field(default_factory=list)                # intervention area codes it holds
    lead_department: str | None = None                       # a department code
    partner_departments: list = field(default_factory=list)  # department codes
    members: list = field(default_factory=list)              # the registry's assignment ids
    created_by: str | None = None
    created_at: datetime | None = None
    changed_by: str | None = None
    changed_at: datetime | None = None
    id: str = field(default_factory=new_id)

    @classmethod
    def create(cls, actor="system", at=None, **details):
        at = at or now_utc()
        group = cls(**details, created_by=actor, created_at=at, changed_by=actor, changed_at=at)
        group.check()
        group.record("working_group.created", working_group_id=group.id, name=group.name, areas=list(group.areas),
                     lead_department=group.lead_department, partner_departments=list(group.partner_departments),
                     member_count=len(group.members))
        return group

    def change(self, actor, at, **changes):
        for name, value in changes.items():
            setattr(self, name, value)
        self.check()
        self.changed_by, self.changed_at = actor, at

    def absorb(self, other, actor, at):
        """A merge: this group takes the other's areas, partners and members."""
        if other.id == self.id:
            raise FieldInvalid("into", "a working group cannot be merged into itself")
        partners = _union(self.partner_departments, other.partner_departments, other.lead_department)
        self.change(actor, at, areas=_union(self.areas, other.areas), members=_union(self.members, other.members),
                    partner_departments=[code for code in partners if code != self.lead_department])

    def check(self):
        if self.lead_department and self.lead_department in self.partner_departments:
            raise FieldInvalid("partner_departments", f"{self.lead_department} leads; it is not also a partner")


def _union(first, second, *more):
    return list(dict.fromkeys([*first, *second, *(item for item in more if item)]))


def check_areas_free(areas, holders, group_id=None):
    """One working group per intervention area: an area another group holds is a 409 (merge them)."""
    taken = sorted(code for code in areas if holders.get(code) not in (None, group_id))
    if taken:
        raise Conflict(f"{', '.join(taken)} already held by another working group; merge the groups instead")


@dataclass
class Meeting(Aggregate):
    held_on: date
    kind: str
    attendance: int
    attendee_ids: list = field(default_factory=list)   # assignment ids, when the sign-in sheet names them
    working_group_id: str | None = None
    minutes: str | None = None
    decisions: list = field(default_factory=list)      # [{text, owner, due_on}]
    created_by: str | None = None
    created_at: datetime | None = None
    id: str = field(default_factory=new_id)

    @classmethod
    def hold(cls, actor="system", at=None, **details):
        meeting = cls(**details, created_by=actor, created_at=at or now_utc())
        if meeting.kind == "working_group" and not meeting.working_group_id:
            raise FieldInvalid("working_group_id", "a working group's meeting names its group")
        if len(meeting.attendee_ids) > meeting.attendance:
            raise FieldInvalid("attendance", f"fewer than the {len(meeting.attendee_ids)} attendees named")
        late = [d for d in meeting.decisions if d["due_on"] < meeting.held_on]
        if late:
            raise FieldInvalid("decisions", "a decision is due before the meeting that took it")
        meeting.record("meeting.held", meeting_id=meeting.id, kind=meeting.kind, held_on=meeting.held_on,
                       working_group_id=meeting.working_group_id, attendance=meeting.attendance,
                       decision_count=len(meeting.decisions))
        return meeting


@dataclass(frozen=True)
class Assignment:
    """A person in a role, as the registry's assignment events told projects (a key, never a name)."""
    assignment_id: str
    person_key: str
    role: str
    term_from: date
    grid_code: str | None = None
    department_code: str | None = None
    term_to: date | None = None   # the last day in office the appointment named; None: open-ended
    ended_on: date | None = None  # the last day, when the registry has ended the term

    @property
    def last_day(self):
        return self.ended_on or self.term_to

    def ended_before(self, day):
        return self.last_day is not None and self.last_day < day

    def current_on(self, day):
        return self.term_from <= day and not self.ended_before(day)

    def detail(self, today):
        return {"assignment_id": self.assignment_id, "known": True, "role": self.role, "grid_code": self.grid_code,
                "department_code": self.department_code, "term_from": self.term_from, "term_to": self.last_day,
                "current": self.current_on(today)}


NOT_KNOWN = "not a person in a role the registry has told projects of"


def check_people(field, ids, known, day, already=()):
    """Everyone named is a person in a role projects knows (`known`: {id: Assignment}), and everyone
    not `already` named there holds the role on `day` or later: an ended term stays where it is
    listed, but is given no new place (a member, an owner, an attendee after the term)."""
    unknown = [person for person in ids if person not in known]
    if unknown:
        raise FieldInvalid(field, f"{', '.join(unknown)}: {NOT_KNOWN}")
    ended = [person for person in ids if person not in already and known[person].ended_before(day)]
    if ended:
        raise FieldInvalid(field, f"{', '.join(ended)}: the term in the role ended before {day}")


def people_detail(ids, known, today):
    """Each id with its role, where it is held and whether the term is current; an id named before
    projects heard of assignments (or never told of) as unknown."""
    return [known[person].detail(today) if person in known else {"assignment_id": person, "known": False}
            for person in ids]


def quarters_met(days, year):
    """Whether the committee met at least once in each quarter of `year` (site calendar days)."""
    counts = [0, 0, 0, 0]
    for day in days:
        if day.year == year:
            counts[(day.month - 1) // 3] += 1
    quarters = [{"quarter": n + 1, "meetings": count, "met": count > 0} for n, count in enumerate(counts)]
    return {"year": year, "kinds": list(COMMITTEE_KINDS), "quarters": quarters,
            "met_every_quarter": all(counts)}
