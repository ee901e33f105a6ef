"""Incidents domain: injury cases, accidents, public-order events, hazards and their rectification,
and intake rejections. Pure Python: aggregates check the rules and record what happened."""
from dataclasses import dataclass, field
from datetime import datetime, timezone

from safecommunity.domain import Aggregate
from safecommunity.errors import FieldInvalid, IllegalTransition
from safecommunity.ids import new_id

from .rules import check_case, warnings_for  # noqa: F401 - the card's rules, re-exported for callers

# Field sets in the contract, in the order the surveillance card asks for them.
CASE_FIELDS = ("source", "external_id", "grid_code", "injury_time", "visit_time", "sex", "age",
               "residence_type", "cause", "intent", "place", "activity", "nature", "body_part",
               "severity", "outcome")
# Optional card fields kept with the case but never put in events (free text, sub-forms).
DETAIL_FIELDS = ("education", "occupation", "alcohol", "transport_mode", "road_user_role",
                 "counterpart", "protection", "fall_type", "fall_cause", "product_relation")
AMENDABLE = (tuple(f for f in CASE_FIELDS if f not in ("source", "external_id")) + ("report_time", "description")
             + DETAIL_FIELDS)
MASS_CASUALTY_DEATHS, MASS_CASUALTY_INJURED = 3, 10  # 群死群伤, as 较大事故 begins
DISPUTE_STEPS = ("warned", "investigated", "mediated")  # 预警 → 排查 → 调处; as the contract's DISPUTE_STAGES


def now_utc():
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class HistoryEntry:
    """One step in an aggregate's life: who, when, why, with what evidence."""
    action: str
    from_status: str | None
    to_status: str | None
    actor: str
    at: datetime
    reason: str | None = None
    evidence: tuple = ()
    details: dict = field(default_factory=dict)


class WithHistory(Aggregate):
    def log(self, entry):
        self.__dict__.setdefault("new_history", []).append(entry)

    def collect_history(self):
        return self.__dict__.pop("new_history", [])


@dataclass
class InjuryCase(WithHistory):
    source: str
    external_id: str
    injury_time: datetime
    visit_time: datetime
    sex: str
    age: int
    residence_type: str
    cause: str
    intent: str
    place: str
    activity: str
    nature: str
    body_part: str
    severity: str
    outcome: str
    grid_code: str | None = None
    description: str | None = None
    report_time: datetime | None = None
    details: dict = field(default_factory=dict)
    version: int = 1
    id: str = field(default_factory=new_id)

    @classmethod
    def report(cls, **card):
        details = {name: card.pop(name) for name in DETAIL_FIELDS if card.get(name) is not None}
        for name in DETAIL_FIELDS:
            card.pop(name, None)
        case = cls(**card, details=details)
        case.record("injury.reported", case_id=case.id, **case._payload())  # no identity, no free text
        return case

    def card(self):
        return {**{name: getattr(self, name) for name in AMENDABLE if name not in DETAIL_FIELDS},
                **{name: self.details.get(name) for name in DETAIL_FIELDS}}

    def changes(self, card):
        current = self.card()
        return [name for name in AMENDABLE if card.get(name) != current[name]]

    def amend(self, card, actor, reason, at=None):
        """A correction: a new version of the same case, the previous one kept in its history."""
        changed = self.changes(card)
        if not changed:
            return []
        previous = self.card()
        for name in changed:
            if name in DETAIL_FIELDS:
                self.details = {k: v for k, v in {**self.details, name: card.get(name)}.items() if v is not None}
            else:
                setattr(self, name, card.get(name))
        self.version += 1
        self.log(HistoryEntry("amended", None, None, actor, at or now_utc(), reason,
                              details={"version": self.version, "changed": changed, "previous": previous}))
        self.record("injury.amended", case_id=self.id, version=self.version, changed=changed, **self._payload())
        return changed

    def _payload(self):
        return {name: getattr(self, name) for name in CASE_FIELDS if name != "external_id"}


