"""The injury card's cross-field rules as a table (shared/injury-card.md, "Validation rules").

Each rule reads a loaded card (a dict with datetimes and codes) and answers a reason or None.
An `error` rule refuses the card; a `warning` rule is returned with the result but stores it
anyway. Pure Python.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

ERROR, WARNING = "error", "warning"
CLOCK_SKEW = timedelta(minutes=5)  # a hospital clock a little ahead of ours is not an error

TRAFFIC_CAUSES = {"motor_vehicle", "non_motor_vehicle"}
TRAFFIC_FIELDS = ("transport_mode", "road_user_role", "counterpart", "protection")
FALL_FIELDS = ("fall_type", "fall_cause")
WHOLE_BODY_CAUSES = {"suffocation", "drowning", "poisoning"}


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    field: str  # the field the reason is reported against
    says: str   # the rule in words, for the rule table's listing
    check: Callable  # (card, now) -> reason or None


def _after(card, now):
    reported = card.get("report_time") or now + CLOCK_SKEW
    if card["visit_time"] > reported:
        return "must not be after report_time" if card.get("report_time") else "must not be in the future"
    return None


def _only_for(fields, causes, label):
    def check(card, _now):
        given = [name for name in fields if card.get(name) is not None]
        if given and card["cause"] not in causes:
            return f"{', '.join(given)} only for {label} causes"
        return None
    return check


RULES = (
    Rule("R1a", ERROR, "injury_time", "injury time ≤ visit time",
         lambda c, _: "must not be after visit_time" if c["injury_time"] > c["visit_time"] else None),
    Rule("R1b", ERROR, "visit_time", "visit time ≤ report time (or now)", _after),
    Rule("R1c", ERROR, "report_time", "report time not in the future",
         lambda c, now: "must not be in the future" if (c.get("report_time") or now) > now + CLOCK_SKEW else None),
    Rule("R2", WARNING, "place", "traffic cause ⇒ place road and activity driving or riding",
         lambda c, _: ("a traffic injury is usually on a road while driving or riding"
                       if c["cause"] in TRAFFIC_CAUSES and (c["place"] != "road" or c["activity"] != "driving")
                       else None)),
    Rule("R3", ERROR, "body_part", "suffocation, drowning or poisoning ⇒ whole body",
         lambda c, _: ("must be whole_body for suffocation, drowning or poisoning"
                       if c["cause"] in WHOLE_BODY_CAUSES and c["body_part"] != "whole_body" else None)),
    Rule("R4", ERROR, "nature", "burn or scald ⇒ nature burn",
         lambda c, _: "must be burn for a burn or scald" if c["cause"] == "burn_scald" and c["nature"] != "burn"
         else None),
    Rule("R5", WARNING, "education", "age ≥ 6 ⇒ education given",
         lambda c, _: "expected for a patient aged 6 or more" if c["age"] >= 6 and not c.get("education") else None),
    Rule("R6", WARNING, "description", "cause other ⇒ a description says what it was",
         lambda c, _: "expected when the cause is other" if c["cause"] == "other" and not c.get("description")
         else None),
    Rule("R7a", ERROR, "cause", "traffic sub-form only for traffic causes",
         _only_for(TRAFFIC_FIELDS, TRAFFIC_CAUSES, "traffic")),
    Rule("R7b", ERROR, "cause", "fall sub-form only for falls", _only_for(FALL_FIELDS, {"fall"}, "fall")),
    Rule("R8", ERROR, "severity", "died ⇒ severe",
         lambda c, _: "a case that died is severe" if c["outcome"] == "died" and c["severity"] != "severe" else None),
)


def _apply(card, level, now):
    now = now or datetime.now(timezone.utc)
    found = {}
    for rule in RULES:
        if rule.level == level:
            reason = rule.check(card, now)
            if reason:
                found.setdefault(rule.field, []).append(reason)
    return found


def check_case(card, now=None):
    """{field: [reason]} for the error rules the card breaks; empty when it may be stored."""
    return _apply(card, ERROR, now)


def warnings_for(card, now=None):
    """{field: [reason]} for the warning rules: returned with the result, never blocking."""
    return _apply(card, WARNING, now)


def rule_table():
    return [{"id": r.id, "level": r.level, "field": r.field, "rule": r.says} for r in RULES]
