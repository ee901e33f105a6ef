"""Incidents domain: injury cases from hospitals and health centres. Pure Python."""
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from safecommunity.domain import Aggregate

CLOCK_SKEW = timedelta(minutes=5)  # a hospital clock a little ahead of ours is not an error

# Field sets in the contract, in the order the surveillance card asks for them.
CASE_FIELDS = ("source", "external_id", "grid_code", "injury_time", "visit_time", "sex", "age",
               "residence_type", "cause", "intent", "place", "activity", "nature", "body_part",
               "severity", "outcome")


def check_case(case, now=None):
    """Cross-field rules of the surveillance card: {field: [reason]}, empty when the case is sound."""
    now = now or datetime.now(timezone.utc)
    errors = {}
    if case["injury_time"] > case["visit_time"]:
        errors.setdefault("injury_time", []).append("must not be after visit_time")
    if case["visit_time"] > now + CLOCK_SKEW:
        errors.setdefault("visit_time", []).append("must not be in the future")
    if case["outcome"] == "died" and case["severity"] != "severe":
        errors.setdefault("severity", []).append("a case that died is severe")
    return errors


@dataclass
class InjuryCase(Aggregate):
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
    id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @classmethod
    def report(cls, **card):
        case = cls(**card)
        payload = {name: getattr(case, name) for name in CASE_FIELDS if name != "external_id"}
        case.record("injury.reported", case_id=case.id, **payload)  # no patient identity, no free text
        return case