@dataclass
class Accident(Aggregate):
    source: str
    external_id: str
    kind: str
    occurred_at: datetime
    deaths: int
    injuries: int
    grid_code: str | None = None
    unit_id: str | None = None  # registry's unit, when the report named one (incidents' view of units)
    unit_name: str | None = None
    address: str | None = None
    economic_loss: float | None = None
    mass_casualty: bool = False
    description: str | None = None
    id: str = field(default_factory=new_id)

    @classmethod
    def report(cls, mass_casualty=None, **fields):
        accident = cls(**fields)
        accident.mass_casualty = bool(mass_casualty) or accident.deaths >= MASS_CASUALTY_DEATHS \
            or accident.injuries >= MASS_CASUALTY_INJURED
        accident.record("accident.reported", accident_id=accident.id, source=accident.source, kind=accident.kind,
                        occurred_at=accident.occurred_at, grid_code=accident.grid_code, unit_id=accident.unit_id,
                        deaths=accident.deaths,
                        injuries=accident.injuries, economic_loss=accident.economic_loss,
                        mass_casualty=accident.mass_casualty)
        return accident


@dataclass
class PublicOrderEvent(WithHistory):
    source: str
    external_id: str
    kind: str
    occurred_at: datetime
    grid_code: str | None = None
    address: str | None = None
    description: str | None = None
    stage: str | None = None  # disputes only: warned → investigated → mediated
    id: str = field(default_factory=new_id)

    @classmethod
    def report(cls, **fields):
        event = cls(**fields)
        if event.kind == "dispute":
            event.stage = DISPUTE_STEPS[0]
        event.record("public_order.reported", public_order_id=event.id, source=event.source, kind=event.kind,
                     occurred_at=event.occurred_at, grid_code=event.grid_code)
        return event

    def advance(self, step, actor, note=None, at=None):
        if self.kind != "dispute":
            raise IllegalTransition(f"a {self.kind} has no mediation steps; only a dispute has")
        expected = DISPUTE_STEPS[DISPUTE_STEPS.index(self.stage) + 1] if self.stage != DISPUTE_STEPS[-1] else None
        if step != expected:
            raise IllegalTransition(f"dispute {self.id} is {self.stage}; the next step is {expected or 'none'}")
        at = at or now_utc()
        self.log(HistoryEntry(step, self.stage, step, actor, at, note))
        self.stage = step
        self.record("public_order.advanced", public_order_id=self.id, source=self.source, kind=self.kind,
                    grid_code=self.grid_code, stage=step, at=at)


# -- hazards ------------------------------------------------------------------------------------

OPEN = ("reported", "notified", "rectifying", "rectified", "verified")
NOT_YET_RECTIFIED = ("reported", "notified", "rectifying")
# action -> (statuses it may start from, status it leads to); escalate keeps the status.
TRANSITIONS = {
    "notify": (("reported",), "notified"),
    "start_rectification": (("notified",), "rectifying"),
    "rectify": (("rectifying",), "rectified"),
    "verify": (("rectified",), "verified"),
    "reopen": (("rectified",), "rectifying"),
    "close": (("verified",), "closed"),
    "escalate": (OPEN, None),
}


