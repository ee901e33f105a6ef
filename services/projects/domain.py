"""Projects domain: safety-promotion projects, their life cycle and their funding ledger. Pure Python.

Organisation (areas, working groups, meetings) is in organisation.py; activities and their
occurrences in activities.py."""
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from safecommunity.domain import Aggregate
from safecommunity.errors import FieldInvalid, IllegalTransition
from safecommunity.ids import new_id

STATUSES = ("new", "continuing")                       # 新增 / 持续改进
MEASURE_KINDS = ("management", "education", "engineering", "service", "facilities_products")
TARGET_KINDS = ("tag", "unit_type", "grid")            # a registry tag, unit type or grid scope
LIFECYCLE = ("planned", "active", "completed", "suspended")
# life-cycle stage -> the stages it may move to
NEXT_STAGES = {"planned": ("active",), "active": ("completed", "suspended"), "suspended": ("active",),
               "completed": ()}
# a project whose activities run (extended, missed) and one whose occurrences are not expected
RUNNING, PAUSED = ("planned", "active"), ("suspended", "completed")
# what PATCH may change (the life cycle has its own route; the ledger its own rows)
CHANGEABLE = ("name", "intervention_area", "status", "working_group_id", "working_group", "target_group",
              "start_date", "lead_department", "partner_departments", "target_kind", "target_code",
              "baseline_figure", "baseline_period", "baseline_source", "goals", "measures", "budget")
# a stored field -> the request's field it comes from (what a change is named by)
REQUEST_FIELD = {"target_kind": "target", "target_code": "target", "baseline_figure": "baseline",
                 "baseline_period": "baseline", "baseline_source": "baseline"}


def now_utc():
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class HistoryEntry:
    """One step of a project's life: what, from which stage to which, who, when, why."""
    action: str
    from_stage: str | None
    to_stage: str | None
    actor: str
    at: datetime
    reason: str | None = None
    details: dict = field(default_factory=dict)


@dataclass
class Project(Aggregate):
    name: str
    intervention_area: str
    status: str = "new"
    working_group_id: str | None = None
    working_group: str | None = None        # a working group's name as text (v1, before groups existed)
    target_group: str | None = None         # free text (v1)
    start_date: date | None = None
    lead_department: str | None = None
    partner_departments: list = field(default_factory=list)
    target_kind: str | None = None
    target_code: str | None = None
    baseline_figure: float | None = None
    baseline_period: str | None = None
    baseline_source: str | None = None
    goals: list = field(default_factory=list)      # [{description, target, unit, due_on}]
    measures: list = field(default_factory=list)   # [{kind, description}]
    budget: float | None = None
    lifecycle: str = "planned"
    created_by: str | None = None
    created_at: datetime | None = None
    changed_by: str | None = None
    changed_at: datetime | None = None
    id: str = field(default_factory=new_id)

    @classmethod
    def create(cls, actor="system", at=None, **details):
        at = at or now_utc()
        project = cls(**details, created_by=actor, created_at=at, changed_by=actor, changed_at=at)
        project.check()
        project.log(HistoryEntry("create", None, project.lifecycle, actor, at))
        project.record("project.created", project_id=project.id, name=project.name,
                       intervention_area=project.intervention_area, status=project.status,
                       start_date=project.start_date, lifecycle=project.lifecycle,
                       working_group_id=project.working_group_id, lead_department=project.lead_department,
                       partner_departments=list(project.partner_departments), target_kind=project.target_kind,
                       target_code=project.target_code, measure_kinds=project.measure_kinds)
        return project

    def change(self, actor, at, **changes):
        """PATCH: the fields given, as given; a history row and project.updated name what changed, by
        the request's names (target, baseline)."""
        at = at or now_utc()
        different = [name for name, value in changes.items() if getattr(self, name) != value]
        if not different:
            return []
        for name in different:
            setattr(self, name, changes[name])
        self.check()
        changed = sorted({REQUEST_FIELD.get(name, name) for name in different})
        self.changed_by, self.changed_at = actor, at
        self.log(HistoryEntry("update", self.lifecycle, self.lifecycle, actor, at, details={"changed": changed}))
        self.record("project.updated", project_id=self.id, changed=changed, intervention_area=self.intervention_area,
                    working_group_id=self.working_group_id, status=self.status, lifecycle=self.lifecycle)
        return changed

    def move_to(self, stage, actor, at, reason=None):
        """planned → active → completed or suspended; suspended → active. Anything else is a 409."""
        if stage not in NEXT_STAGES.get(self.lifecycle, ()):
            allowed = ", ".join(NEXT_STAGES[self.lifecycle]) or "nothing: it is over"
            raise IllegalTransition(f"project {self.id} is {self.lifecycle}; it cannot become {stage} "
                                    f"(from {self.lifecycle}: {allowed})")
        previous, self.lifecycle, at = self.lifecycle, stage, at or now_utc()
        self.changed_by, self.changed_at = actor, at
        self.log(HistoryEntry("lifecycle", previous, stage, actor, at, reason))
        self.record("project.status_changed", project_id=self.id, previous_lifecycle=previous, lifecycle=stage,
                    intervention_area=self.intervention_area, working_group_id=self.working_group_id, at=at)

    def check(self):
        """Rules across fields (each field alone is checked by the request schema)."""
        if (self.target_kind is None) != (self.target_code is None):
            raise FieldInvalid("target_code" if self.target_kind else "target_kind",
                               "a target needs both its kind and its code")
        if self.lead_department and self.lead_department in self.partner_departments:
            raise FieldInvalid("partner_departments", f"{self.lead_department} leads; it is not also a partner")

    @property
    def measure_kinds(self):
        return sorted({measure["kind"] for measure in self.measures})

    def log(self, entry):
        self.__dict__.setdefault("new_history", []).append(entry)

    def collect_history(self):
        return self.__dict__.pop("new_history", [])


@dataclass(frozen=True)
class Funding:
    """One line of a project's funding ledger: money from a source, and how much of it is spent."""
    project_id: str
    source: str
    amount: float
    spent: float
    recorded_on: date
    recorded_by: str
    note: str | None = None
    id: str = field(default_factory=new_id)

    def __post_init__(self):
        if self.spent > self.amount:
            raise FieldInvalid("spent", f"more than the amount ({self.amount})")


def ledger_totals(lines, budget):
    amount = round(sum(line["amount"] for line in lines), 2)
    spent = round(sum(line["spent"] for line in lines), 2)
    return {"budget": budget, "funded": amount, "spent": spent,
            "share_spent": round(spent / amount, 4) if amount else None}
