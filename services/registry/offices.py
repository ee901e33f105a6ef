"""Registry domain: departments that publish into the platform, the roles people hold and their
assignments with terms of office (one person may hold several). Pure Python. Events say which
department was added and who holds which role where and when, for finding recipients: the person by
a stable key (a registered resident's id, else the assignment's), never a name or phone."""
from dataclasses import dataclass
from datetime import date

from safecommunity.domain import Aggregate
from safecommunity.errors import FieldInvalid, IllegalTransition

from .domain import new_id

# DEPARTMENT_KINDS and the codes of ROLES are also in the events' contract
# (safecommunity/contracts/registry.py); tests/test_offices.py keeps the two the same.
DEPARTMENT_KINDS = (
    "work_safety", "police", "traffic_police", "fire", "health", "civil_affairs", "education",
    "urban_management", "market_regulation", "housing_construction", "meteorology", "migrant_office",
    "justice", "womens_federation", "disabled_persons_federation", "trade_union", "utilities", "other")

# role code -> (name, where it is held: a department, a grid, or either)
DEPARTMENT, GRID = "department", "grid"
ROLES = {
    "committee_office_staff": ("Committee office staff 促进委员会办公室", {DEPARTMENT}),
    "working_group_lead": ("Working-group lead 工作组组长", {DEPARTMENT}),
    "department_data_officer": ("Department data officer 部门信息员", {DEPARTMENT}),
    "community_safety_inspector": ("Community safety inspector 社区安监员", {GRID}),
    "grid_head": ("Grid head 网格负责人", {GRID}),
    "grid_information_officer": ("Grid information officer 网格信息员", {GRID}),
    "building_head": ("Building head 楼栋长", {GRID}),
    "property_staff": ("Property company staff 物业人员", {GRID}),
    "school_principal": ("School principal 校长(第一责任人)", {DEPARTMENT, GRID}),
    "volunteer": ("Volunteer 志愿者", {GRID, DEPARTMENT}),
    "expert": ("Expert 专家", {DEPARTMENT, GRID}),
}


def roles():
    return [{"code": code, "name": name, "held_in": sorted(places)} for code, (name, places) in ROLES.items()]


@dataclass
class Department(Aggregate):
    code: str
    name: str
    kind: str

    @property
    def id(self):
        return self.code

    @classmethod
    def register(cls, code, name, kind):
        department = cls(code=code, name=name, kind=kind)
        department.record("department.registered", code=code, name=name, kind=kind)
        return department


@dataclass
class Assignment(Aggregate):
    id: str
    role: str
    term_from: date
    department_code: str | None = None
    grid_code: str | None = None
    resident_id: str | None = None
    person_name: str | None = None
    person_phone: str | None = None
    term_to: date | None = None

    @classmethod
    def appoint(cls, **fields):
        assignment = cls(id=new_id(), **fields)
        assignment._check()
        assignment.record("assignment.started", **assignment.public())
        return assignment

    def public(self):
        """What its events say: the role, where and when it is held, and by whom as a key."""
        return {"assignment_id": self.id, "person_key": self.resident_id or self.id, "role": self.role,
                "grid_code": self.grid_code, "department_code": self.department_code,
                "term_from": self.term_from, "term_to": self.term_to}

    def _check(self):
        if self.resident_id and (self.person_name or self.person_phone):
            raise FieldInvalid("resident_id", "give a resident id or a name and phone, not both")
        if not self.resident_id and not self.person_name:
            raise FieldInvalid("person_name", "give a resident id or the person's name")
        held_in = ROLES[self.role][1]
        places = {DEPARTMENT} if self.department_code else set()
        places |= {GRID} if self.grid_code else set()
        if len(places) != 1 or not places <= held_in:
            raise FieldInvalid("role", f"{self.role} is held in a {' or a '.join(sorted(held_in))}: name one")
        if self.term_to is not None and self.term_to < self.term_from:
            raise FieldInvalid("term_to", f"must not be before term_from ({self.term_from})")

    def active_on(self, day):
        return self.term_from <= day and (self.term_to is None or self.term_to >= day)

    def end(self, on):
        if self.term_to is not None and self.term_to <= on:
            raise IllegalTransition(f"assignment {self.id} already ends on {self.term_to}")
        if on < self.term_from:
            raise FieldInvalid("ended_on", f"must not be before term_from ({self.term_from})")
        self.term_to = on
        self.record("assignment.ended", **self.public())