@dataclass
class Hazard(WithHistory):
    source: str
    found_by: str
    category: str
    severity: str
    description: str
    reported_by: str
    reported_at: datetime
    deadline: datetime
    external_id: str | None = None
    grid_code: str | None = None
    unit_id: str | None = None
    unit_name: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    responsible_party: str | None = None
    status: str = "reported"
    escalated_to: str | None = None
    escalation_level: int = 0
    rectified_at: datetime | None = None
    overdue_raised_at: datetime | None = None
    next_reminder_at: datetime | None = None
    closed_at: datetime | None = None
    attachment_ids: set = field(default_factory=set)
    id: str = field(default_factory=new_id)

    @classmethod
    def report(cls, policy, at=None, **fields):
        at = at or now_utc()
        deadline = at + policy.deadline_after(fields["category"], fields["severity"])
        hazard = cls(**fields, reported_at=at, deadline=deadline, next_reminder_at=policy.first_reminder(deadline))
        hazard.log(HistoryEntry("report", None, "reported", hazard.reported_by, at,
                                details={"deadline": deadline.isoformat()}))
        hazard.record("hazard.reported", **hazard._facts(at), found_by=hazard.found_by, source=hazard.source,
                      unit_id=hazard.unit_id)
        if hazard.severity == "major":  # 重大隐患: reported upward at once
            hazard.escalate(policy.escalate_major_to, "policy", "a major hazard is escalated at once", at=at,
                            automatic=True)
        return hazard

    def notify(self, actor, responsible_party=None, reason=None, evidence=(), at=None):
        party = responsible_party or self.responsible_party
        if not party:
            raise FieldInvalid("responsible_party", "who must rectify it? a notice needs a responsible party")
        at = self._move("notify", actor, reason, evidence, at, responsible_party=party)
        self.responsible_party = party
        self.record("hazard.notified", **self._facts(at), responsible_party=self.responsible_party)

    def start_rectification(self, actor, reason=None, evidence=(), at=None):
        self._move("start_rectification", actor, reason, evidence, at)

    def rectify(self, actor, evidence, reason=None, at=None):
        self._allowed("rectify")
        if not evidence:
            raise FieldInvalid("evidence", "a rectification needs evidence: upload a photo or document first")
        at = self._move("rectify", actor, reason, evidence, at)
        self.rectified_at, self.next_reminder_at = at, None
        self.record("hazard.rectified", **self._facts(at))

    def verify(self, actor, passed, reason=None, evidence=(), at=None):
        """Check the rectification: accepted, or reopened (rectifying again, reminders resume)."""
        if passed:
            at = self._move("verify", actor, reason, evidence, at)
            self.record("hazard.verified", **self._facts(at), on_time=self.on_time)
            return
        self._allowed("reopen")
        if not reason:
            raise FieldInvalid("reason", "say why the rectification failed verification")
        at = self._move("reopen", actor, reason, evidence, at)
        self.rectified_at, self.next_reminder_at = None, self.deadline
        self.record("hazard.reopened", **self._facts(at))

    def close(self, actor, reason=None, evidence=(), at=None):
        at = self._move("close", actor, reason, evidence, at)
        self.closed_at = at
        self.record("hazard.closed", **self._facts(at), on_time=self.on_time)

    def escalate(self, to_department, actor, reason, evidence=(), at=None, automatic=False):
        at = self._move("escalate", actor, reason, evidence, at, to_department=to_department,
                        level=self.escalation_level + 1)
        self.escalated_to, self.escalation_level = to_department, self.escalation_level + 1
        self.record("hazard.escalated", **self._facts(at), to_department=to_department,
                    level=self.escalation_level, automatic=automatic)

    def mark_overdue(self, at):
        """Once, when the deadline passes before the hazard is rectified."""
        if self.overdue_raised_at or self.status not in NOT_YET_RECTIFIED or at < self.deadline:
            return False
        self.overdue_raised_at = at
        self.log(HistoryEntry("overdue", self.status, self.status, "system", at))
        self.record("hazard.overdue", **self._facts(at))
        return True

    def remind(self, at, next_at):
        if self.status not in NOT_YET_RECTIFIED:
            self.next_reminder_at = None
            return False
        self.next_reminder_at = next_at
        self.record("hazard.reminded", **self._facts(at))
        return True

    @property
    def on_time(self):
        return self.rectified_at is not None and self.rectified_at <= self.deadline

    @property
    def overdue(self):
        return self.status in NOT_YET_RECTIFIED and now_utc() > self.deadline

    def _allowed(self, action):
        starts, to_status = TRANSITIONS[action]
        if self.status not in starts:
            raise IllegalTransition(f"hazard {self.id} is {self.status}; cannot {action.replace('_', ' ')} "
                                    f"(only from {', '.join(starts)})")
        return to_status

    def _move(self, action, actor, reason, evidence, at, **details):
        to_status = self._allowed(action)
        unknown = sorted(set(evidence) - self.attachment_ids)
        if unknown:
            raise FieldInvalid("evidence", f"not attachments of this hazard: {', '.join(unknown)}")
        at = at or now_utc()
        self.log(HistoryEntry(action, self.status, to_status or self.status, actor, at, reason, tuple(evidence),
                              details))
        self.status = to_status or self.status
        return at

    def _facts(self, at):
        return {"hazard_id": self.id, "category": self.category, "severity": self.severity,
                "grid_code": self.grid_code, "status": self.status, "deadline": self.deadline, "at": at}


# -- intake ---------------------------------------------------------------------------------------

@dataclass
class IntakeRejection(Aggregate):
    """A message a department sent that the intake refused: kept for the sender, and told."""
    channel: str
    reasons: dict
    department: str | None = None
    kind: str | None = None
    source: str | None = None
    external_id: str | None = None
    routing_key: str | None = None
    message_id: str | None = None
    rejected_at: datetime = field(default_factory=now_utc)
    id: str = field(default_factory=new_id)

    @classmethod
    def refuse(cls, **fields):
        rejection = cls(**fields)
        rejection.record("intake.rejected", rejection_id=rejection.id, channel=rejection.channel,
                         department=rejection.department, kind=rejection.kind, source=rejection.source,
                         external_id=rejection.external_id, reasons=rejection.reasons)
        return rejection
